"""Reading a sample's ground truth, whichever way a trainer hands it over.

Rewards take the ground truth as a mapping with the sample record's keys (``answer_type``,
``answer``, ``options``, ``answer_tolerance``, ``answer_ordered``, ``answer_text``). Tables
(Arrow/parquet behind TRL and verl) cannot hold one column whose type changes with the row,
so the adapters may also receive ``answer`` and ``options`` as JSON strings, or the whole
ground truth as one JSON object; :func:`coerce_ground_truth` accepts all of these.

Ground truths are trusted data: a malformed one raises :class:`ValueError` naming the
problem, because a silent zero reward would hide a dataset bug for a whole training run.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from typing import Any

from synrl.answers import Box, Interval, canonical_list, parse_boxes, parse_interval, parse_number
from synrl.dataset import ANSWER_TYPES, is_ordered

__all__ = [
    "ANSWER_TYPES",
    "EXTERNAL_ANSWER_TYPES",
    "GROUND_TRUTH_KEYS",
    "answer_of",
    "answer_type_of",
    "boxes_answer",
    "coerce_ground_truth",
    "interval_answer",
    "list_answer",
    "number_answer",
    "options_of",
]

#: Further answer types for external data (Video-R1 free-form, OCR, regression).
EXTERNAL_ANSWER_TYPES = ("free_form", "ocr", "regression")
#: Sample-record keys the rewards read.
GROUND_TRUTH_KEYS = ("answer_type", "answer", "options", "answer_text", "answer_tolerance", "answer_ordered")


def _maybe_json(value: Any) -> Any:
    """``value`` decoded when it is a string holding a JSON object or array, else unchanged."""
    if isinstance(value, str):
        stripped = value.strip()
        if stripped[:1] in ("[", "{"):
            try:
                return json.loads(stripped)
            except ValueError:
                return value
    return value


def _finite(value: Any) -> float | None:
    """``value`` as a finite float, or ``None``."""
    if isinstance(value, bool):
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def coerce_ground_truth(ground_truth: Any, extra: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """One ground-truth dict from what a trainer passes.

    ``ground_truth`` is a mapping with the record keys, a JSON string of one, or the bare
    answer (then ``extra`` must supply ``answer_type``). Keys of ``ground_truth`` win over
    keys of ``extra``. ``answer`` and ``options`` stored as JSON strings are decoded, and
    options whose text is null (Arrow fills missing struct fields with nulls) are dropped.
    """
    decoded = _maybe_json(ground_truth)
    gt: dict[str, Any] = {}
    if isinstance(extra, Mapping):
        gt.update({k: extra[k] for k in GROUND_TRUTH_KEYS if k in extra})
    if isinstance(decoded, Mapping) and ("answer" in decoded or "answer_type" in decoded):
        gt.update({k: v for k, v in decoded.items() if k in GROUND_TRUTH_KEYS})
    elif ground_truth is not None:
        gt["answer"] = ground_truth
    if "options" in gt:
        gt["options"] = options_of(gt)
    return gt


def answer_type_of(gt: Mapping[str, Any]) -> str:
    """The ``answer_type`` of a ground truth; :class:`ValueError` when absent or unknown."""
    answer_type = gt.get("answer_type") if isinstance(gt, Mapping) else None
    if answer_type not in ANSWER_TYPES + EXTERNAL_ANSWER_TYPES:
        known = ", ".join(ANSWER_TYPES + EXTERNAL_ANSWER_TYPES)
        raise ValueError(f"ground truth has answer_type {answer_type!r}; expected one of: {known}")
    return str(answer_type)


def answer_of(gt: Mapping[str, Any]) -> Any:
    """The ``answer`` of a ground truth; :class:`ValueError` when absent."""
    if not isinstance(gt, Mapping) or gt.get("answer") is None:
        raise ValueError(f"ground truth has no 'answer': {gt!r}")
    return gt["answer"]


def options_of(gt: Mapping[str, Any]) -> dict[str, str]:
    """Multiple-choice options as ``{letter: text}`` (empty when there are none)."""
    options = _maybe_json(gt.get("options"))
    if not isinstance(options, Mapping):
        return {}
    return {str(k): str(v) for k, v in options.items() if v is not None}


def number_answer(gt: Mapping[str, Any]) -> float:
    """The numeric answer; strings such as "3" or "2.5" are read with :func:`parse_number`."""
    answer = answer_of(gt)
    if isinstance(answer, bool):
        raise ValueError(f"numeric answer is a bool: {answer!r}")
    value = float(answer) if isinstance(answer, (int, float)) else parse_number(str(answer))
    if value is None or not math.isfinite(value):
        raise ValueError(f"ground truth answer {answer!r} is not a finite number")
    return value


def list_answer(gt: Mapping[str, Any]) -> tuple[list[str], bool]:
    """The canonical list answer and whether its order matters (``answer_ordered``, default true)."""
    answer = _maybe_json(answer_of(gt))
    ordered = is_ordered(gt)
    if isinstance(answer, str) or (isinstance(answer, Sequence) and not isinstance(answer, (bytes, bytearray))):
        items = canonical_list(answer, ordered)
        if items:
            return items, ordered
    raise ValueError(f"ground truth list answer {answer!r} has no items")


def interval_answer(gt: Mapping[str, Any]) -> Interval:
    """The ``(start_s, end_s)`` answer, from ``[start, end]`` or interval text."""
    answer = _maybe_json(answer_of(gt))
    interval: Interval | None = None
    if isinstance(answer, str):
        interval = parse_interval(answer)
    elif isinstance(answer, Sequence) and len(answer) == 2:
        start, end = _finite(answer[0]), _finite(answer[1])
        if start is not None and end is not None and start <= end:
            interval = (start, end)
    if interval is None:
        raise ValueError(f"ground truth interval {answer!r} is not [start_s, end_s] with start <= end")
    return interval


def boxes_answer(gt: Mapping[str, Any]) -> list[Box]:
    """The box answer as a list of ``(x1, y1, x2, y2)``: one box, or one per frame."""
    answer = _maybe_json(answer_of(gt))
    boxes: list[Box] | None = None
    if isinstance(answer, str):
        boxes = parse_boxes(answer)
    elif isinstance(answer, Sequence) and answer:
        rows = [answer] if not isinstance(answer[0], Sequence) else list(answer)
        coords = [[_finite(v) for v in row] if isinstance(row, Sequence) and len(row) == 4 else [None] for row in rows]
        if all(None not in row for row in coords):
            boxes = [(row[0], row[1], row[2], row[3]) for row in coords]  # type: ignore[misc]
    if not boxes:
        raise ValueError(f"ground truth box answer {answer!r} is not [x1, y1, x2, y2] or a list of them")
    return boxes
