"""What an SFT run and a GRPO run share: their video and TrainingArguments settings,
resuming, and the output folder they leave (model, processor, ``synrl_summary.json``)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from synrl.train.config import TrainOptions
from synrl.train.data import VideoOptions


def video_options(cfg) -> VideoOptions:
    return VideoOptions(num_frames=cfg.num_frames, fps=cfg.fps, max_frames=cfg.max_frames, min_frames=cfg.min_frames,
                        min_pixels=cfg.min_pixels, max_pixels=cfg.max_pixels)


def trainer_args(train: TrainOptions) -> dict[str, Any]:
    """The transformers TrainingArguments shared by SFT and GRPO."""
    return dict(
        output_dir=train.output_dir,
        learning_rate=train.learning_rate,
        num_train_epochs=train.num_train_epochs,
        max_steps=train.max_steps,
        per_device_train_batch_size=train.per_device_train_batch_size,
        gradient_accumulation_steps=train.gradient_accumulation_steps,
        warmup_steps=train.warmup_ratio,  # transformers 5: a float in [0, 1) is a ratio
        lr_scheduler_type=train.lr_scheduler_type,
        weight_decay=train.weight_decay,
        max_grad_norm=train.max_grad_norm,
        bf16=train.bf16 and not train.use_cpu,
        gradient_checkpointing=train.gradient_checkpointing,
        logging_steps=train.logging_steps,
        save_steps=train.save_steps,
        save_total_limit=train.save_total_limit,
        seed=train.seed,
        report_to=train.report_to or "none",
        deepspeed=train.deepspeed,
        dataloader_num_workers=train.dataloader_num_workers,
        use_cpu=train.use_cpu,
        remove_unused_columns=False,  # the collators need the raw columns
    )


def resume_arg(train: TrainOptions) -> str | bool | None:
    if train.resume_from_checkpoint == "last":
        from transformers.trainer_utils import get_last_checkpoint

        last = get_last_checkpoint(train.output_dir) if Path(train.output_dir).is_dir() else None
        if last is None:
            raise FileNotFoundError(f"resume_from_checkpoint=last but {train.output_dir} has no checkpoint")
        return last
    return train.resume_from_checkpoint


def finish_run(trainer, output_dir: str, **summary: Any) -> dict[str, Any]:
    """Save the model and processor to ``output_dir`` and write the run summary there
    (steps, per-step losses and the full log history, plus ``summary``)."""
    trainer.save_model(output_dir)
    trainer.processing_class.save_pretrained(output_dir)
    history = trainer.state.log_history
    out = {"output_dir": output_dir, "global_step": trainer.state.global_step,
           "losses": [h["loss"] for h in history if "loss" in h], **summary,
           "log_history": history}
    (Path(output_dir) / "synrl_summary.json").write_text(json.dumps(out, indent=2, default=str))
    return out
