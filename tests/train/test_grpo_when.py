"""GRPO on grounding questions only, through the CLI: `--question-types when` data with the
temporal IoU reward, and `--question-types track` data with the box IoU reward (VideoChat-R1's
two), a tiny Qwen2.5-VL on CPU."""

from __future__ import annotations

import json
import math
import subprocess
import sys

import pandas as pd
import pytest
from conftest import TINY_TRAIN, run_cli


@pytest.mark.parametrize("form, reward, answer_type, tasks", [
    ("when", "temporal_iou", "interval", "direction,rotation"),
    ("track", "box_iou", "box", "direction,velocity_rank"),
])
def test_grpo_with_the_iou_reward_on_grounding_questions(tiny_models, tmp_path, form, reward,
                                                         answer_type, tasks):
    data = tmp_path / form
    proc = subprocess.run(
        [sys.executable, "-m", "synrl.cli", "generate", "--tasks", tasks, "--per-task", "2",
         "--question-types", form, "--out", str(data), "--previews", "0", "--no-cot",
         "--width", "64", "--height", "64", "--fps", "4"], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    records = [json.loads(line) for line in (data / "manifest.jsonl").read_text().splitlines()]
    assert {r["answer_type"] for r in records} == {answer_type}

    out = tmp_path / "grpo"
    sets = [*TINY_TRAIN, "train.per_device_train_batch_size=2", "grpo.num_generations=2",
            "grpo.max_completion_length=8", f"grpo.rewards={{{reward}: 1.0, format: 0.5}}"]
    run_cli("train", "grpo", "--model", tiny_models["qwen2_5_vl"], "--data", data, "-o", out,
            "--max-steps", 2, *[x for s in sets for x in ("--set", s)])

    history = json.loads((out / "synrl_summary.json").read_text())["log_history"]
    logged = [h[f"rewards/{reward}/mean"] for h in history if f"rewards/{reward}/mean" in h]
    assert len(logged) == 2 and all(math.isfinite(v) and 0.0 <= v <= 1.0 for v in logged)
    table = pd.read_parquet(sorted((out / "completions").glob("completions_*.parquet"))[0])
    assert {reward, "format"} <= set(table.columns)
    # the prompts are the grounding questions
    questions = {r["question"] for r in records}
    assert all(any(q in str(p) for q in questions) for p in table["prompt"]), table["prompt"][0]
