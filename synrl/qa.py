"""Prompts and answers: the one module that training, evaluation and the CoT pipeline share.

What a trained model sees (:data:`SYSTEM_PROMPT` and :func:`user_prompt`), the exact text a
correct ``<answer>`` block holds for a record (:func:`answer_for`), how a completion is
parsed back (:func:`parse_answer`, plus the parsers of :mod:`synrl.answers` re-exported
here), and the prompts of the CoT pipeline's model roles (generator, judge, polisher).

Keeping them together means a prompt changed for training is the prompt evaluated, and an
answer written into an SFT target is the answer the rewards score as correct. The prompt
strings are snapshot-tested (``tests/test_qa.py``): changing one is a deliberate act.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from typing import Any

from synrl.answers import (
    canonical_list,
    extract_answer,
    lists_match,
    normalize_text,
    numbers_match,
    parse_choice,
    parse_interval,
    parse_number,
    parse_yes_no,
    split_list,
)

__all__ = [
    "ANSWER_INSTRUCTIONS",
    "GENERATOR_SYSTEM_PROMPT",
    "JUDGE_SYSTEM_PROMPT",
    "POLISHER_SYSTEM_PROMPT",
    "SYSTEM_PROMPT",
    "THINK_INSTRUCTION",
    "answer_for",
    "answer_instruction",
    "canonical_list",
    "extract_answer",
    "format_completion",
    "format_options",
    "format_timestamp",
    "generator_prompt",
    "generator_retry_prompt",
    "judge_prompt",
    "lists_match",
    "normalize_text",
    "numbers_match",
    "object_names",
    "parse_answer",
    "parse_choice",
    "parse_interval",
    "parse_number",
    "parse_yes_no",
    "polisher_prompt",
    "split_list",
    "split_completion",
    "timeline_text",
    "user_prompt",
]

# ------------------------------------------------------------------ answering prompts

#: System prompt of the model being trained and evaluated.
SYSTEM_PROMPT = (
    "You are a careful video analyst. Watch the whole video, follow how objects and states "
    "change over time, and reason step by step before you answer."
)

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
    ordered = record.get("answer_ordered", True) is not False
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
        ordered = record.get("answer_ordered", True) is not False
        if wording and canonical_list(wording, ordered) == canonical_list(items, ordered):
            return wording
        return ", ".join(str(item) for item in items)
    if kind == "interval":
        interval = parse_interval(answer) if isinstance(answer, str) else (float(answer[0]), float(answer[1]))
        if interval is None:
            raise ValueError(f"interval answer {answer!r} of {record.get('id')} is not start to end")
        return f"{_number_text(interval[0])} to {_number_text(interval[1])}"
    return str(record.get("answer_text") or answer)


def format_completion(think: str, answer: str) -> str:
    """``<think>think</think><answer>answer</answer>``, both parts stripped."""
    return f"<think>{think.strip()}</think><answer>{answer.strip()}</answer>"


def split_completion(completion: str) -> tuple[str, str] | None:
    """``(think, answer)`` of a completion holding exactly one of each block, else ``None``.

    Text around the blocks is ignored, so a chain a model wrapped in prose can still be
    reduced to its two parts (the format reward, stricter, judges the whole string).
    """
    if not isinstance(completion, str):
        return None
    for tag in ("<think>", "</think>", "<answer>", "</answer>"):
        if completion.count(tag) != 1:
            return None
    think_start = completion.index("<think>") + len("<think>")
    think_end = completion.index("</think>")
    answer_start = completion.index("<answer>") + len("<answer>")
    answer_end = completion.index("</answer>")
    if not think_start <= think_end < answer_start <= answer_end:
        return None
    return completion[think_start:think_end].strip(), completion[answer_start:answer_end].strip()


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
        items = canonical_list(text, record.get("answer_ordered", True) is not False)
        return items or None
    if kind == "interval":
        return parse_interval(text)
    return text


# ------------------------------------------------------------------------- timelines


def format_timestamp(ms: float, decimals: int = 0) -> str:
    """``mm:ss`` (or ``mm:ss.s`` with ``decimals``) of a time in milliseconds, rounded.

    Rounding (not truncation) keeps every printed time within half a second of the event,
    the tolerance of the CoT checker. Hours are added past 59:59.
    """
    seconds = max(0.0, float(ms) / 1000.0)
    scale = 10**decimals
    ticks = int(math.floor(seconds * scale + 0.5))
    whole, frac = divmod(ticks, scale)
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    text = f"{minutes:02d}:{secs:02d}"
    if hours:
        text = f"{hours:02d}:{text}"
    if decimals:
        text += f".{frac:0{decimals}d}"
    return text


def object_names(record: Mapping[str, Any]) -> dict[str, str]:
    """Track id -> how people call the object ("green circle", "orange T shape")."""
    from synrl.render.shapes import shape_name

    return {
        str(track["id"]): f"{track['color']} {shape_name(str(track['shape']))}"
        for track in record.get("tracks") or []
    }


_EVENT_TIME_KEYS = frozenset({"type", "start_ms", "end_ms", "start_frame", "end_frame"})


def _event_line(event: Mapping[str, Any], names: Mapping[str, str]) -> str:
    start, end = event["start_ms"], event["end_ms"]
    when = format_timestamp(start, 1)
    if end != start:
        when += f" to {format_timestamp(end, 1)}"
    frames = f"frame {event['start_frame']}" if end == start else f"frames {event['start_frame']}-{event['end_frame']}"
    details = []
    for key, value in event.items():
        if key in _EVENT_TIME_KEYS:
            continue
        if isinstance(value, str) and value in names:
            value = names[value]
        elif isinstance(value, (list, dict)):
            value = json.dumps(value, ensure_ascii=False)
        details.append(f"{key}: {value}")
    detail = "; ".join(details)
    return f"- {when} ({frames}): {event['type']}" + (f"; {detail}" if detail else "")


def timeline_text(record: Mapping[str, Any], max_state_chars: int = 4000) -> str:
    """The record's ground truth as text for the CoT model roles.

    Video length, the objects, every timeline event with its time (mm:ss.s) and frames,
    and the state snapshots (long-term tasks), which are cut at ``max_state_chars``.
    """
    video = record["video"]
    names = object_names(record)
    target = (record.get("query") or {}).get("object")
    lines = [
        f"Video: {video['duration_ms'] / 1000:.1f} s, {video['fps']} fps, {video['num_frames']} frames "
        f"(00:00 to {format_timestamp(video['duration_ms'], 1)})."
    ]
    if names:
        described = [f"{name} (asked about)" if tid == target else name for tid, name in names.items()]
        lines.append("Objects: " + ", ".join(described) + ".")
    lines.append("Events:")
    events = record.get("timeline") or []
    lines.extend(_event_line(event, names) for event in events)
    if not events:
        lines.append("- none")
    states = record.get("states") or []
    if states:
        text = json.dumps(states, ensure_ascii=False, separators=(",", ":"))
        if len(text) > max_state_chars:
            text = text[:max_state_chars] + " ...(cut)"
        lines.append("States: " + text)
    return "\n".join(lines)


def _correct_answer_line(record: Mapping[str, Any]) -> str:
    answer = answer_for(record)
    text = str(record.get("answer_text") or "")
    if record["answer_type"] == "multiple_choice" and text:
        return f"{answer} ({text})"
    return answer


def _question_block(record: Mapping[str, Any]) -> str:
    block = "Question: " + str(record["question"]).strip()
    options = format_options(record.get("options"))
    if options:
        block += "\nOptions:\n" + options
    return block


# ------------------------------------------------------------- CoT pipeline: generator

GENERATOR_SYSTEM_PROMPT = (
    "You write the reasoning of a person who watches a short video and answers a question "
    "about it. You are given frames of the video, the question, the correct answer and the "
    "exact timeline of events measured from the video's source code. Write the reasoning the "
    "way an attentive viewer thinks aloud: what they notice, when (as mm:ss), how things "
    "change, and how that leads to the answer. Use only facts from the timeline and the "
    "frames; never mention the timeline, metadata or that the answer was given to you."
)


def generator_prompt(record: Mapping[str, Any]) -> str:
    """The generator's text, sent after the frames (or video) of ``record``."""
    return (
        f"{_question_block(record)}\n"
        f"Correct answer: {_correct_answer_line(record)}\n\n"
        f"Timeline (ground truth):\n{timeline_text(record)}\n\n"
        "Write step-by-step reasoning in the voice of someone watching the video. Mention "
        "each event that matters with its time as mm:ss (rounded to the nearest second, or "
        "mm:ss.s when two events fall in the same second), refer to objects by colour and "
        "shape as listed, and log every state change in order. Reply with exactly "
        "<think>your reasoning</think><answer>ANSWER</answer>, where ANSWER is exactly: "
        f"{answer_for(record)}"
    )


