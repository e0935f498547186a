"""VSI-Bench (Yang et al., 2024): spatial reasoning; multiple choice + numeric answers scored by MRA."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from synrl.eval.benchmarks.common import first_existing, options_from_list, read_table, video_path
from synrl.eval.benchmarks.registry import BenchmarkError, register_benchmark
from synrl.eval.sample import EvalSample

LAYOUT = """
From huggingface.co/datasets/nyu-visionx/VSI-Bench (test-00000-of-00001.parquet or test.jsonl, and
arkitscenes.zip, scannet.zip, scannetpp.zip unzipped in place):
  VSI-Bench/test-00000-of-00001.parquet   (or test.jsonl) columns: id, dataset, scene_name,
      question_type, question, options (["A. ...", ...] or null), ground_truth
  VSI-Bench/<dataset>/<scene_name>.mp4     e.g. arkitscenes/41069025.mp4
Numeric question types (object_counting, object_abs_distance, object_size_estimation,
room_size_estimation) are scored by mean relative accuracy; the rest by accuracy.
"""

NUMERIC_TYPES = ("object_counting", "object_abs_distance", "object_size_estimation", "room_size_estimation")


@register_benchmark("vsibench", kind="mixed", layout=LAYOUT)
def load(root: Path, options: Mapping[str, str]) -> list[EvalSample]:
    table = first_existing(root, ["test-00000-of-00001.parquet", "data/test-00000-of-00001.parquet", "test.jsonl",
                                  "test.json"])
    samples = []
    for row in read_table(table):
        qtype = str(row["question_type"])
        common = dict(id=str(row["id"]), benchmark="vsibench",
                      video=video_path(root, str(row["dataset"]), f"{row['scene_name']}.mp4"),
                      question=str(row["question"]), groups={"question_type": qtype, "dataset": str(row["dataset"])})
        if qtype in NUMERIC_TYPES:
            try:
                value = float(row["ground_truth"])
            except (TypeError, ValueError):
                raise BenchmarkError(f"vsibench {row['id']}: numeric ground truth {row['ground_truth']!r}") from None
            samples.append(EvalSample(answer_type="number", answer=value, metric="mra", **common))
        else:
            opts = options_from_list(list(row.get("options") or []))
            answer = str(row["ground_truth"]).strip()
            if answer not in opts:
                matches = [k for k, v in opts.items() if v == answer]
                if len(matches) != 1:
                    raise BenchmarkError(f"vsibench {row['id']}: answer {answer!r} is not an option")
                answer = matches[0]
            samples.append(EvalSample(answer_type="multiple_choice", answer=answer, options=opts, **common))
    return samples
