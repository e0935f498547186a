from collections import Counter

import numpy as np
import pytest

from synrl.answers import canonical_list
from synrl.generate import build_sample
from synrl.suite import get_task
from synrl.suite.event_order.task import (EVENT_TYPE, KINDS, balanced_permutations,
                                     order_distractors)
from tests.suite.test_conformance import request

TASK = "event_order"


def test_balanced_permutations_rotate_who_comes_first():
    perms = balanced_permutations(4)
    assert sorted(perms) == sorted(set(perms)) and len(perms) == 24
    for k in range(0, 24, 4):
        assert sorted(p[0] for p in perms[k : k + 4]) == [0, 1, 2, 3]


def event_frames(record):
    kind = record["query"]["event"]
    return [(e["start_frame"], e["object"]) for e in record["timeline"]
            if e["type"] == EVENT_TYPE[kind]]


@pytest.mark.parametrize("difficulty", [1, 5])
def test_tracks_show_each_event_where_the_timeline_says(difficulty):
    for index in range(24):
        record = build_sample(request(TASK, index, difficulty=difficulty)).record
        kind = record["query"]["event"]
        tracks = {t["id"]: t for t in record["tracks"]}
        events = event_frames(record)
        participants = {obj for _, obj in events}
        for frame, obj in events:
            track = tracks[obj]
            visible = track["visible"]
            if kind == "change":
                assert track["color_by_frame"][frame - 1] != track["color_by_frame"][frame]
            elif kind == "appear":
                assert not any(visible[:frame]) and all(visible[frame:])
            elif kind == "flash":
                assert visible[frame - 1] and not visible[frame] and visible[-1]
            else:
                assert track["x"][frame - 1] != track["x"][frame] == track["x"][-1]
        for obj, track in tracks.items():
            if obj not in participants:
                assert all(track["visible"]) and "color_by_frame" not in track
                assert track["x"][-1] != track["x"][-2]  # bystanders keep moving
        frames = [frame for frame, _ in events]
        assert np.all(np.diff(frames) >= 10)  # >= 0.35 s apart at 30 fps


def test_answers_follow_the_event_times():
    for index in range(24):
        record = build_sample(request(TASK, index, difficulty=3)).record
        order = [obj for _, obj in sorted(event_frames(record))]
        value = record["answer_value"]
        assert value["event"] == record["query"]["event"]
        if record["query"]["ask"] == "first":
            assert value["first"] == order[0]
        else:
            assert value["order"] == order
        if record["answer_type"] == "list":
            assert record["answer"] == canonical_list(record["answer"], ordered=True)
            assert record["answer_ordered"] is True


def test_every_kind_and_first_object_is_planned_evenly():
    counts = Counter()
    # Two whole blocks of the seeded plan (2 x 24 values): exact balance.
    for index in range(0, 144, 3):  # the `order` template
        record = build_sample(request(TASK, index)).record
        counts[(record["query"]["event"], record["answer_value"]["order"][0])] += 1
    assert set(k for k, _ in counts) == set(KINDS)
    assert max(counts.values()) - min(counts.values()) <= 1


def test_order_distractors_are_near_misses():
    ids = ["obj0", "obj1", "obj2", "obj3"]
    near = order_distractors(["obj2", "obj0", "obj1"], ids, 3, np.random.default_rng(0))
    assert near[0] == ["obj1", "obj0", "obj2"]  # reversed
    assert ["obj0", "obj2", "obj1"] in near[1:3] and ["obj2", "obj1", "obj0"] in near[1:3]
    assert any("obj3" in order for order in near[:8])  # a bystander slipped in


def test_reversal_reverses_the_order_and_the_kind():
    task = get_task(TASK)
    for index in range(24):
        record = build_sample(request(TASK, index)).record
        backwards = task.reversed_answer(record)
        order = [obj for _, obj in sorted(event_frames(record))]
        kind = record["query"]["event"]
        assert backwards["event"] == {"change": "change", "flash": "flash",
                                      "appear": "disappear", "stop": "start"}[kind]
        if record["query"]["ask"] == "first":
            assert backwards["first"] == order[-1]
        else:
            assert backwards["order"] == order[::-1]
