"""CoT files of a dataset folder: writing the grounded one, reading any of them back."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from synrl.cot.check import CheckConfig, check_cot
from synrl.cot.grounded import MissingWriterError, grounded_cot, missing_writers
from synrl.dataset import GROUNDED_COT, atomic_write_jsonl, iter_jsonl

__all__ = ["GROUNDED_COT", "GroundedSummary", "grounded_lines", "load_cot", "write_grounded_cot"]



@dataclass
class GroundedSummary:
    """What :func:`write_grounded_cot` wrote."""

    path: Path
    written: int = 0
    passed: int = 0
    by_task: dict[str, int] = field(default_factory=dict)
    failed: dict[str, list[str]] = field(default_factory=dict)
    missing_writers: list[str] = field(default_factory=list)
    skipped: int = 0

    @property
    def ok(self) -> bool:
        return not self.failed and not self.missing_writers


def grounded_lines(records: Iterable[Mapping[str, Any]], check: CheckConfig = CheckConfig()) -> Iterable[dict[str, Any]]:
    """One ``cot.jsonl`` line per record: the grounded chain and its check."""
    for record in records:
        cot = grounded_cot(record)
        result = check_cot(cot, record, check)
        yield {"id": record["id"], "task": record["task"], "status": "passed" if result.ok else "failed",
               "source": "grounded", "cot": cot, "round": 0, "check": result.to_dict()}


def write_grounded_cot(folder: Path, *, out: Path | None = None, strict: bool = True,
                       tasks: Iterable[str] | None = None, check: CheckConfig = CheckConfig()) -> GroundedSummary:
    """Write ``FOLDER/cot.jsonl``: a grounded CoT for every sample, each run through the checker.

    Deterministic (phrasing is seeded by each sample's seed), so the file is rewritten
    whole, atomically; rerunning gives the same bytes. With ``strict`` (the default) a
    task without a grounded writer raises :class:`MissingWriterError` before anything is
    written; without it, that task's samples are skipped and listed in the summary.
    """
    from synrl.dataset import load_dataset

    records = load_dataset(folder)
    if tasks is not None:
        wanted = set(tasks)
        records = [r for r in records if r["task"] in wanted]
    missing = missing_writers(r["task"] for r in records)
    if missing and strict:
        raise MissingWriterError(missing)
    usable = [r for r in records if r["task"] not in missing]
    summary = GroundedSummary(path=out or folder / GROUNDED_COT, missing_writers=missing,
                              skipped=len(records) - len(usable))
    lines = list(grounded_lines(usable, check))
    summary.written = atomic_write_jsonl(summary.path, lines)
    summary.by_task = dict(Counter(line["task"] for line in lines))
    for line in lines:
        if line["status"] == "passed":
            summary.passed += 1
        else:
            summary.failed[line["id"]] = line["check"]["problems"]
    return summary


def load_cot(paths: Iterable[Path]) -> dict[str, dict[str, Any]]:
    """Passed CoT lines by sample id; for an id in several files the first file wins."""
    chosen: dict[str, dict[str, Any]] = {}
    for path in paths:
        for line in iter_jsonl(path):
            if line.get("status") == "passed" and line.get("cot") and line["id"] not in chosen:
                chosen[line["id"]] = line
    return chosen
