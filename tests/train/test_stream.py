"""GRPO through the CLI on the online stream: fresh samples every step, each logged with the
stream record that regenerates it."""

from __future__ import annotations

import json
import math

import pytest
from conftest import TINY_TRAIN, run_cli
from test_train_cli import GRPO_TINY, _sets

STREAM = "stream:tasks=direction+rotation,width=64,height=64,fps=4,workers=2,queue=2,curriculum=1@0+2@2"


def test_grpo_on_the_stream_through_the_cli(tiny_models, tmp_path):
    out = tmp_path / "grpo"
    run_cli("train", "grpo", "--model", tiny_models["qwen2_vl"], "--data", STREAM, "-o", out,
            "--max-steps", 3, *_sets(*TINY_TRAIN, *GRPO_TINY))
    summary = json.loads((out / "synrl_summary.json").read_text())
    steps = [h for h in summary["log_history"] if "loss" in h]
    assert summary["global_step"] == 3 and len(steps) == 3
    assert all(math.isfinite(h["loss"]) for h in steps)
    assert summary["bad_videos"] == 0 and summary["videos_seen"] >= 3


def test_a_stream_needs_max_steps(tiny_models, tmp_path):
    with pytest.raises(AssertionError, match="exit 2(.|\n)*set train.max_steps"):
        run_cli("train", "grpo", "--model", tiny_models["qwen2_vl"], "--data", STREAM, "-o", tmp_path,
                *_sets(*TINY_TRAIN, *GRPO_TINY))
