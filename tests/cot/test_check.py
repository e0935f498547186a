"""The programmatic CoT checker: answer, format, times within 0.5 s of events, objects."""

from __future__ import annotations

import random

import pytest

from synrl.cot.check import CheckConfig, check_cot, mentioned_objects, mentioned_times

RECORD = {
    "id": "collision_count-train-s0-000009",
    "task": "collision_count",
    "seed": 5,
    "video": {"path": "videos/x.mp4", "fps": 30, "num_frames": 90, "width": 448, "height": 448,
              "duration_ms": 3000},
    "question": "How many times does the green circle touch a wall?",
    "options": {"A": "1", "B": "2", "C": "0", "D": "3"},
    "answer": "B",
    "answer_type": "multiple_choice",
    "answer_text": "2",
    "timeline": [
        {"type": "wall_contact", "start_ms": 1701, "end_ms": 1701, "start_frame": 51, "end_frame": 51,
         "object": "obj0", "wall": "top"},
        {"type": "wall_contact", "start_ms": 2400, "end_ms": 2400, "start_frame": 72, "end_frame": 72,
         "object": "obj0", "wall": "left"},
    ],
    "states": [],
    "tracks": [
        {"id": "obj0", "shape": "circle", "color": "green"},
        {"id": "obj1", "shape": "T", "color": "red", "color_by_frame": ["red"] * 45 + ["blue"] * 45},
    ],
    "query": {"kind": "wall_contacts", "object": "obj0", "walls": ["top", "bottom", "left", "right"]},
}
GOOD = ("<think>At 00:00 the green circle is in the centre. At 00:02 it hits the top wall, and at "
        "00:02.4 the left wall. The red T shape is elsewhere. Two contacts.</think><answer>B</answer>")


def chain(think: str, answer: str = "B") -> str:
    return f"<think>{think}</think><answer>{answer}</answer>"


def test_a_grounded_style_chain_passes():
    result = check_cot(GOOD, RECORD)
    assert result.ok and result.problems == []
    assert result.timestamps == [0.0, 2.0, 2.4]
    assert result.objects == ["green circle", "red T shape"]
    assert result.accuracy == 1.0


@pytest.mark.parametrize("written, ok", [
    ("00:02", True),     # 0.299 s from the contact at 1.701 s
    ("00:01", False),    # 0.701 s away
    ("00:01.2", False),  # 0.501 s away: just outside
    ("00:01.3", True),   # 0.401 s away
    ("00:00:02", True),  # hh:mm:ss
    ("00:03", True),     # the clip's end
    ("00:04", False),    # after the clip (0.5 s past its end would still pass; 1 s does not)
    ("at 2.9 s", True),  # seconds after a time preposition
    ("at 1.0 seconds", False),
])
def test_times_must_be_within_half_a_second_of_an_event(written, ok):
    result = check_cot(chain(f"Something happens {written}, the green circle."), RECORD)
    assert result.timestamps_ok is ok and result.ok is ok
    if not ok:
        assert result.bad_timestamps == [written]
        assert "match no event" in result.feedback()


def test_durations_are_not_times():
    assert mentioned_times("it moves for 5 seconds, over 3 s, lasting 10 seconds") == []
    assert [v for _, v in mentioned_times("from 1.2 s to 2.5 s, around 3 seconds, 1:05")] == [1.2, 3.0, 65.0]


def test_a_time_followed_by_a_colon_is_still_a_time():
    # Log lines such as "00:02: top wall" must be checked like any other time.
    assert [v for _, v in mentioned_times("00:02: top wall\n- 00:01.5 to 00:03: jump")] == [2.0, 1.5, 3.0]
    assert [v for _, v in mentioned_times("at 01:02:03")] == [3723.0]


def test_clip_bounds_can_be_excluded():
    text = chain("At 00:00 the green circle starts. At 00:02 the top wall.")
    assert check_cot(text, RECORD).ok
    strict = check_cot(text, RECORD, CheckConfig(clip_bounds_are_events=False))
    assert not strict.ok and strict.bad_timestamps == ["00:00"]


def test_objects_must_exist():
    assert mentioned_objects("the Green Ball, a red T-shape, blue Ts and a purple square") == [
        ("green", "circle"), ("red", "T"), ("blue", "T"), ("purple", "square")]
    result = check_cot(chain("At 00:02 the purple square hits the green circle."), RECORD)
    assert not result.objects_ok and result.unknown_objects == ["purple square"]
    assert "purple square" in result.feedback() and "green circle" in result.feedback()
    # An object that changes colour exists under both colours.
    assert check_cot(chain("At 00:02 the blue T shape turns; the green ball bounces."), RECORD).ok


def test_wrong_answer_fails_with_the_correct_one_in_the_feedback():
    result = check_cot(GOOD.replace("<answer>B</answer>", "<answer>A</answer>"), RECORD)
    assert not result.answer_ok and result.accuracy == 0.0 and not result.ok
    assert "B (2)" in result.feedback()


@pytest.mark.parametrize("text", [
    "At 00:02 the green circle hits the top wall. Answer: B",
    "Sure! " + GOOD,
    "<think></think><answer>B</answer>",
    "<think>a</think><think>b</think><answer>B</answer>",
    "<answer>B</answer><think>at 00:02</think>",
])
def test_format_is_enforced(text):
    result = check_cot(text, RECORD)
    assert not result.format_ok and not result.ok


def test_never_raises_on_any_text():
    rng = random.Random(0)
    alphabet = list("<>/thinkanswer0123456789:. ABCDgreencircle\n\t") + ["<think>", "</think>", "<answer>",
                                                                          "</answer>", "00:02", "99:99"]
    for _ in range(500):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randrange(0, 60)))
        result = check_cot(text, RECORD)
        assert isinstance(result.ok, bool)
    assert not check_cot(None, RECORD).ok  # type: ignore[arg-type]