def generator_retry_prompt(feedback: str) -> str:
    """The follow-up turn that sends a failed chain back to the generator (reflection)."""
    return (
        "A reviewer checked your reasoning against the timeline and found problems:\n"
        f"{feedback.strip()}\n\n"
        "Rewrite the whole reasoning so that it fixes every problem, keeps the events in the "
        "right order with the right times, and ends with the correct answer. Reply with "
        "exactly <think>...</think><answer>...</answer>."
    )


# ------------------------------------------------------------------ CoT pipeline: judge

JUDGE_SYSTEM_PROMPT = (
    "You are a strict reviewer of reasoning about videos. You compare a chain of reasoning "
    "with the ground-truth timeline of the video and report, as a JSON object, whether it "
    "reaches the correct answer and whether every event it describes happens in the right "
    "order at the right time (within half a second)."
)

#: Keys of the judge's JSON verdict, all required.
JUDGE_KEYS = ("answer_correct", "events_in_order", "timestamps_correct", "feedback")


def judge_prompt(record: Mapping[str, Any], cot: str) -> str:
    """The judge's text: ground truth, the chain to review and the verdict schema."""
    return (
        f"{_question_block(record)}\n"
        f"Correct answer: {_correct_answer_line(record)}\n\n"
        f"Timeline (ground truth):\n{timeline_text(record)}\n\n"
        f"Reasoning to review:\n{cot.strip()}\n\n"
        "Reply with one JSON object and nothing else:\n"
        '{"answer_correct": true or false, "events_in_order": true or false, '
        '"timestamps_correct": true or false, "feedback": "what is wrong and how to fix it, '
        'or an empty string"}\n'
        "answer_correct: the final answer equals the correct answer. events_in_order: every "
        "event described happens in the timeline, in that order, with the right objects, and "
        "no event that matters is missing or invented. timestamps_correct: every time "
        "mentioned is within 0.5 s of the event it names."
    )


# --------------------------------------------------------------- CoT pipeline: polisher

POLISHER_SYSTEM_PROMPT = (
    "You edit reasoning about videos for fluency. Rewrite it so it reads like natural, "
    "concise thinking aloud, but keep every fact: each event, its time (mm:ss exactly as "
    "written), the objects' colours and shapes, the order of steps and the final answer. "
    "Add nothing new."
)


def polisher_prompt(cot: str) -> str:
    """The polisher's text: the verified chain to rewrite."""
    return (
        "Rewrite this reasoning to be more natural and fluent. Keep all times, objects, "
        "events, their order and the answer unchanged. Reply with exactly "
        "<think>...</think><answer>...</answer>, with the answer block unchanged.\n\n"
        f"{cot.strip()}"
    )
