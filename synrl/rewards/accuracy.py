"""Accuracy rewards: one per answer type, and ``accuracy`` dispatching on ``answer_type``."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from synrl.answers import extract_answer, lists_match, numbers_match, parse_choice, parse_number, parse_yes_no
from synrl.rewards.box import box_iou_reward
from synrl.rewards.ground_truth import (
    answer_of,
    answer_type_of,
    list_answer,
    number_answer,
    options_of,
)
from synrl.rewards.regression import regression_reward
from synrl.rewards.registry import register_reward
from synrl.rewards.temporal import temporal_iou_reward
from synrl.rewards.text import rouge_reward, wer_reward

__all__ = [
    "ACCURACY_BY_ANSWER_TYPE",
    "accuracy_reward",
    "is_correct",
    "list_reward",
    "multiple_choice_reward",
    "number_reward",
    "yes_no_reward",
]


def is_correct(rewards: ArrayLike, threshold: float = 0.5, strict: bool = False) -> NDArray[np.bool_]:
    """Which rewards count as a correct response: ``>= threshold``, or ``> threshold`` when ``strict``.

    Booleans pass through; NaN (a failed score) is never correct. One rule for T-GRPO and the
    length bonus, which both reward "correct" responses of continuous rewards (IoU, ROUGE).
    """
    array = np.asarray(rewards)
    if array.dtype == np.bool_:
        return array
    values = np.asarray(array, dtype=np.float64)
    return values > threshold if strict else values >= threshold


def _target_letter(ground_truth: Mapping[str, Any], options: Mapping[str, str]) -> str:
    answer = str(answer_of(ground_truth)).strip()
    letter = answer.upper() if len(answer) == 1 else parse_choice(answer, options)
    if not letter or (options and letter not in options):
        raise ValueError(f"multiple-choice answer {answer!r} is not one of the options {sorted(options)}")
    return letter


@register_reward("multiple_choice", low=0.0, high=1.0)
def multiple_choice_reward(completion: str, ground_truth: Mapping[str, Any]) -> float:
    """1.0 when the answer block picks the ground-truth letter, else 0.0.

    The letter is read by :func:`synrl.answers.parse_choice` ("B", "(B)", "B. text",
    "Answer: B", or the option's text). An answer naming several different letters is
    ambiguous and scores 0. Range [0, 1].
    """
    options = options_of(ground_truth)
    target = _target_letter(ground_truth, options)
    return 1.0 if parse_choice(extract_answer(completion) or "", options) == target else 0.0


@register_reward("number", low=0.0, high=1.0)
def number_reward(completion: str, ground_truth: Mapping[str, Any]) -> float:
    """1.0 when the answer block's number equals the ground truth, else 0.0.

    Equality is within ``ground_truth["answer_tolerance"]`` (absolute) when given, else
    exact for integers and to a relative 1e-6 for other floats. Units, thousands separators,
    fractions and number words are read (:func:`synrl.answers.parse_number`); several
    different numbers score 0. Range [0, 1].
    """
    target = number_answer(ground_truth)
    tolerance = ground_truth.get("answer_tolerance")
    tolerance = float(tolerance) if tolerance is not None else None
    predicted = parse_number(extract_answer(completion) or "")
    return 1.0 if numbers_match(predicted, target, tolerance) else 0.0


@register_reward("yes_no", low=0.0, high=1.0)
def yes_no_reward(completion: str, ground_truth: Mapping[str, Any]) -> float:
    """1.0 when the answer block says the ground truth's "yes"/"no", else 0.0.

    Read by :func:`synrl.answers.parse_yes_no`; an answer saying both scores 0. Range [0, 1].
    """
    answer = answer_of(ground_truth)
    target = ("yes" if answer else "no") if isinstance(answer, bool) else parse_yes_no(str(answer))
    if target is None:
        raise ValueError(f"yes/no answer {answer!r} is neither 'yes' nor 'no'")
    return 1.0 if parse_yes_no(extract_answer(completion) or "") == target else 0.0


@register_reward("list", low=0.0, high=1.0)
def list_reward(completion: str, ground_truth: Mapping[str, Any]) -> float:
    """1.0 when the answer block lists exactly the ground-truth items, else 0.0.

    Both sides go through :func:`synrl.answers.canonical_list`; order matters unless
    ``ground_truth["answer_ordered"]`` is false, in which case the lists compare as
    multisets. Range [0, 1].
    """
    target, ordered = list_answer(ground_truth)
    return 1.0 if lists_match(extract_answer(completion) or "", target, ordered) else 0.0


#: Which reward scores correctness for each ``answer_type``.
ACCURACY_BY_ANSWER_TYPE = {
    "multiple_choice": multiple_choice_reward,
    "number": number_reward,
    "yes_no": yes_no_reward,
    "list": list_reward,
    "interval": temporal_iou_reward,
    "box": box_iou_reward,
    "free_form": rouge_reward,
    "ocr": wer_reward,
    "regression": regression_reward,
}


@register_reward("accuracy", low=0.0, high=1.0)
def accuracy_reward(completion: str, ground_truth: Mapping[str, Any]) -> float:
    """Correctness of the answer block, by the sample's ``answer_type``.

    multiple_choice, number, yes_no, list: 0 or 1; interval: temporal IoU; box: box IoU;
    free_form: ROUGE; ocr: 1 - WER; regression: 1 - relative error. Range [0, 1].
    """
    return ACCURACY_BY_ANSWER_TYPE[answer_type_of(ground_truth)](completion, ground_truth)
