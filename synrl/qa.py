"""Prompts and answers: the one module that training, evaluation and the CoT pipeline share.

What a trained model sees (:data:`SYSTEM_PROMPT` and :func:`user_prompt`), the exact text a
correct ``<answer>`` block holds for a record (:func:`answer_for`), how a completion is
parsed back (:func:`parse_answer`, plus the parsers of :mod:`synrl.answers` re-exported
here). The prompts of the CoT pipeline's model roles live in :mod:`synrl.cot.prompts`.

Keeping them together means a prompt changed for training is the prompt evaluated, and an
answer written into an SFT target is the answer the rewards score as correct. The prompt
strings are snapshot-tested (``tests/test_qa.py``): changing one is a deliberate act.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from synrl.dataset import is_ordered
from synrl.answers import (
    canonical_list,
    extract_answer,
    lists_match,
    normalize_text,
    numbers_match,
    parse_choice,
    parse_boxes,
    parse_interval,
    parse_number,
    parse_yes_no,
    split_list,
)

__all__ = [
    "ANSWER_INSTRUCTIONS",
    "SYSTEM_PROMPT",
    "THINK_INSTRUCTION",
    "Blocks",
    "answer_block",
    "answer_for",
    "answer_instruction",
    "chat_messages",
    "follows_format",
    "parse_blocks",
    "think_block",
    "canonical_list",
    "extract_answer",
    "format_completion",
    "format_options",
    "lists_match",
    "normalize_text",
    "numbers_match",
    "parse_answer",
    "parse_choice",
    "parse_interval",
    "parse_number",
    "parse_yes_no",
    "split_list",
    "split_completion",
    "user_prompt",
]

# ------------------------------------------------------------------ answering prompts

#: System prompt of the model being trained and evaluated.
SYSTEM_PROMPT = (
    "You are a careful video analyst. Watch the whole video, follow how objects and states "
    "change over time, and reason step by step before you answer."
)

#: The system prompt of answer-only examples (general video QA in the SFT mix): Qwen's own
#: default, so the model learns to think when asked to (SYSTEM_PROMPT plus the think
#: instruction) and to answer directly otherwise, never a bare answer after a think request.
ANSWER_ONLY_SYSTEM_PROMPT = "You are a helpful assistant."

#: How to think and where to answer; appended to every question.
THINK_INSTRUCTION = (
    "Think step by step as someone watching the video: say what happens and when, citing "
    "times as mm:ss, and track every change that matters for the question. Put your "
    "reasoning inside <think> </think> tags, then give only the final answer inside "
    "<answer> </answer> tags."
)

#: The answer-block instruction for each answer type the generator writes.
ANSWER_INSTRUCTIONS: dict[str, str] = {
    "multiple_choice": "In the answer tags, write only the letter of the correct option (for example: B).",
    "number": "In the answer tags, write only a single number (for example: 3).",
    "yes_no": "In the answer tags, write only yes or no.",
    "list": "In the answer tags, write only the items in order, separated by commas (for example: up, left).",
    "list_unordered": "In the answer tags, write only the items, in any order, separated by commas (for example: a, b).",
    "interval": (
        "In the answer tags, write only the start and end time in seconds as 'start to end' "
        "(for example: 3.2 to 7.5)."
    ),
    "box": (
        "In the answer tags, write only one box [x1, y1, x2, y2] in pixels per asked time, in "
        "the order asked, separated by commas (for example: [12, 40, 60, 88], [20, 44, 68, 92])."
    ),
}
_FREE_FORM_INSTRUCTION = "In the answer tags, write only the answer, as briefly as possible."


def answer_instruction(answer_type: str, ordered: bool = True) -> str:
    """The sentence telling the model what its ``<answer>`` block must hold."""
    if answer_type == "list" and not ordered:
        return ANSWER_INSTRUCTIONS["list_unordered"]
    return ANSWER_INSTRUCTIONS.get(answer_type, _FREE_FORM_INSTRUCTION)


def format_options(options: Mapping[str, str] | None) -> str:
    """Options as lines "A. text", in letter order ("" when there are none)."""
    if not options:
        return ""
    return "\n".join(f"{letter}. {text}" for letter, text in sorted(options.items()))


def user_prompt(record: Mapping[str, Any]) -> str:
    """The text a model reads after the video: question, options, think/answer instructions."""
    parts = [str(record["question"]).strip()]
    options = format_options(record.get("options"))
    if options:
        parts.append("Options:\n" + options)
    ordered = is_ordered(record)
    parts.append(THINK_INSTRUCTION + " " + answer_instruction(record["answer_type"], ordered))
    return "\n".join(parts)


# --------------------------------------------------------------------------- answers


def _number_text(value: Any) -> str:
    number = float(value)
    if number.is_integer():
        return str(int(number))
    return f"{number:.6g}"


def answer_for(record: Mapping[str, Any]) -> str:
    """The text of a correct ``<answer>`` block for ``record``.

    The letter for multiple choice, the number, "yes"/"no", the items joined by ", " (in
    the record's ``answer_text`` wording when that is the same list), or
    "start to end" in seconds for an interval: the forms :data:`ANSWER_INSTRUCTIONS` asks
    for, each of which the accuracy reward scores 1.0 for this record.
    """
    kind = record["answer_type"]
    answer = record["answer"]
    if kind == "multiple_choice":
        return str(answer).strip().upper()
    if kind == "number":
        return _number_text(answer)
    if kind == "yes_no":
        if isinstance(answer, bool):
            return "yes" if answer else "no"
        said = parse_yes_no(str(answer))
        if said is None:
            raise ValueError(f"yes/no answer {answer!r} of {record.get('id')} is neither yes nor no")
        return said
    if kind == "list":
        items = json.loads(answer) if isinstance(answer, str) and answer.strip()[:1] == "[" else answer
        if isinstance(items, str):
            items = canonical_list(items)
        # The question's own wording ("King of Spades") when it denotes the same list as the
        # canonical items ("KS"): an SFT target should answer in the words the question uses.
        wording = str(record.get("answer_text") or "")
        ordered = is_ordered(record)
        if wording and canonical_list(wording, ordered) == canonical_list(items, ordered):
            return wording
        return ", ".join(str(item) for item in items)
    if kind == "interval":
        interval = parse_interval(answer) if isinstance(answer, str) else (float(answer[0]), float(answer[1]))
        if interval is None:
            raise ValueError(f"interval answer {answer!r} of {record.get('id')} is not start to end")
        return f"{_number_text(interval[0])} to {_number_text(interval[1])}"
    if kind == "box":
        boxes = json.loads(answer) if isinstance(answer, str) else answer
        return ", ".join("[" + ", ".join(_number_text(v) for v in box) + "]" for box in boxes)
    return str(record.get("answer_text") or answer)


# ------------------------------------------------------------- the completion format
#
# One parser of the ``<think>...</think><answer>...</answer>`` template serves the CoT
# checker (:func:`split_completion`), the format reward (:func:`follows_format`) and the
# SFT export. Tags are matched case-insensitively everywhere, as the accuracy reward's
# :func:`synrl.answers.extract_answer` already did: a model that writes ``<Answer>`` has its
# answer read, so the format reward accepts it too rather than scoring the content and
# punishing the case. Writers always emit the lower-case tags of the prompt.

THINK_OPEN, THINK_CLOSE, ANSWER_OPEN, ANSWER_CLOSE = "<think>", "</think>", "<answer>", "</answer>"
_TAG = re.compile(r"<(/?)(think|answer)>", re.IGNORECASE)


@dataclass(frozen=True)
class Blocks:
    """A completion cut at its four tags: the two blocks and the text around them."""

    before: str
    think: str
    between: str
    answer: str
    after: str


def parse_blocks(completion: str) -> Blocks | None:
    """The blocks of a completion holding exactly one think block followed by exactly one
    answer block (each tag once, in order), else ``None``. Linear in the input: a regular
    expression with lazy groups over the whole text would be quadratic on adversarial input.
    """
    if not isinstance(completion, str):
        return None
    found: dict[str, list[re.Match[str]]] = {}
    for tag in _TAG.finditer(completion):
        found.setdefault(tag.group(1) + tag.group(2).lower(), []).append(tag)
    if sorted(found) != ["/answer", "/think", "answer", "think"] or any(len(v) != 1 for v in found.values()):
        return None
    t_open, t_close = found["think"][0], found["/think"][0]
    a_open, a_close = found["answer"][0], found["/answer"][0]
    if not (t_open.end() <= t_close.start() and t_close.end() <= a_open.start()
            and a_open.end() <= a_close.start()):
        return None
    return Blocks(completion[: t_open.start()], completion[t_open.end() : t_close.start()],
                  completion[t_close.end() : a_open.start()], completion[a_open.end() : a_close.start()],
                  completion[a_close.end() :])


def split_completion(completion: str) -> tuple[str, str] | None:
    """``(think, answer)`` of a completion holding exactly one of each block, else ``None``.

    Text around the blocks is ignored, so a chain a model wrapped in prose can still be
    reduced to its two parts (:func:`follows_format`, stricter, judges the whole string).
    """
    blocks = parse_blocks(completion)
    return None if blocks is None else (blocks.think.strip(), blocks.answer.strip())


def follows_format(completion: str) -> bool:
    """Whether ``completion`` is exactly ``<think>...</think><answer>...</answer>``.

    Whitespace may surround the blocks; each tag appears exactly once (so repeated and
    nested blocks fail), the think block may be empty but the answer may not, and nothing
    but whitespace may stand before, between or after the blocks.
    """
    blocks = parse_blocks(completion)
    return (blocks is not None and not blocks.before.strip() and not blocks.between.strip()
            and not blocks.after.strip() and bool(blocks.answer.strip()))


def think_block(think: str) -> str:
    """``<think>think</think>``."""
    return f"{THINK_OPEN}{think}{THINK_CLOSE}"


def answer_block(answer: str) -> str:
    """``<answer>answer</answer>``."""
    return f"{ANSWER_OPEN}{answer}{ANSWER_CLOSE}"


def format_completion(think: str, answer: str) -> str:
    """``<think>think</think><answer>answer</answer>``, both parts stripped."""
    return think_block(think.strip()) + answer_block(answer.strip())


# ------------------------------------------------------------------- chat messages

def chat_messages(prompt: str, media: Sequence[Mapping[str, Any]] = (), *,
                  system: str | None = SYSTEM_PROMPT,
                  target: str | None = None) -> list[dict[str, Any]]:
    """The chat of one sample, as SFT, GRPO and evaluation send it: the system prompt
    (unless ``system`` is None), the user turn (``media`` content parts, e.g. ``{"type":
    "video", "video": path}``, then ``prompt``), and the assistant's ``target`` when given
    (SFT). Content is always a list of typed parts."""
    messages: list[dict[str, Any]] = []
    if system is not None:
        messages.append({"role": "system", "content": [{"type": "text", "text": system}]})
    messages.append({"role": "user", "content": [*map(dict, media), {"type": "text", "text": prompt}]})
    if target is not None:
        messages.append({"role": "assistant", "content": [{"type": "text", "text": target}]})
    return messages


def parse_answer(completion: str, record: Mapping[str, Any], *, lenient: bool = False) -> Any:
    """What a completion answers for ``record``'s answer type, or ``None``.

    The option letter, the number (float), "yes"/"no", the canonical item list, or the
    ``(start_s, end_s)`` interval; other answer types give the answer text itself. The
    answer block is read with :func:`extract_answer` (``lenient`` for evaluation of models
    that ignore the tags).
    """
    text = extract_answer(completion, lenient=lenient)
    if text is None:
        return None
    kind = record.get("answer_type")
    if kind == "multiple_choice":
        return parse_choice(text, record.get("options"))
    if kind == "number":
        return parse_number(text)
    if kind == "yes_no":
        return parse_yes_no(text)
    if kind == "list":
        items = canonical_list(text, is_ordered(record))
        return items or None
    if kind == "interval":
        return parse_interval(text)
    if kind == "box":
        return parse_boxes(text)
    return text
