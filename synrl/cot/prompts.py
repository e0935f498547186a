"""Prompts of the CoT pipeline's model roles (generator, judge, polisher) and the text
forms of a record they share with the grounded writers and the checker (timestamps,
object names, the ground-truth timeline).

The strings are snapshot-tested (``tests/test_qa.py``): changing one is a deliberate act.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from typing import Any

from synrl.qa import answer_for, format_options
from synrl.scene import shape_name

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
