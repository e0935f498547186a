"""Metrics of the evaluation: temporal grounding, mean relative accuracy, pass@k.

Per-sample scores are combined here; every function takes the full list of samples, and a
failed, empty or unparseable prediction enters as a prediction of ``None`` scoring zero, so
no denominator ever shrinks.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from synrl.answers import Interval, interval_iou

__all__ = [
    "GROUNDED_QA_THRESHOLD",
    "GROUNDING_THRESHOLDS",
    "IOP_THRESHOLDS",
    "MRA_THRESHOLDS",
    "best_overlap",
    "grounded_qa_summary",
    "grounding_summary",
    "interval_iop",
    "interval_iou",
    "mean",
    "mean_relative_accuracy",
    "pass_at_k",
    "pass_at_k_mean",
]

#: IoU thresholds of R@0.3/0.5/0.7 (Charades-STA, NExT-GQA, ReXTime).
GROUNDING_THRESHOLDS = (0.3, 0.5, 0.7)
#: VSI-Bench's confidence thresholds C = {0.50, 0.55, ..., 0.95}, built exactly as its released
#: scorer builds them (``np.linspace(.5, .95, 10)``): the float values, not rounded ones, decide
#: boundary cases such as truth 5, prediction 4 (0.6, not 0.7).
MRA_THRESHOLDS = tuple(float(t) for t in np.linspace(0.5, 0.95, 10))
#: IoP thresholds of NExT-GQA's IoP@0.3/0.5.
IOP_THRESHOLDS = (0.3, 0.5)
#: A grounded answer counts (NExT-GQA's Acc@GQA, ReXTime's Acc@IoU>=0.5) at this overlap.
GROUNDED_QA_THRESHOLD = 0.5


def mean(values: Sequence[float]) -> float:
    """Arithmetic mean; 0.0 for no values (a report with no samples scores nothing)."""
    return sum(values) / len(values) if values else 0.0


def interval_iop(predicted: Interval, target: Interval) -> float:
    """Intersection over the *predicted* length (NExT-GQA's IoP), in [0, 1].

    A zero-length prediction inside the target counts as fully inside (1.0): it names an
    instant of the segment; outside it is 0.
    """
    inter = max(0.0, min(predicted[1], target[1]) - max(predicted[0], target[0]))
    length = predicted[1] - predicted[0]
    if length <= 0:
        return 1.0 if target[0] <= predicted[0] <= target[1] else 0.0
    return min(1.0, max(0.0, inter / length))


def best_overlap(predicted: Interval | None, targets: Sequence[Interval]) -> tuple[float, float]:
    """``(IoU, IoP)`` of a prediction against the best-matching target segment.

    NExT-GQA annotates several segments for some questions; the prediction is credited with
    the segment it overlaps most (IoU and IoP maximised independently, as its scorer does).
    No prediction gives (0, 0).
    """
    if predicted is None or not targets:
        return 0.0, 0.0
    return (max(interval_iou(predicted, t) for t in targets), max(interval_iop(predicted, t) for t in targets))


def grounding_summary(overlaps: Sequence[tuple[float, float]]) -> dict[str, float]:
    """R@0.3/0.5/0.7 (fraction with IoU >= threshold), mIoU, mIoP and IoP@0.3/0.5, all in [0, 1]."""
    ious = [iou for iou, _ in overlaps]
    iops = [iop for _, iop in overlaps]
    summary = {f"R@{t}": mean([1.0 if iou >= t else 0.0 for iou in ious]) for t in GROUNDING_THRESHOLDS}
    summary["mIoU"] = mean(ious)
    summary["mIoP"] = mean(iops)
    summary.update({f"IoP@{t}": mean([1.0 if iop >= t else 0.0 for iop in iops]) for t in IOP_THRESHOLDS})
    return summary


def mean_relative_accuracy(predicted: float | None, target: float) -> float:
    """VSI-Bench's MRA: the fraction of thresholds θ in C with ``|ŷ - y| / y <= 1 - θ``.

    Computed as VSI-Bench's released scorer does (``lmms_eval/tasks/vsibench/utils.py`` of
    vision-x-nyu/thinking-in-space): thresholds from ``np.linspace(.5, .95, 10)`` and a plain
    ``<=`` on the float values, with no slack (the paper writes ``<``). The ground truth of
    VSI-Bench's numeric questions is positive; a zero target (undefined relative error) only
    credits an exact 0. No prediction scores 0.
    """
    if predicted is None or not math.isfinite(predicted):
        return 0.0
    if target == 0:
        return 1.0 if predicted == 0 else 0.0
    relative = abs(predicted - target) / abs(target)
    hits = sum(1 for theta in MRA_THRESHOLDS if relative <= 1.0 - theta)
    return hits / len(MRA_THRESHOLDS)


def grounded_qa_summary(rows: Sequence[tuple[bool, float, float]]) -> dict[str, float]:
    """Acc@QA, Acc@GQA (NExT-GQA: right answer and IoP >= 0.5) and Acc@IoU>=0.5 (ReXTime:
    right answer and IoU >= 0.5) from ``(answer_correct, iou, iop)`` per question."""
    return {
        "Acc@QA": mean([1.0 if ok else 0.0 for ok, _, _ in rows]),
        "Acc@GQA": mean([1.0 if ok and iop >= GROUNDED_QA_THRESHOLD else 0.0 for ok, _, iop in rows]),
        "Acc@IoU>=0.5": mean([1.0 if ok and iou >= GROUNDED_QA_THRESHOLD else 0.0 for ok, iou, _ in rows]),
    }


def pass_at_k(n: int, c: int, k: int) -> float:
    """Unbiased pass@k of one item with ``c`` correct among ``n`` samples (Chen et al. 2021).

    ``1 - C(n - c, k) / C(n, k)``: the probability that at least one of ``k`` samples drawn
    without replacement from the ``n`` is correct.
    """
    if not 0 <= c <= n or k < 1:
        raise ValueError(f"pass@k needs 0 <= c <= n and k >= 1, got n={n}, c={c}, k={k}")
    if k > n:
        raise ValueError(f"pass@{k} needs at least {k} samples per item, got {n}")
    if n - c < k:
        return 1.0
    # Product form: no huge binomials.
    fail = 1.0
    for i in range(n - c + 1, n + 1):
        fail *= 1.0 - k / i
    return 1.0 - fail


def pass_at_k_mean(counts: Sequence[tuple[int, int]], k: int) -> float:
    """Mean pass@k over items given ``(n, c)`` per item."""
    return mean([pass_at_k(n, c, k) for n, c in counts])
