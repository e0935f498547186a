"""The synthetic suite: a held-out (test-split) dataset of every registered task."""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path

from synrl.eval.benchmarks.registry import BenchmarkError, register_benchmark
from synrl.eval.sample import EvalSample

LAYOUT = """
A synrl dataset folder generated on the held-out split (seeds disjoint from train/val):
  synrl generate --split test --per-task 50 --out suite/
  suite/manifest.jsonl, suite/dataset.json, suite/videos/<id>.mp4
Or let the loader generate it: --data suite/ --option per_task=50 [--option tasks=a,b]
[--option width=448 --option height=448 --option fps=30] [--option question_types=mc,open,when].
Reported per task, family, primitive, question (the task's own, "when" or "when_mc") and
task_question; "when" answers are scored as grounding (R@0.3/0.5/0.7, mIoU, mIoP).
Options: split=test (only 'test' unless allow_split=1).
"""


def _generate(root: Path, options: Mapping[str, str]) -> None:
    from pydantic import ValidationError

    from synrl.config import GenerateConfig, VideoOptions
    from synrl.dataset import DatasetError
    from synrl.generate import generate
    from synrl.suite import task_ids
    from synrl.suite.base import TaskError

    tasks = [t for t in options.get("tasks", "").split(",") if t.strip()] or task_ids()
    try:
        video = VideoOptions(**{k: int(options[k]) for k in ("width", "height", "fps") if k in options})
        config = GenerateConfig(
            tasks=tasks, per_task=int(options.get("per_task", 20)), split="test",
            seed=int(options.get("seed", 0)), out=root, video=video,
            **({"question_types": options["question_types"].split(",")} if "question_types" in options else {}),
        )
        result = generate(config)
    except (ValidationError, TaskError, DatasetError, ValueError) as exc:
        raise BenchmarkError(f"synthetic suite: cannot generate into {root}: {exc}") from exc
    if result.failed:
        raise BenchmarkError(f"synthetic suite: {len(result.failed)} samples failed to generate; rerun to retry")


@register_benchmark("synthetic", kind="synthetic", layout=LAYOUT, needs_data=True)
def load(root: Path, options: Mapping[str, str]) -> list[EvalSample]:
    from synrl.dataset import DATASET_JSON, MANIFEST, DatasetError, is_ordered, load_dataset

    if not (root / MANIFEST).is_file() or "per_task" in options:
        _generate(root, options)
    meta_path = root / DATASET_JSON
    split = None
    if meta_path.is_file():
        meta = json.loads(meta_path.read_text())
        split = (meta.get("identity") or {}).get("split") or (meta.get("options") or {}).get("split")
    if split != "test" and options.get("allow_split") != "1":
        raise BenchmarkError(
            f"{root}: the synthetic suite must be the held-out test split (found {split!r}); "
            "generate with --split test, or pass --option allow_split=1"
        )
    try:
        records = load_dataset(root)
    except DatasetError as exc:
        raise BenchmarkError(str(exc)) from exc
    wanted = {t for t in options.get("tasks", "").split(",") if t.strip()}
    samples = []
    for record in records:
        if wanted and record["task"] not in wanted:
            continue
        question = _question_group(record)
        samples.append(
            EvalSample(
                id=record["id"], benchmark="synthetic", video=str((root / record["video"]["path"]).resolve()),
                question=record["question"], answer_type=record["answer_type"], answer=record["answer"],
                options=record.get("options"), answer_ordered=is_ordered(record),
                answer_tolerance=record.get("answer_tolerance"),
                metric=METRIC_BY_ANSWER_TYPE.get(record["answer_type"], "accuracy"),
                groups={"task": record["task"], "family": record["family"], "primitive": record["primitive"],
                        "answer_type": record["answer_type"], "question": question,
                        "task_question": f"{record['task']}/{question}"},
            )
        )
    return samples


#: Answer types scored other than by accuracy: intervals by IoU/IoP, boxes by box IoU.
METRIC_BY_ANSWER_TYPE = {"interval": "grounding", "box": "tracking"}


def _question_group(record: Mapping[str, object]) -> str:
    """"when" (open interval), "when_mc" (interval options), "track" (boxes at stated
    times), or "task" (the task's own)."""
    query = record.get("query") or {}
    kind = query.get("kind") if isinstance(query, Mapping) else None
    if kind == "when":
        return "when" if record["answer_type"] == "interval" else "when_mc"
    if kind == "track":
        return "track"
    return "task"
