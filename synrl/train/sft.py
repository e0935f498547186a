"""``synrl train sft``: TRL SFTTrainer on video conversations, loss on assistant tokens only."""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

from synrl.train.config import SFTRunConfig, dump_config
from synrl.train.data import VIDEO_REPORT_KEY, BadVideoLog, VideoSFTCollator
from synrl.train.run import finish_run, resume_arg, trainer_args, video_options

log = logging.getLogger(__name__)


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


class BadVideoCallback:
    """Puts the unreadable-video count into every log line (a TrainerCallback)."""

    def __new__(cls, bad: BadVideoLog):
        from transformers import TrainerCallback

        class _CB(TrainerCallback):
            def on_log(self, args, state, control, logs=None, **kwargs):
                if logs is not None:
                    logs["bad_videos"] = len(bad.bad)

        return _CB()


def _video_sft_trainer_class():
    from trl import SFTTrainer

    class VideoSFTTrainer(SFTTrainer):
        """SFTTrainer that counts unreadable videos in the training process (see VIDEO_REPORT_KEY)."""

        def __init__(self, *args, bad_videos: BadVideoLog, **kwargs):
            self.bad_videos = bad_videos
            super().__init__(*args, **kwargs)

        def compute_loss(self, model, inputs, *args, **kwargs):
            report = inputs.pop(VIDEO_REPORT_KEY, None)
            if report is not None and model.training:
                self.bad_videos.record(report)
            return super().compute_loss(model, inputs, *args, **kwargs)

    return VideoSFTTrainer


def run_sft(cfg: SFTRunConfig) -> dict[str, Any]:
    """Train; returns a summary (final loss, steps, bad videos, output folder)."""
    from trl import SFTConfig

    from synrl.train.models import load_model

    dump_config(cfg, Path(cfg.train.output_dir) / "synrl_config.yaml")
    model, processor = load_model(cfg.model, use_cpu=cfg.train.use_cpu)
    dataset = read_sft_jsonl(cfg.data)
    bad = BadVideoLog(cfg.video.max_bad_video_fraction)
    collator = VideoSFTCollator(processor, video_options(cfg.video),
                                video_root=cfg.video_root or str(Path(cfg.data).parent),
                                max_length=cfg.max_length, report_in_batch=True)
    args = SFTConfig(**trainer_args(cfg.train), max_length=None,
                     dataset_kwargs={"skip_prepare_dataset": True})
    trainer = _video_sft_trainer_class()(model=model, args=args, train_dataset=dataset, data_collator=collator,
                                         processing_class=processor, callbacks=[BadVideoCallback(bad)],
                                         bad_videos=bad)
    result = trainer.train(resume_from_checkpoint=resume_arg(cfg.train))
    summary = finish_run(trainer, cfg.train.output_dir, train_loss=result.training_loss,
                         **bad.summary())
    if bad.bad:
        log.error("%d unreadable videos were dropped: %s", len(bad.bad), bad.bad[:20])
    return summary
