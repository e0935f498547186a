"""``synrl train sft``: TRL SFTTrainer on video conversations, loss on assistant tokens only."""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

from synrl.train.config import SFTRunConfig, TrainOptions, dump_config
from synrl.train.data import BadVideoLog, VideoOptions, VideoSFTCollator

log = logging.getLogger(__name__)


def video_options(cfg) -> VideoOptions:
    return VideoOptions(num_frames=cfg.num_frames, fps=cfg.fps, max_frames=cfg.max_frames,
                        min_pixels=cfg.min_pixels, max_pixels=cfg.max_pixels)


def read_sft_jsonl(path: str | Path):
    """The conversational JSONL as a ``datasets.Dataset`` with ``messages`` kept as JSON text.

    Kept as text because Arrow cannot type content parts whose keys vary (video vs text);
    the collator parses it back.
    """
    from datasets import Dataset

    rows = []
    with open(path) as fh:
        for n, line in enumerate(fh, 1):
            if not line.strip():
                continue
            record = json.loads(line)
            if "messages" not in record:
                raise ValueError(f"{path}:{n}: no 'messages' (expected TRL conversational rows)")
            rows.append({"messages": json.dumps(record["messages"])})
    if not rows:
        raise ValueError(f"{path}: no rows")
    return Dataset.from_list(rows)


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


class BadVideoCallback:
    """Puts the unreadable-video count into every log line (a TrainerCallback)."""

    def __new__(cls, bad: BadVideoLog):
        from transformers import TrainerCallback

        class _CB(TrainerCallback):
            def on_log(self, args, state, control, logs=None, **kwargs):
                if logs is not None:
                    logs["bad_videos"] = len(bad.bad)

        return _CB()


def run_sft(cfg: SFTRunConfig) -> dict[str, Any]:
    """Train; returns a summary (final loss, steps, bad videos, output folder)."""
    from trl import SFTConfig, SFTTrainer

    from synrl.train.models import load_model

    dump_config(cfg, Path(cfg.train.output_dir) / "synrl_config.yaml")
    model, processor = load_model(cfg.model, use_cpu=cfg.train.use_cpu)
    dataset = read_sft_jsonl(cfg.data)
    bad = BadVideoLog(cfg.video.max_bad_video_fraction)
    collator = VideoSFTCollator(processor, video_options(cfg.video),
                                video_root=cfg.video_root or str(Path(cfg.data).parent),
                                max_length=cfg.max_length, bad=bad)
    args = SFTConfig(**trainer_args(cfg.train), max_length=None,
                     dataset_kwargs={"skip_prepare_dataset": True})
    trainer = SFTTrainer(model=model, args=args, train_dataset=dataset, data_collator=collator,
                         processing_class=processor, callbacks=[BadVideoCallback(bad)])
    result = trainer.train(resume_from_checkpoint=resume_arg(cfg.train))
    trainer.save_model(cfg.train.output_dir)
    processor.save_pretrained(cfg.train.output_dir)
    summary = {"output_dir": cfg.train.output_dir, "global_step": trainer.state.global_step,
               "train_loss": result.training_loss,
               "losses": [h["loss"] for h in trainer.state.log_history if "loss" in h],
               "log_history": trainer.state.log_history, **bad.summary()}
    (Path(cfg.train.output_dir) / "synrl_summary.json").write_text(json.dumps(summary, indent=2, default=str))
    if bad.bad:
        log.error("%d unreadable videos were dropped: %s", len(bad.bad), bad.bad[:20])
    return summary
