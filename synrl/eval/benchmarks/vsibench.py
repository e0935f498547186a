"""VSI-Bench (Yang et al., 2024): spatial reasoning; multiple choice + numeric answers scored by MRA."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from synrl.eval.benchmarks.common import first_existing, options_from_list, read_table, video_path
from synrl.eval.benchmarks.registry import BenchmarkError, register_benchmark
from synrl.eval.sample import EvalSample

LAYOUT = """
From huggingface.co/datasets/nyu-visionx/VSI-Bench (the table, and arkitscenes.zip, scannet.zip, scannetpp.zip
unzipped in place):
  VSI-Bench/test.jsonl (current release) or test-00000-of-00001.parquet (first release)
      columns: id, dataset, scene_name, question_type, question, options (["A. ...", ...] or null),
      ground_truth (a letter for multiple choice, a number as text otherwise)
  VSI-Bench/test_debiased.parquet, test_pruned.parquet   the VSI-Bench-Debiased split and the pruned rest
  VSI-Bench/<dataset>/<scene_name>.mp4     e.g. arkitscenes/41069025.mp4
Numeric question types (object_counting, object_abs_distance, object_size_estimation,
room_size_estimation) are scored by mean relative accuracy; the rest by accuracy.
Options: subset=full|debiased|pruned (default full).
"""

NUMERIC_TYPES = ("object_counting", "object_abs_distance", "object_size_estimation", "room_size_estimation")

#: subset -> annotation files, first found wins.
SUBSETS = {
    "full": ["test.jsonl", "test-00000-of-00001.parquet"],
    "debiased": ["test_debiased.parquet"],
    "pruned": ["test_pruned.parquet"],
}


def _numeric(row: dict[str, Any], common: dict[str, Any]) -> EvalSample:
    try:
        value = float(row["ground_truth"])
    except (TypeError, ValueError):
        raise BenchmarkError(f"vsibench {row['id']}: numeric ground truth {row['ground_truth']!r}") from None
    return EvalSample(answer_type="number", answer=value, metric="mra", **common)


def _choice(row: dict[str, Any], common: dict[str, Any]) -> EvalSample:
    opts = options_from_list(list(row.get("options") or []))
    answer = str(row["ground_truth"]).strip()
    if answer not in opts:
        raise BenchmarkError(f"vsibench {row['id']}: answer {answer!r} is not an option letter")
    return EvalSample(answer_type="multiple_choice", answer=answer, options=opts, **common)


@register_benchmark("vsibench", kind="mixed", layout=LAYOUT)
def load(root: Path, options: Mapping[str, str]) -> list[EvalSample]:
    subset = options.get("subset", "full")
    if subset not in SUBSETS:
        raise BenchmarkError(f"vsibench: subset must be one of {', '.join(SUBSETS)}, got {subset!r}")
    samples = []
    for row in read_table(first_existing(root, SUBSETS[subset])):
        qtype = str(row["question_type"])
        common = {"id": str(row["id"]), "benchmark": "vsibench",
                  "video": video_path(root, str(row["dataset"]), f"{row['scene_name']}.mp4"),
                  "question": str(row["question"]), "groups": {"question_type": qtype, "dataset": str(row["dataset"])}}
        samples.append(_numeric(row, common) if qtype in NUMERIC_TYPES else _choice(row, common))
    return samples
