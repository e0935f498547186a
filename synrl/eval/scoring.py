"""Scoring one prediction with synrl's single parser and the accuracy reward.

Every prediction gets a status: ``ok`` (parsed), ``failed`` (the backend gave no text after
its retries), ``empty`` (blank text) or ``unparseable`` (no answer the parser accepts). All
but ``ok`` score 0 and stay in every denominator; nothing is replaced by a default answer.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from synrl.answers import extract_answer, parse_interval, parse_number
from synrl.eval.metrics import GROUNDING_THRESHOLDS, best_overlap, mean_relative_accuracy
from synrl.eval.sample import EvalSample
from synrl.qa import answer_block, parse_answer
from synrl.rewards import get_reward

STATUSES = ("ok", "failed", "empty", "unparseable")

#: A grounding prediction counts as correct (for pass@k) at this IoU, the usual headline R@0.5.
GROUNDING_CORRECT_IOU = 0.5
#: A tracking prediction counts as correct at this mean box IoU (the usual detection cut).
TRACKING_CORRECT_IOU = 0.5


@dataclass
class Scored:
    """The verdict on one prediction."""

    status: str
    score: float  # accuracy in {0, 1} (IoU for synthetic interval answers), IoU, MRA, or box IoU
    correct: bool  # for pass@k: exact answer, IoU >= 0.5, MRA == 1 (error <= 5%), box IoU >= 0.5
    answer: str | None = None  # the extracted answer text
    iou: float | None = None
    iop: float | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _segments(answer: Any) -> list[tuple[float, float]]:
    """Ground-truth segments: ``[s, e]`` or ``[[s, e], ...]``."""
    if answer and isinstance(answer[0], (int, float)):
        answer = [answer]
    return [(float(s), float(e)) for s, e in answer]


def score_prediction(sample: EvalSample, completion: str | None, *, lenient: bool = True,
                     reversed_intervals: str = "reject") -> Scored:
    """Score ``completion`` (``None`` when the backend failed) for ``sample``.

    ``lenient`` reads an answer from models that ignore the ``<answer>`` tags (see
    :func:`synrl.answers.extract_answer`); strict mode scores exactly as the training reward.
    ``reversed_intervals`` ("reject" or "swap") is handed to
    :func:`synrl.answers.parse_interval` for grounding answers.
    """
    if completion is None:
        return Scored("failed", 0.0, False)
    if not completion.strip():
        return Scored("empty", 0.0, False)
    gt = sample.ground_truth()
    text = extract_answer(completion, lenient=lenient)
    if text is None:
        return Scored("unparseable", 0.0, False)
    if sample.metric == "grounding":
        interval = parse_interval(text, reversed_intervals)
        if interval is None:
            return Scored("unparseable", 0.0, False, text)
        iou, iop = best_overlap(interval, _segments(sample.answer))
        return Scored("ok", iou, iou >= GROUNDING_CORRECT_IOU, text, iou, iop)
    if sample.metric == "mra":
        value = parse_number(text)
        if value is None:
            return Scored("unparseable", 0.0, False, text)
        mra = mean_relative_accuracy(value, float(sample.answer))
        return Scored("ok", mra, mra == 1.0, text)
    parsed = parse_answer(completion, gt, lenient=lenient)
    if parsed is None:
        return Scored("unparseable", 0.0, False, text)
    # The accuracy reward reads the answer block; handing it the extracted text in a block
    # makes lenient evaluation and the training reward agree on everything but extraction.
    score = float(get_reward("accuracy")(answer_block(text), gt))
    if sample.answer_type == "interval":
        return Scored("ok", score, score >= GROUNDING_CORRECT_IOU, text, score)
    if sample.answer_type == "box":
        return Scored("ok", score, score >= TRACKING_CORRECT_IOU, text, score)
    return Scored("ok", score, score == 1.0, text)


__all__ = ["GROUNDING_CORRECT_IOU", "GROUNDING_THRESHOLDS", "TRACKING_CORRECT_IOU", "STATUSES", "Scored", "score_prediction"]
