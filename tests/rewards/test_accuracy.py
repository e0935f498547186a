"""Table-driven tests of the accuracy rewards, one answer type at a time."""

from __future__ import annotations

from typing import Any

import pytest

from synrl.rewards.accuracy import (
    accuracy_reward,
    list_reward,
    multiple_choice_reward,
    number_reward,
    yes_no_reward,
)


def wrap(answer: str) -> str:
    return f"<think>Watching the video.</think><answer>{answer}</answer>"


MC = {
    "answer_type": "multiple_choice",
    "answer": "B",
    "answer_text": "Counter-clockwise",
    "options": {"A": "Clockwise", "B": "Counter-clockwise", "C": "It does not spin", "D": "3"},
}

MULTIPLE_CHOICE_CASES = [
    # the letter
    (wrap("B"), 1.0),
    # letter in parentheses
    (wrap("(B)"), 1.0),
    # letter with period
    (wrap("B."), 1.0),
    # letter and the right text
    (wrap("B) Counter-clockwise"), 1.0),
    # "Answer: B"
    (wrap("Answer: B"), 1.0),
    # the option text only
    (wrap("counter-clockwise"), 1.0),
    # a wrong letter
    (wrap("A"), 0.0),
    # a wrong option text
    (wrap("Clockwise"), 0.0),
    # two letters, one of them right: ambiguous, wrong
    (wrap("A or B"), 0.0),
    # the right letter with the wrong option's text: contradictory, wrong
    (wrap("B. Clockwise"), 0.0),
    # no answer block
    ("The answer is B", 0.0),
    # the last answer block counts
    ("<think>maybe <answer>A</answer></think><answer>B</answer>", 1.0),
    # empty
    ("", 0.0),
]


@pytest.mark.parametrize(("completion", "expected"), MULTIPLE_CHOICE_CASES)
def test_multiple_choice(completion: str, expected: float) -> None:
    assert multiple_choice_reward(completion, MC) == expected
    assert accuracy_reward(completion, MC) == expected


def test_multiple_choice_options_as_arrow_struct() -> None:
    # Arrow fills missing option letters with None and may store the dict as JSON
    gt = dict(MC, options='{"A": "Clockwise", "B": "Counter-clockwise", "E": null}')
    assert multiple_choice_reward(wrap("Counter-clockwise"), gt) == 1.0


NUMBER_CASES: list[tuple[str, dict[str, Any], float]] = [
    # exact integer
    (wrap("3"), {"answer": 3}, 1.0),
    # number word
    (wrap("three"), {"answer": 3}, 1.0),
    # with a unit
    (wrap("3 times"), {"answer": 3}, 1.0),
    # off by one
    (wrap("4"), {"answer": 3}, 0.0),
    # integer answers have no default tolerance
    (wrap("3.1"), {"answer": 3}, 0.0),
    # within an explicit tolerance
    (wrap("2.6 m/s"), {"answer": 2.5, "answer_tolerance": 0.1}, 1.0),
    # outside it
    (wrap("2.7"), {"answer": 2.5, "answer_tolerance": 0.1}, 0.0),
    # a float written with a trailing zero
    (wrap("2.50"), {"answer": 2.5}, 1.0),
    # fraction against a float
    (wrap("3/4"), {"answer": 0.75}, 1.0),
    # thousands separator
    (wrap("1,200"), {"answer": 1200}, 1.0),
    # ground truth stored as text
    (wrap("12"), {"answer": "12"}, 1.0),
    # hedging between two numbers
    (wrap("3 or 4"), {"answer": 3}, 0.0),
    # no number
    (wrap("several"), {"answer": 3}, 0.0),
]


@pytest.mark.parametrize(("completion", "truth", "expected"), NUMBER_CASES)
def test_number(completion: str, truth: dict[str, Any], expected: float) -> None:
    gt = {"answer_type": "number", **truth}
    assert number_reward(completion, gt) == expected
    assert accuracy_reward(completion, gt) == expected


YES_NO_CASES: list[tuple[str, Any, float]] = [
    # plain yes
    (wrap("yes"), "yes", 1.0),
    # capitalised with a reason
    (wrap("Yes, it was deleted."), "yes", 1.0),
    # wrong polarity
    (wrap("No"), "yes", 0.0),
    # "no" answer
    (wrap("no"), "no", 1.0),
    # both
    (wrap("yes and no"), "no", 0.0),
    # a bool ground truth
    (wrap("True"), True, 1.0),
]


