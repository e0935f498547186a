"""Reward components per step reach TensorBoard through TRL's reporter (`train.report_to`)."""

from __future__ import annotations

import math

import pytest
from conftest import TINY_TRAIN, run_cli
from test_train_cli import GRPO_TINY, _sets

event_accumulator = pytest.importorskip("tensorboard.backend.event_processing.event_accumulator",
                                        reason="tensorboard is not installed")


def test_grpo_logs_reward_components_to_tensorboard(tiny_models, video_dataset, tmp_path):
    out = tmp_path / "grpo"
    run_cli("train", "grpo", "--model", tiny_models["qwen2_vl"], "--data", video_dataset, "-o", out,
            "--max-steps", 2, *_sets(*TINY_TRAIN, *GRPO_TINY, "train.report_to=[tensorboard]"))
    files = sorted(out.rglob("events.out.tfevents.*"))
    assert files, f"no TensorBoard event file under {out}"
    scalars: dict[str, list[tuple[int, float]]] = {}
    for path in files:
        acc = event_accumulator.EventAccumulator(str(path))
        acc.Reload()
        for tag in acc.Tags()["scalars"]:
            scalars.setdefault(tag, []).extend((e.step, e.value) for e in acc.Scalars(tag))
    for name in ("accuracy", "format", "test_char_length"):
        for stat in ("mean", "std"):
            tag = f"train/rewards/{name}/{stat}"
            assert [step for step, _ in scalars.get(tag, [])] == [1, 2], (tag, sorted(scalars))
            assert all(math.isfinite(v) for _, v in scalars[tag])
    assert [step for step, _ in scalars["train/reward"]] == [1, 2]
    assert "train/loss" in scalars and "train/learning_rate" in scalars
