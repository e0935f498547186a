"""The "when" question family (synrl/suite/_when): answers are the timeline's own intervals,
questions name events without their time, asked moments spread over the clip, options come
from the same video, and the mixture deals forms as told."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from synrl.config import GenerateConfig, VideoOptions
from synrl.generate import build_sample, requests_for
from synrl.suite import task_ids
from synrl.suite._when.family import (INSTANT_WINDOW_S, MAX_CLIP_SHARE, MAX_DISTRACTOR_IOU,
                                      NAMERS, SLICE_EDGES, iou)
from synrl.suite._when.mixture import MixtureError, parse_question_types

# collision_count needs about 224 px of arena to lay out its bounces.
VIDEO = VideoOptions(width=256, height=256)
WHEN_TASKS = sorted(NAMERS.names())
# A time in a question would give the answer away: "at 1.2 s", "00:01", "3 seconds".
TIME_IN_TEXT = re.compile(r"\d+(\.\d+)?\s*(s|sec|secs|seconds)\b|\d{1,2}:\d{2}")


def records(task: str, forms: str, n: int, difficulty: int = 1) -> list[dict]:
    config = GenerateConfig(tasks=[task], per_task=n, out=Path("/nonexistent"), video=VIDEO,
                            question_types=forms.split(","), difficulty=difficulty)
    return [build_sample(r).record for r in requests_for(config)]


def test_every_task_but_distance_and_speed_change_asks_when():
    assert set(task_ids()) - set(WHEN_TASKS) == {"distance", "speed_change"}
    with pytest.raises(ValueError, match="asks no 'when' questions"):
        GenerateConfig(tasks=["speed_change"], per_task=1, out=Path("/x"), question_types=["when"])


@pytest.mark.parametrize("task", WHEN_TASKS)
def test_answers_are_the_asked_events_intervals(task):
    for record in records(task, "when,when_mc", 12, difficulty=2):
        query = record["query"]
        duration = record["video"]["duration_ms"] / 1000
        start, end = record["answer_value"]
        assert query["kind"] == "when" and 0 <= start < end <= duration + 1e-9
        assert end - start <= MAX_CLIP_SHARE * duration + 1e-9
        event = record["timeline"][query["event"]]
        assert event["type"] == query["event_type"]
        if query["instant"]:
            at = query["at_s"]
            edge_ms = event["end_ms"] if query.get("edge") == "end" else event["start_ms"]
            assert abs(at - edge_ms / 1000) < 0.002
            assert start == pytest.approx(max(0.0, at - INSTANT_WINDOW_S / 2), abs=0.006)
            assert end == pytest.approx(min(duration, at + INSTANT_WINDOW_S / 2), abs=0.006)
        else:
            assert start == pytest.approx(event["start_ms"] / 1000, abs=0.006)
            assert end == pytest.approx(event["end_ms"] / 1000, abs=0.006)
        assert not TIME_IN_TEXT.search(record["question"]), record["question"]
        if query.get("occurrence_intervals"):
            intervals = query["occurrence_intervals"]
            assert len(intervals) == query["occurrences"] > 1
            assert intervals == sorted(intervals)
            assert intervals[query["occurrence"] - 1] == [start, end]
        if record["answer_type"] == "multiple_choice":
            options = query["option_intervals"]
            assert options[record["answer"]] == [start, end]
            assert record["options"][record["answer"]] == record["answer_text"]
            wrong = [v for letter, v in options.items() if letter != record["answer"]]
            assert len(wrong) == 3 and all(iou(w, [start, end]) < MAX_DISTRACTOR_IOU for w in wrong)
        else:
            assert record["answer_type"] == "interval" and record["answer"] == [start, end]


def test_direction_at_difficulty_1_fills_four_options():
    """One turn in a 3-s clip: the long leg has no three distinct other intervals, so the
    nearest moment that has them is asked instead of failing the sample."""
    found = records("direction", "when_mc", 10)
    assert len(found) == 10 and all(len(r["options"]) == 4 for r in found)


def test_same_named_events_are_told_apart_by_order():
    asked = [r for r in records("collision_count", "when", 40, difficulty=3)
             if r["query"]["occurrences"] > 1]
    assert asked, "no repeated wall contact in 40 samples"
    ordinals = ("first", "second", "third", "fourth", "fifth", "sixth")
    for record in asked:
        assert f"for the {ordinals[record['query']['occurrence'] - 1]} time" in record["question"]


def test_asked_moments_spread_over_the_clip():
    midpoints = [(sum(r["answer_value"]) / 2) / (r["video"]["duration_ms"] / 1000)
                 for r in records("collision_count", "when", 45, difficulty=3)]
    slices = {next(i for i in range(len(SLICE_EDGES) - 1) if SLICE_EDGES[i] <= m <= SLICE_EDGES[i + 1])
              for m in midpoints}
    assert slices == set(range(len(SLICE_EDGES) - 1))
    middle = sum(0.4 <= m <= 0.6 for m in midpoints) / len(midpoints)
    assert middle <= 0.2


def test_letters_are_balanced():
    letters = [r["answer"] for r in records("motion_count", "when_mc", 24, difficulty=2)]
    assert {letter: letters.count(letter) for letter in "ABCD"} == {letter: 6 for letter in "ABCD"}


def test_same_request_same_record():
    config = GenerateConfig(tasks=["chips"], per_task=3, out=Path("/x"), video=VIDEO,
                            question_types=["mc", "when", "when_mc"])
    first = [build_sample(r).record for r in requests_for(config)]
    assert first == [build_sample(r).record for r in requests_for(config)]
    assert [r["query"].get("kind") for r in first] != ["when"] * 3


def test_mixture_deals_the_weights():
    mixture = parse_question_types(["mc", "open", "when:2"])
    forms = [mixture.deal(i)[0] for i in range(30)]
    assert forms.count("when") == 15 and forms.count("base") == 15  # mc+open weigh 2
    assert [mixture.deal(i)[1] for i in range(30) if mixture.deal(i)[0] == "when"] == list(range(15))
    assert parse_question_types(["mc"]).deal(7) == ("base", 7)
    for bad, message in ((["sometimes"], "unknown question type"), (["when:0"], "whole number"),
                         (["when", "when:2"], "listed twice"), ([], "no question type")):
        with pytest.raises(MixtureError, match=message):
            parse_question_types(bad)


@pytest.mark.parametrize("difficulty", [1, 5])
def test_a_pass_is_asked_only_where_the_objects_close_in_fast_enough(difficulty):
    """Two objects drifting level by a fraction of a pixel per frame have no moment of
    passing that the pixels (or a viewer) can time: such pairs are never asked."""
    import numpy as np

    from synrl.suite.relative_position.when import MIN_PASS_SPEED_PX

    for record in records("relative_position", "when", 20, difficulty=difficulty):
        event = record["timeline"][record["query"]["event"]]
        assert event["type"] == "pass"
        axis = event["axis"]
        tracks = {t["id"]: np.asarray(t[axis]) for t in record["tracks"]}
        offset = tracks[event["object"]] - tracks[event["reference"]]
        for other in record["timeline"]:  # every pass of the asked pair
            if other["type"] == "pass" and (other["object"], other["reference"]) == \
                    (event["object"], event["reference"]):
                f = other["start_frame"]
                speed = abs(offset[min(f + 1, len(offset) - 1)] - offset[max(f - 1, 0)]) / 2
                assert speed >= MIN_PASS_SPEED_PX - 0.02, (record["id"], speed)  # 2-decimal tracks
