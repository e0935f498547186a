"""synrl.qa: prompt snapshots (a change to any prompt must change this file too), the answer
text of every answer type, parsing, and the re-exported parsers."""

from __future__ import annotations

import pytest

from synrl import answers, qa
from synrl.cot import prompts
from synrl.rewards import get_reward

RECORD = {
    "id": "direction-train-s0-000007", "task": "direction", "seed": 3,
    "video": {"path": "videos/direction-train-s0-000007.mp4", "fps": 30, "num_frames": 90, "width": 448,
              "height": 448, "duration_ms": 3000},
    "question": "What is the movement path of the red star?",
    "options": {"B": "First down, then up", "A": "First up, then left"},
    "answer": "B", "answer_type": "multiple_choice", "answer_text": "First down, then up",
    "timeline": [
        {"type": "move", "start_ms": 0, "end_ms": 1450, "start_frame": 0, "end_frame": 44, "object": "obj0",
         "direction": "down", "speed_px_s": 120.5},
        {"type": "direction_change", "start_ms": 1450, "end_ms": 1450, "start_frame": 44, "end_frame": 44,
         "object": "obj0", "from": "down", "to": "up"},
    ],
    "states": [],
    "tracks": [{"id": "obj0", "shape": "star", "color": "red"}, {"id": "obj1", "shape": "T", "color": "blue"}],
    "query": {"kind": "path", "object": "obj0"},
}

THINK = (
    "Think step by step as someone watching the video: say what happens and when, citing times as mm:ss, "
    "and track every change that matters for the question. Put your reasoning inside <think> </think> tags, "
    "then give only the final answer inside <answer> </answer> tags."
)
TIMELINE = """\
Video: 3.0 s, 30 fps, 90 frames (00:00 to 00:03.0).
Objects: red star (asked about), blue T shape.
Events:
- 00:00.0 to 00:01.5 (frames 0-44): move; object: red star; direction: down; speed_px_s: 120.5
- 00:01.5 (frame 44): direction_change; object: red star; from: down; to: up"""
QUESTION = """\
Question: What is the movement path of the red star?
Options:
A. First up, then left
B. First down, then up
Correct answer: B (First down, then up)

Timeline (ground truth):
"""


def test_answering_prompt_snapshots():
    assert qa.SYSTEM_PROMPT == (
        "You are a careful video analyst. Watch the whole video, follow how objects and states change over "
        "time, and reason step by step before you answer.")
    assert qa.THINK_INSTRUCTION == THINK
    assert qa.ANSWER_INSTRUCTIONS == {
        "multiple_choice": "In the answer tags, write only the letter of the correct option (for example: B).",
        "number": "In the answer tags, write only a single number (for example: 3).",
        "yes_no": "In the answer tags, write only yes or no.",
        "list": "In the answer tags, write only the items in order, separated by commas (for example: up, left).",
        "list_unordered": "In the answer tags, write only the items, in any order, separated by commas "
                          "(for example: a, b).",
        "interval": "In the answer tags, write only the start and end time in seconds as 'start to end' "
                    "(for example: 3.2 to 7.5).",
        "box": "In the answer tags, write only one box [x1, y1, x2, y2] in pixels per asked time, in the "
               "order asked, separated by commas (for example: [12, 40, 60, 88], [20, 44, 68, 92]).",
    }
    assert qa.user_prompt(RECORD) == (
        "What is the movement path of the red star?\nOptions:\nA. First up, then left\nB. First down, then up\n"
        + THINK + " In the answer tags, write only the letter of the correct option (for example: B).")
    open_record = {**RECORD, "options": None, "answer_type": "list", "answer": ["down", "up"],
                   "answer_ordered": False}
    assert qa.user_prompt(open_record) == (
        "What is the movement path of the red star?\n" + THINK + " " + qa.ANSWER_INSTRUCTIONS["list_unordered"])
    assert qa.answer_instruction("free_form") == "In the answer tags, write only the answer, as briefly as possible."


