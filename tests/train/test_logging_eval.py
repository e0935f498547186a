"""What a user watches during GRPO: the completions table per step and evaluation on held-out data."""

from __future__ import annotations

import json
import math
import subprocess
import sys

import pandas as pd
import pytest
from conftest import TASKS, TINY_TRAIN, run_cli


@pytest.fixture(scope="module")
def val_dataset(tmp_path_factory):
    out = tmp_path_factory.mktemp("val") / "ds"
    proc = subprocess.run(
        [sys.executable, "-m", "synrl.cli", "generate", "--tasks", TASKS, "--per-task", "2", "--split", "val",
         "--out", str(out), "--previews", "0", "--width", "64", "--height", "64", "--fps", "4"],
        capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return out


def test_completions_table_and_periodic_eval(tiny_models, video_dataset, val_dataset, tmp_path):
    out = tmp_path / "grpo"
    sets = [*TINY_TRAIN, "train.per_device_train_batch_size=2", "grpo.num_generations=2",
            "grpo.max_completion_length=8", "grpo.rewards={accuracy: 1.0, format: 0.5}",
            f"eval_data={val_dataset}", "eval_steps=1", "eval_max_samples=2", "grpo.tgrpo.enabled=true",
            "grpo.tgrpo.shuffled_generations=1"]
    run_cli("train", "grpo", "--model", tiny_models["qwen2_vl"], "--data", video_dataset, "-o", out,
            "--max-steps", 2, *[x for s in sets for x in ("--set", s)])

    history = json.loads((out / "synrl_summary.json").read_text())["log_history"]
    evals = [h for h in history if "eval_rewards/accuracy/mean" in h]
    assert [h["step"] for h in evals] == [1, 2]
    assert all(math.isfinite(h["eval_rewards/format/mean"]) for h in evals)
    tables = sorted((out / "completions").glob("completions_*.parquet"))
    assert len(tables) >= 2
    table = pd.read_parquet(tables[0])
    assert {"step", "prompt", "completion", "accuracy", "format", "temporal_bonus", "advantage"} <= set(table.columns)
    assert len(table) == 2  # one prompt x 2 completions per step (per_device_train_batch_size 2)
