"""Free-text rewards: ROUGE for free-form answers, word error rate for OCR (Video-R1)."""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from functools import lru_cache
from typing import Any

import jiwer
from nltk.stem import porter
from rouge_score import rouge_scorer, tokenize, tokenizers

from synrl.answers import MAX_ANSWER_CHARS, extract_answer
from synrl.rewards.ground_truth import answer_of
from synrl.rewards.registry import register_reward

__all__ = ["rouge_reward", "wer_reward"]

_ROUGE_TYPES = ("rouge1", "rouge2", "rougeL")


class _MemoStemmer:
    """NLTK's Porter stemmer, as rouge-score uses it, remembering words it has stemmed.

    Stemming is most of ROUGE's cost and a training run sees the same words again and
    again, so memoising makes the reward several times faster with identical scores.
    """

    def __init__(self) -> None:
        self.stem = lru_cache(maxsize=1 << 16)(porter.PorterStemmer().stem)


class _StemmingTokenizer(tokenizers.Tokenizer):
    """rouge-score's default tokenizer with the memoised stemmer."""

    def __init__(self) -> None:
        self._stemmer = _MemoStemmer()

    def tokenize(self, text: str) -> list[str]:
        return tokenize.tokenize(text, self._stemmer)


@lru_cache(maxsize=1)
def _rouge() -> rouge_scorer.RougeScorer:
    # Built on first use, so processes that never score free-form text skip NLTK's setup.
    return rouge_scorer.RougeScorer(list(_ROUGE_TYPES), tokenizer=_StemmingTokenizer())


def _prediction(completion: str, reference: str) -> str | None:
    """The answer block, or ``None`` when there is none or it is absurdly long.

    ROUGE-L is quadratic in the two lengths, so a prediction is only scored while it is at
    most four times the reference (or :data:`MAX_ANSWER_CHARS`, whichever is larger);
    anything longer is far from the reference anyway and scores 0.
    """
    answer = extract_answer(completion)
    if not answer or len(answer) > max(MAX_ANSWER_CHARS, 4 * len(reference)):
        return None
    return answer


def _words(text: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", text).split())


def _reference(ground_truth: Mapping[str, Any]) -> str:
    reference = _words(str(answer_of(ground_truth)))
    if not reference:
        raise ValueError("free-text ground truth is empty")
    return reference


@register_reward("rouge", low=0.0, high=1.0)
def rouge_reward(completion: str, ground_truth: Mapping[str, Any]) -> float:
    """Mean of the ROUGE-1, ROUGE-2 and ROUGE-L F-measures of the answer against the reference.

    As in Video-R1's free-form reward; computed by ``rouge-score`` with Porter stemming.
    Its tokenizer keeps ASCII letters and digits only, so text in other scripts scores 0.
    No answer block scores 0. Range [0, 1].
    """
    reference = _reference(ground_truth)
    prediction = _prediction(completion, reference)
    if prediction is None:
        return 0.0
    scores = _rouge().score(reference, prediction)
    value = sum(scores[kind].fmeasure for kind in _ROUGE_TYPES) / len(_ROUGE_TYPES)
    return min(1.0, max(0.0, value))


@register_reward("wer", low=0.0, high=1.0)
def wer_reward(completion: str, ground_truth: Mapping[str, Any]) -> float:
    """``1 - min(1, WER)`` of the answer against the reference text, computed by ``jiwer``.

    Words are whitespace-separated after NFKC normalisation; case and punctuation count,
    since OCR asks for the exact text. No answer block scores 0. Range [0, 1].
    """
    reference = _reference(ground_truth)
    prediction = _prediction(completion, reference)
    hypothesis = _words(prediction) if prediction is not None else ""
    if not hypothesis:
        return 0.0
    error = jiwer.wer(reference, hypothesis)
    return 1.0 - min(1.0, max(0.0, error))