def test_pipeline_prompt_snapshots():
    assert prompts.timeline_text(RECORD) == TIMELINE
    assert prompts.generator_prompt(RECORD) == QUESTION + TIMELINE + (
        "\n\nWrite step-by-step reasoning in the voice of someone watching the video. Mention each event that "
        "matters with its time as mm:ss (rounded to the nearest second, or mm:ss.s when two events fall in the "
        "same second), refer to objects by colour and shape as listed, and log every state change in order. "
        "Reply with exactly <think>your reasoning</think><answer>ANSWER</answer>, where ANSWER is exactly: B")
    assert prompts.generator_retry_prompt("- wrong") == (
        "A reviewer checked your reasoning against the timeline and found problems:\n- wrong\n\nRewrite the "
        "whole reasoning so that it fixes every problem, keeps the events in the right order with the right "
        "times, and ends with the correct answer. Reply with exactly <think>...</think><answer>...</answer>.")
    chain = "<think>x</think><answer>B</answer>"
    assert prompts.judge_prompt(RECORD, chain) == QUESTION + TIMELINE + (
        "\n\nReasoning to review:\n<think>x</think><answer>B</answer>\n\n"
        "Reply with one JSON object and nothing else:\n"
        '{"answer_correct": true or false, "events_in_order": true or false, "timestamps_correct": true or '
        'false, "feedback": "what is wrong and how to fix it, or an empty string"}\n'
        "answer_correct: the final answer equals the correct answer. events_in_order: every event described "
        "happens in the timeline, in that order, with the right objects, and no event that matters is missing "
        "or invented. timestamps_correct: every time mentioned is within 0.5 s of the event it names.")
    assert prompts.polisher_prompt(chain) == (
        "Rewrite this reasoning to be more natural and fluent. Keep all times, objects, events, their order "
        "and the answer unchanged. Reply with exactly <think>...</think><answer>...</answer>, with the answer "
        "block unchanged.\n\n<think>x</think><answer>B</answer>")
    assert prompts.GENERATOR_SYSTEM_PROMPT.startswith("You write the reasoning of a person who watches")
    assert prompts.JUDGE_SYSTEM_PROMPT.startswith("You are a strict reviewer") and "JSON" in prompts.JUDGE_SYSTEM_PROMPT
    assert prompts.POLISHER_SYSTEM_PROMPT.startswith("You edit reasoning about videos for fluency")


@pytest.mark.parametrize("answer_type, answer, extra, expected", [
    ("multiple_choice", "b", {"options": {"A": "x", "B": "y"}}, "B"),
    ("number", 3, {}, "3"),
    ("number", 2.5, {}, "2.5"),
    ("number", 4.0, {}, "4"),
    ("yes_no", "yes", {}, "yes"),
    ("yes_no", False, {}, "no"),
    ("list", ["down", "left"], {"answer_text": "Down, Left"}, "Down, Left"),
    ("list", ["10D", "5S"], {"answer_ordered": False, "answer_text": ""}, "10D, 5S"),
    # The question's wording of the same cards, not the codes ...
    ("list", ["10D", "5S"], {"answer_text": "10 of Diamonds, 5 of Spades"}, "10 of Diamonds, 5 of Spades"),
    ("list", ["5S", "10D"], {"answer_ordered": False, "answer_text": "10 of Diamonds, 5 of Spades"},
     "10 of Diamonds, 5 of Spades"),
    # ... but never a wording that names another list.
    ("list", ["10D", "5S"], {"answer_text": "5 of Spades, 10 of Diamonds"}, "10D, 5S"),
    ("list", '["/src", "/src/a.py"]', {"answer_text": "/src and /src/a.py"}, "/src and /src/a.py"),
    ("list", '["/src", "/src/a.py"]', {"answer_text": "/src"}, "/src, /src/a.py"),
    ("interval", [3.2, 7.5], {}, "3.2 to 7.5"),
    ("interval", "00:03 - 00:07", {}, "3 to 7"),
])
def test_answer_for_is_what_the_rewards_score_correct(answer_type, answer, extra, expected):
    record = {"answer_type": answer_type, "answer": answer, "answer_text": str(answer), **extra}
    assert qa.answer_for(record) == expected
    completion = qa.format_completion("reasoning", expected)
    assert get_reward("accuracy")(completion, record) == 1.0
    assert get_reward("format")(completion, record) == 1.0


