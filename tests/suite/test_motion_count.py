
import numpy as np
import pytest

from synrl.generate import build_sample
from synrl.suite import get_task
from tests.suite.test_conformance import request


def movements(record, object_id="obj0"):
    return [e for e in record["timeline"] if e["type"] in ("jump", "slide")
            and e["object"] == object_id]


@pytest.mark.parametrize("difficulty", [1, 5])
def test_answers_count_the_targets_timeline_movements(difficulty):
    for index in range(16):
        record = build_sample(request("motion_count", index, difficulty=difficulty)).record
        kinds = [e["type"] for e in movements(record)]
        query = record["query"]
        if query["kind"] == "first_motion":
            assert record["answer_value"] == kinds[0]
            assert get_task("motion_count").reversed_answer(record) == kinds[-1]
        else:
            assert record["answer_value"] == sum(k in query["motions"] for k in kinds)
            assert get_task("motion_count").reversed_answer(record) == record["answer_value"]


def test_jump_counts_have_slides_to_ignore_from_difficulty_3():
    for index in range(0, 4 * 8, 4):  # the "jumps" template
        record = build_sample(request("motion_count", index, difficulty=3)).record
        assert any(e["type"] == "slide" for e in movements(record))
        assert record["answer_value"] == sum(e["type"] == "jump" for e in movements(record))


def test_objects_rest_on_the_floor_between_movements_in_separate_lanes():
    for index in range(12):
        record = build_sample(request("motion_count", index, difficulty=5)).record
        fps = record["video"]["fps"]
        lanes = []
        for track in record["tracks"]:
            x, y = np.array(track["x"]), np.array(track["y"])
            moves = movements(record, track["id"])
            moving = np.zeros(len(x), dtype=bool)
            for e in moves:
                moving[e["start_frame"] : e["end_frame"] + 1] = True
                inside = slice(e["start_frame"] + 1, e["end_frame"])
                rise = y[e["start_frame"]] - y[inside].min()
                if e["type"] == "jump":
                    assert rise > 2 * track["radius"]
                else:
                    assert rise == 0 and abs(e["to_x"] - e["from_x"]) > 0.5 * track["radius"]
            # At rest: on the floor and still.
            assert np.ptp(y[~moving]) < 0.01
            assert np.all(np.abs(np.diff(x))[~moving[1:] & ~moving[:-1]] < 0.01)
            # Rests of at least 0.3 s between movements.
            for a, b in zip(moves, moves[1:]):
                assert b["start_ms"] - a["end_ms"] >= 300 - 1000 / fps
            lanes.append((x.min() - track["radius"], x.max() + track["radius"]))
        lanes.sort()
        assert all(a[1] < b[0] for a, b in zip(lanes, lanes[1:]))
        assert record["tracks"][-1]["id"] == "obj0"


