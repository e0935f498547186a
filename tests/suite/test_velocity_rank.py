import numpy as np
import pytest

from synrl.answers import canonical_list, lists_match
from synrl.generate import build_sample
from synrl.render.shapes import shape_name
from synrl.suite import get_task
from tests.suite.test_conformance import request


def motion_speeds(record):
    return {e["object"]: e["speed_px_s"] for e in record["timeline"] if e["type"] == "motion"}


@pytest.mark.parametrize("difficulty", [1, 5])
def test_tracks_move_at_their_ranked_speeds(difficulty):
    for index in range(8):
        record = build_sample(request("velocity_rank", index, difficulty=difficulty)).record
        fps = record["video"]["fps"]
        speeds = motion_speeds(record)
        assert len(speeds) == len(record["tracks"]) == (3 if difficulty == 1 else 4)
        for track in record["tracks"]:
            step = np.hypot(np.diff(track["x"]), np.diff(track["y"])) * fps
            assert np.median(step) == pytest.approx(speeds[track["id"]], abs=0.5)
        ordered = sorted(speeds.values(), reverse=True)
        # Neighbouring ranks stay apart by the difficulty's ratio (with +-3% jitter).
        floor = 1.7 if difficulty == 1 else 1.25
        assert all(a / b >= floor * 0.97 / 1.03 for a, b in zip(ordered, ordered[1:]))


def test_answers_follow_the_speeds():
    task = get_task("velocity_rank")
    for index in range(16):
        record = build_sample(request("velocity_rank", index)).record
        speeds = motion_speeds(record)
        query = record["query"]
        order = sorted(speeds, key=speeds.get, reverse=True)
        if query["kind"] == "fastest":
            assert record["answer_value"] == order[0]
        elif query["kind"] == "speed_ranking":
            assert record["answer_value"] == order
        else:
            a, b = query["objects"]
            assert record["answer_value"] == ("yes" if speeds[a] > speeds[b] else "no")
        assert task.reversed_answer(record) == record["answer_value"]


def test_open_ranking_is_canonical_and_names_the_objects_in_speed_order():
    for index in range(2, 5 * 6, 5):  # the "ranking_open" template
        record = build_sample(request("velocity_rank", index)).record
        names = {t["id"]: f"{t['color']} {shape_name(t['shape'])}" for t in record["tracks"]}
        assert record["answer"] == canonical_list(record["answer"])
        assert record["answer"] == canonical_list([names[i] for i in record["answer_value"]])
        assert lists_match(record["answer_text"], record["answer"])
        assert record["answer_ordered"] is True