def test_parse_answer_by_type():
    assert qa.parse_answer("<think>.</think><answer>(B) First down, then up</answer>", RECORD) == "B"
    assert qa.parse_answer("<answer>three times</answer>", {"answer_type": "number"}) == 3.0
    assert qa.parse_answer("<answer>Yes, it does</answer>", {"answer_type": "yes_no"}) == "yes"
    assert qa.parse_answer("<answer>Down -> Up</answer>", {"answer_type": "list"}) == ["down", "up"]
    assert qa.parse_answer("<answer>up, down</answer>", {"answer_type": "list", "answer_ordered": False}) == [
        "down", "up"]
    assert qa.parse_answer("<answer>00:03-00:07</answer>", {"answer_type": "interval"}) == (3.0, 7.0)
    assert qa.parse_answer("no tags: B", RECORD) is None
    assert qa.parse_answer("The answer is B", RECORD, lenient=True) == "B"


def test_format_timestamp_rounds_to_stay_within_half_a_second():
    assert prompts.format_timestamp(1701) == "00:02"
    assert prompts.format_timestamp(1499) == "00:01"
    assert prompts.format_timestamp(1701, 1) == "00:01.7"
    assert prompts.format_timestamp(59_600) == "01:00"
    assert prompts.format_timestamp(3_725_000) == "01:02:05"
    for ms in range(0, 10_000, 37):
        seconds = int(prompts.format_timestamp(ms)[-2:])
        assert abs(seconds - ms / 1000) <= 0.5


def test_split_completion():
    assert qa.split_completion(" intro <think> a </think>\n<answer> B </answer> ") == ("a", "B")
    assert qa.split_completion("<think>a</think>") is None
    assert qa.split_completion("<answer>B</answer><think>a</think>") is None


def test_parsers_are_the_ones_of_synrl_answers():
    for name in ("extract_answer", "parse_choice", "parse_number", "parse_yes_no", "parse_interval",
                 "canonical_list", "lists_match", "split_list", "normalize_text", "numbers_match"):
        assert getattr(qa, name) is getattr(answers, name)


def test_one_parser_for_checker_reward_and_export():
    text = "Well: <think> a </think>\n<ANSWER> B </ANSWER>"
    blocks = qa.parse_blocks(text)
    assert blocks is not None and (blocks.before, blocks.think, blocks.answer) == ("Well: ", " a ", " B ")
    assert qa.split_completion(text) == ("a", "B")
    assert not qa.follows_format(text)  # text before the think block
    assert qa.follows_format(text.removeprefix("Well: "))
    assert qa.parse_blocks("<answer>B</answer><think>a</think>") is None
    assert qa.format_completion(" a ", " B ") == qa.think_block("a") + qa.answer_block("B")


def test_chat_messages_for_sft_grpo_and_eval():
    video = {"type": "video", "video": "v.mp4"}
    sft = qa.chat_messages("Q?", [video], target="<think>t</think><answer>A</answer>")
    assert [m["role"] for m in sft] == ["system", "user", "assistant"]
    assert sft[0]["content"] == [{"type": "text", "text": qa.SYSTEM_PROMPT}]
    assert sft[1]["content"] == [video, {"type": "text", "text": "Q?"}]
    assert [m["role"] for m in qa.chat_messages("Q?", [video], system=None)] == ["user"]
