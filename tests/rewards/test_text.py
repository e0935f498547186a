"""Table-driven tests of the ROUGE and WER rewards (values computed by hand)."""

from __future__ import annotations

import pytest

from synrl.rewards.text import rouge_reward, wer_reward


def wrap(answer: str) -> str:
    return f"<think>Reading the sign.</think><answer>{answer}</answer>"


ROUGE_CASES = [
    # identical
    (wrap("the cat sat on the mat"), "the cat sat on the mat", 1.0),
    # one word changed: R1 5/6, R2 3/5, RL 5/6
    (wrap("the cat sat on the mat"), "the cat sat on a mat", (5 / 6 + 3 / 5 + 5 / 6) / 3),
    # stemming: "cats"/"cat" and "running"/"run" match
    (wrap("cats running"), "cat run", 1.0),
    # half the words: R1 P=1 R=1/2 F=2/3; R2 P=1 R=1/3 F=1/2; RL = R1
    (wrap("red ball"), "red ball rolls left", (2 / 3 + 1 / 2 + 2 / 3) / 3),
    # nothing in common
    (wrap("blue square"), "red ball", 0.0),
    # case and punctuation do not matter
    (wrap("Red, BALL!"), "red ball", 1.0),
    # no answer block
    ("red ball", "red ball", 0.0),
    # non-ASCII text: rouge-score's tokenizer drops it
    (wrap("\u7ea2\u7403"), "\u7ea2\u7403", 0.0),
]


@pytest.mark.parametrize(("completion", "reference", "expected"), ROUGE_CASES)
def test_rouge_reward(completion: str, reference: str, expected: float) -> None:
    assert rouge_reward(completion, {"answer": reference}) == pytest.approx(expected)


WER_CASES = [
    # identical
    (wrap("EXIT 12 north"), "EXIT 12 north", 1.0),
    # one substitution in three words
    (wrap("EXIT 13 north"), "EXIT 12 north", 2 / 3),
    # one deletion in four words
    (wrap("open the door"), "open the red door", 0.75),
    # case counts in OCR: two substitutions in three words
    (wrap("exit 12 North"), "EXIT 12 north", 1 / 3),
    # extra whitespace does not
    (wrap("  EXIT   12\nnorth "), "EXIT 12 north", 1.0),
    # more insertions than words: WER > 1 clipped to 0
    (wrap("a b c d e f g"), "EXIT", 0.0),
    # empty answer
    (wrap(""), "EXIT", 0.0),
    # no answer block
    ("EXIT 12 north", "EXIT 12 north", 0.0),
]


@pytest.mark.parametrize(("completion", "reference", "expected"), WER_CASES)
def test_wer_reward(completion: str, reference: str, expected: float) -> None:
    assert wer_reward(completion, {"answer": reference}) == pytest.approx(expected)


def test_overlong_free_text_scores_zero_without_work() -> None:
    # 100k words against a 3-word reference: rejected before ROUGE-L's quadratic table
    completion = wrap("red ball " * 50_000)
    assert rouge_reward(completion, {"answer": "red ball"}) == 0.0
    assert wer_reward(completion, {"answer": "red ball"}) == 0.0


def test_empty_reference_is_a_data_error() -> None:
    with pytest.raises(ValueError):
        rouge_reward(wrap("x"), {"answer": "  "})


def test_memoised_stemming_matches_rouge_score_defaults() -> None:
    from rouge_score import rouge_scorer

    reference = "The balls were bouncing repeatedly off the walls before stopping."
    prediction = "A ball bounced repeatedly off walls and then stopped."
    default = rouge_scorer.RougeScorer(["rouge1", "rouge2", "rougeL"], use_stemmer=True).score(reference, prediction)
    expected = sum(s.fmeasure for s in default.values()) / 3
    assert rouge_reward(wrap(prediction), {"answer": reference}) == pytest.approx(expected)
