import numpy as np
import pytest

from synrl.generate import build_sample
from synrl.suite import get_task
from synrl.suite._shortterm.changes import change_times
from synrl.suite.attribute_change.task import CHANGE_SHAPES
from tests.suite.test_conformance import request

TASK = "attribute_change"


def target_of(record):
    return next(t for t in record["tracks"] if t["id"] == record["query"]["object"])


def segments(series):
    """Values of a per-frame series with consecutive repeats removed."""
    out = []
    for value in series:
        if not out or out[-1] != value:
            out.append(value)
    return out


@pytest.mark.parametrize("difficulty", [1, 5])
def test_per_frame_attributes_follow_the_timeline(difficulty):
    for index in range(12):
        record = build_sample(request(TASK, index, difficulty=difficulty)).record
        target = target_of(record)
        mine = [e for e in record["timeline"] if e["object"] == target["id"]]
        colors = segments(target["color_by_frame"])
        shapes = segments(target["shape_by_frame"])
        scales = segments(target["scale"])
        assert len(colors) - 1 == sum(e["type"] == "color_change" for e in mine)
        assert len(shapes) - 1 == sum(e["type"] == "shape_change" for e in mine)
        assert len(scales) - 1 == sum(e["type"] == "size_change" for e in mine)
        # Exactly one attribute of the target changes.
        assert sorted({e["type"] for e in mine}) in (["color_change"], ["shape_change"],
                                                     ["size_change"])
        for event in mine:
            frame = event["start_frame"]
            if event["type"] == "color_change":
                assert target["color_by_frame"][frame - 1] == event["from"]
                assert target["color_by_frame"][frame] == event["to"]
            elif event["type"] == "shape_change":
                assert target["shape_by_frame"][frame] == event["to"] in CHANGE_SHAPES


def test_answers_agree_with_the_timeline():
    for index in range(24):
        record = build_sample(request(TASK, index, difficulty=3)).record
        target = target_of(record)
        mine = [e for e in record["timeline"] if e["object"] == target["id"]]
        kind, value = record["query"]["kind"], record["answer_value"]
        if kind == "what_changed":
            assert mine[0]["type"] == f"{value}_change"
        elif kind == "color_before":
            assert value == mine[0]["from"] == target["color_by_frame"][0]
        elif kind == "shape_before":
            assert value == mine[0]["from"] == target["shape_by_frame"][0]
        elif kind == "change_count":
            assert value == len(mine)
            assert mine[0]["type"] == f"{record['query']['attribute']}_change"
        else:
            assert value == ("yes" if target["scale"][-1] > target["scale"][0] else "no")


def test_the_target_is_named_unambiguously():
    for index in range(24):
        record = build_sample(request(TASK, index, difficulty=5)).record
        target = target_of(record)
        others = [t for t in record["tracks"] if t is not target]
        own_colors = set(target["color_by_frame"])
        own_shapes = set(target["shape_by_frame"])
        for other in others:
            assert not own_colors & set(other.get("color_by_frame") or [other["color"]])
            assert other["shape"] not in own_shapes


def test_objects_never_overlap():
    for index in range(12):
        record = build_sample(request(TASK, index, difficulty=5)).record
        tracks = record["tracks"]
        for i, a in enumerate(tracks):
            for b in tracks[i + 1:]:
                gap = np.hypot(np.subtract(a["x"], b["x"]), np.subtract(a["y"], b["y"]))
                reach = a["radius"] * np.asarray(a["scale"]) + b["radius"] * np.asarray(b["scale"])
                assert np.all(gap > reach)


def test_difficulty_shrinks_the_size_step_and_adds_distractors():
    def size_ratio(difficulty):
        for index in range(5, 200, 6):  # the `grew` template
            record = build_sample(request(TASK, index, difficulty=difficulty)).record
            scale = target_of(record)["scale"]
            return max(scale) / min(scale), len(record["tracks"])
    (easy_ratio, easy_objects), (hard_ratio, hard_objects) = size_ratio(1), size_ratio(5)
    assert easy_ratio > 1.8 and hard_ratio < 1.4
    assert hard_objects > easy_objects


def test_change_times_keep_their_gap():
    times = change_times(np.random.default_rng(0), 5, 4.0, 0.5)
    assert times[0] >= 0.45 and times[-1] <= 3.55
    assert np.all(np.diff(times) >= 0.5 - 1e-9)


def test_reversal_swaps_before_and_after_and_keeps_counts():
    task = get_task(TASK)
    for index in range(24):
        record = build_sample(request(TASK, index)).record
        target = target_of(record)
        backwards = task.reversed_answer(record)
        kind = record["query"]["kind"]
        if kind == "color_before":
            assert backwards == target["color_by_frame"][-1] != record["answer_value"]
        elif kind == "shape_before":
            assert backwards == target["shape_by_frame"][-1] != record["answer_value"]
        elif kind == "grew":
            assert backwards != record["answer_value"]
        else:
            assert backwards == record["answer_value"]


def test_distractor_options_are_near_misses():
    for index in (1, 8, 15):  # color_before (seven templates: grew also as a choice)
        record = build_sample(request(TASK, index)).record
        after = target_of(record)["color_by_frame"][-1]
        assert after.capitalize() in record["options"].values()
    for index in (3, 10):  # change_count: a window of consecutive counts holding the answer
        record = build_sample(request(TASK, index)).record
        options = sorted(int(v) for v in record["options"].values())
        assert options == list(range(options[0], options[0] + 4))
        assert record["answer_value"] in options