@pytest.mark.parametrize(("completion", "answer", "expected"), YES_NO_CASES)
def test_yes_no(completion: str, answer: Any, expected: float) -> None:
    gt = {"answer_type": "yes_no", "answer": answer}
    assert yes_no_reward(completion, gt) == expected
    assert accuracy_reward(completion, gt) == expected


LIST_CASES: list[tuple[str, Any, bool | None, float]] = [
    # same items, same order
    (wrap("down, left"), ["down", "left"], True, 1.0),
    # order matters by default
    (wrap("left, down"), ["down", "left"], None, 0.0),
    # order does not matter when answer_ordered is false
    (wrap("left, down"), ["down", "left"], False, 1.0),
    # "then" and arrows
    (wrap("Down -> then Left"), ["down", "left"], True, 1.0),
    # cards in words against canonical codes
    (wrap("10 of Clubs, 5 of Spades"), ["10C", "5S"], True, 1.0),
    # paths
    (wrap("/src/a.py and /src/b.py"), ["/src/a.py", "/src/b.py"], False, 1.0),
    # path case matters
    (wrap("/SRC/a.py, /src/b.py"), ["/src/a.py", "/src/b.py"], False, 0.0),
    # a missing item
    (wrap("down"), ["down", "left"], True, 0.0),
    # an extra item
    (wrap("down, left, up"), ["down", "left"], True, 0.0),
    # ground truth stored as a JSON string
    (wrap("down, left"), '["down", "left"]', True, 1.0),
    # unordered flag stored as text
    (wrap("left, down"), ["down", "left"], "false", 1.0),
]


@pytest.mark.parametrize(("completion", "answer", "ordered", "expected"), LIST_CASES)
def test_list(completion: str, answer: Any, ordered: Any, expected: float) -> None:
    gt = {"answer_type": "list", "answer": answer, "answer_ordered": ordered}
    assert list_reward(completion, gt) == expected
    assert accuracy_reward(completion, gt) == expected


DISPATCH_CASES: list[tuple[str, dict[str, Any], float]] = [
    # interval -> temporal IoU: [4, 6] inside [2, 8] -> 2 / 6
    (wrap("4 to 6"), {"answer_type": "interval", "answer": [2.0, 8.0]}, 2.0 / 6.0),
    # box -> box IoU: 25 / 175
    (wrap("[5, 5, 15, 15]"), {"answer_type": "box", "answer": [0, 0, 10, 10]}, 25 / 175),
    # free_form -> ROUGE of identical text
    (wrap("a red ball"), {"answer_type": "free_form", "answer": "a red ball"}, 1.0),
    # ocr -> 1 - WER: one substitution in four words
    (wrap("open the red door"), {"answer_type": "ocr", "answer": "open the blue door"}, 0.75),
    # regression -> 1 - relative error: |9 - 10| / 10
    (wrap("9"), {"answer_type": "regression", "answer": 10}, 0.9),
]


@pytest.mark.parametrize(("completion", "gt", "expected"), DISPATCH_CASES)
def test_accuracy_dispatches_on_answer_type(completion: str, gt: dict[str, Any], expected: float) -> None:
    assert accuracy_reward(completion, gt) == pytest.approx(expected)


BAD_GROUND_TRUTHS: list[dict[str, Any]] = [
    # unknown answer type
    {"answer_type": "essay", "answer": "x"},
    # missing answer type
    {"answer": "B"},
    # missing answer
    {"answer_type": "number"},
    # a letter outside the options
    {"answer_type": "multiple_choice", "answer": "F", "options": {"A": "x", "B": "y"}},
    # an interval with its ends reversed
    {"answer_type": "interval", "answer": [5.0, 1.0]},
    # a list with no items
    {"answer_type": "list", "answer": []},
]


@pytest.mark.parametrize("gt", BAD_GROUND_TRUTHS)
def test_malformed_ground_truth_raises_value_error(gt: dict[str, Any]) -> None:
    with pytest.raises(ValueError):
        accuracy_reward(wrap("B"), gt)
