import math

import numpy as np
import pytest

from synrl.generate import build_sample
from synrl.suite import get_task
from synrl.suite.base import lerp
from synrl.suite.distance.task import extreme_pair, pair_distractors, positions_at
from tests.suite.test_conformance import request

TASK = "distance"


def test_extreme_pair_and_its_margin():
    points = [(0, 0), (10, 0), (100, 0), (100, 30)]
    ids = ["obj0", "obj1", "obj2", "obj3"]
    assert extreme_pair(points, ids, "closest") == (["obj0", "obj1"], 3.0)
    pair, margin = extreme_pair(points, ids, "farthest")
    assert pair == ["obj0", "obj3"] and margin == pytest.approx(math.hypot(100, 30) / 100)


@pytest.mark.parametrize("difficulty", [1, 5])
def test_pair_answers_stand_out_and_differ_between_moments(difficulty):
    margin_closest = lerp(difficulty, 1.5, 1.15)
    for index in [i for i in range(16) if i % 5 in (0, 1)]:
        record = build_sample(request(TASK, index, difficulty=difficulty)).record
        query, tracks = record["query"], record["tracks"]
        which = query["kind"].split("_")[0]
        ids = [t["id"] for t in tracks]
        last = record["video"]["num_frames"] - 1
        frame = 0 if query["moment"] == "start" else last
        pair, margin = extreme_pair(positions_at(tracks, frame), ids, which)
        other, _ = extreme_pair(positions_at(tracks, last - frame), ids, which)
        assert pair == record["answer_value"] != other
        assert margin >= (margin_closest if which == "closest" else 1.12) - 1e-9


def test_trend_answers_and_monotone_distance():
    for index in [i for i in range(24) if i % 5 in (2, 3)]:
        record = build_sample(request(TASK, index, difficulty=3)).record
        a, b = record["tracks"][0], record["tracks"][1]
        distance = np.hypot(np.subtract(a["x"], b["x"]), np.subtract(a["y"], b["y"]))
        trend = next(e["trend"] for e in record["timeline"] if e["type"] == "distance_change")
        steps = np.diff(distance)
        if trend == "closer":
            assert np.all(steps <= 1e-6) and distance[-1] < 0.8 * distance[0]
        elif trend == "farther":
            assert np.all(steps >= -1e-6) and distance[-1] > 1.25 * distance[0]
        else:
            assert np.ptp(distance) < 0.05
            assert math.dist((a["x"][0], a["y"][0]), (a["x"][-1], a["y"][-1])) >= 60
        if record["query"]["kind"] == "got_closer":
            assert record["answer_value"] == ("yes" if trend == "closer" else "no")
        else:
            assert record["answer_value"] == trend


def test_objects_hold_still_at_both_ends_and_never_touch():
    for index in range(8):
        record = build_sample(request(TASK, index, difficulty=5)).record
        tracks = record["tracks"]
        for t in tracks:
            assert t["x"][0] == t["x"][5] and t["x"][-1] == t["x"][-6]
        for i, a in enumerate(tracks):
            for b in tracks[i + 1:]:
                gap = np.hypot(np.subtract(a["x"], b["x"]), np.subtract(a["y"], b["y"]))
                assert np.all(gap > a["radius"] + b["radius"])


def test_pair_distractors_do_not_give_the_answer_away():
    points = [(0, 0), (30, 0), (200, 0), (0, 200), (250, 250)]
    ids = [f"obj{i}" for i in range(5)]
    near = pair_distractors(["obj0", "obj1"], ["obj2", "obj3"], points, ids, "closest")
    assert near[0] == ["obj2", "obj3"]
    # Among the first three wrong options, each answer object appears at most once.
    assert sum("obj0" in p for p in near[:3]) <= 1 and sum("obj1" in p for p in near[:3]) <= 1


def test_reversal_swaps_moments_and_trends():
    task = get_task(TASK)
    for index in range(16):
        record = build_sample(request(TASK, index)).record
        backwards = task.reversed_answer(record)
        query = record["query"]
        if query["kind"] in ("closest_pair", "farthest_pair"):
            tracks = record["tracks"]
            frame = 0 if query["moment"] == "end" else record["video"]["num_frames"] - 1
            pair, _ = extreme_pair(positions_at(tracks, frame), [t["id"] for t in tracks],
                                   query["kind"].split("_")[0])
            assert backwards == pair != record["answer_value"]
        elif query["kind"] == "distance_trend":
            assert backwards == {"closer": "farther", "farther": "closer",
                                 "same": "same"}[record["answer_value"]]
        else:
            trend = next(e["trend"] for e in record["timeline"]
                         if e["type"] == "distance_change")
            assert backwards == ("yes" if trend == "farther" else "no")
