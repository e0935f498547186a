"""lmms-eval hooks of CVBench (Zhu et al., 2025: cross-video reasoning), in its published format.

CVBench ships as an lmms-eval task of its own repository (github.com/Hokhim2/CVBench,
``lmms-eval/lmms_eval/tasks/mvr``) over the Hugging Face dataset Dongyh35/CVBench: rows
``{id, task_type, question, options: ["A. ...", ...], answer, video_1..video_4}`` where
``answer`` is a letter, or Yes/No for the yes-no questions, and the ``video_i`` are paths
relative to the video folder (``None`` when a question has fewer videos). The prompt and the
scoring follow that task: the option-letter (or yes/no) instruction, the first letter / yes /
no found in the answer, accuracy over all questions. The response has already been through
synrl's answer extraction (the ``synrl`` model wrapper), so only the ``<answer>`` is read.

Does not import lmms-eval: tested in the main environment too.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

_CHOICE = re.compile(r"\b([ABCD])\b|\b(yes|no)\b", re.IGNORECASE)


def _root() -> Path:
    return Path(os.environ.get("SYNRL_CVBENCH_ROOT", "."))


def _is_yes_no(doc: dict[str, Any]) -> bool:
    return all(str(o).strip(". ").lower() in ("yes", "no") for o in doc["options"])


def doc_to_visual(doc: dict[str, Any]) -> list[str]:
    """The question's videos (one to four), as absolute paths."""
    return [str((_root() / doc[f"video_{i}"]).resolve()) for i in range(1, 5) if doc.get(f"video_{i}")]


def doc_to_text(doc: dict[str, Any], lmms_eval_specific_kwargs: dict[str, Any] | None = None) -> str:
    """CVBench's own prompt: instruction, question, options, then the answer request."""
    if _is_yes_no(doc):
        instruction = ("Select the best answer to the following yes-no question based on the listed all videos. "
                       "Respond with only the word (Yes or No) of the correct option.")
        post = "Answer with the option's word (YES or NO) from the given choices directly."
    else:
        instruction = ("Select the best answer to the following multiple-choice based on the listed all videos. "
                       "Respond with only the letter (A, B, C, or D) of the correct option.")
        post = "Answer with the option's letter (A, B, C, or D) from the given choices directly."
    options = "\n".join(str(o) for o in doc["options"])
    return f"{instruction}\n{doc['question']}\n{options}\n{post}"


def parse_choice(response: str) -> str:
    """The first option letter or yes/no in ``response`` (upper case), or "" when there is none."""
    match = _CHOICE.search(response or "")
    if match is None:
        return ""
    return (match.group(1) or match.group(2)).upper()


def process_results(doc: dict[str, Any], results: list[str]) -> dict[str, Any]:
    predicted = parse_choice(results[0] if results else "")
    truth = str(doc["answer"]).strip().strip(".").upper()
    return {"cvbench_accuracy": {"id": doc["id"], "task_type": doc.get("task_type", ""),
                                 "correct": float(predicted == truth)}}


def aggregate(results: list[dict[str, Any]]) -> float:
    """Accuracy (fraction) over every question; nothing is dropped."""
    return sum(r["correct"] for r in results) / len(results) if results else 0.0
