from collections import Counter

import numpy as np

from synrl.generate import build_sample
from synrl.suite import get_task
from tests.suite.test_conformance import request


def target_xy(record):
    track = next(t for t in record["tracks"] if t["id"] == "obj0")
    return np.stack([track["x"], track["y"]], axis=1)


def path_event(record):
    return next(e for e in record["timeline"] if e["type"] == "path")


def test_tracks_trace_the_named_shape():
    seen = Counter()
    for index in range(40):
        record = build_sample(request("trajectory_shape", index, difficulty=3)).record
        xy = target_xy(record)
        path = path_event(record)
        shape = path["shape"]
        seen[shape] += 1
        centred = xy - xy.mean(axis=0)
        spread = np.linalg.svd(centred, compute_uv=False) / np.sqrt(len(xy))
        corners = [e for e in record["timeline"] if e["type"] == "corner"]
        if shape == "line":
            assert spread[1] < 0.01  # px: the record rounds positions to 0.01
        elif shape == "circle":
            # Centre through three points a third of a turn apart, all at the same distance.
            a, b, c = xy[0], xy[len(xy) // 3], xy[2 * len(xy) // 3]
            lhs = 2 * np.array([b - a, c - a])
            rhs = np.array([b @ b - a @ a, c @ c - a @ a])
            distance = np.hypot(*(xy - np.linalg.solve(lhs, rhs)).T)
            assert distance.std() < 0.001 * distance.mean()
        if shape in ("circle", "square"):
            assert path["closed"]
            away = np.argmax(np.hypot(*(xy - xy[0]).T) > spread[0])
            assert np.hypot(*(xy[away:] - xy[0]).T).min() < 0.06 * np.ptp(xy[:, 0])
        else:
            assert not path["closed"]
        if shape == "zigzag":
            sides = [c["turn"] for c in corners]
            assert len(sides) >= 3 and all(a != b for a, b in zip(sides, sides[1:]))
        elif shape == "square":
            # Every corner turns the same way, the way the loop goes round.
            expected = "right" if path["direction"] == "clockwise" else "left"
            assert len(corners) >= 3 and {c["turn"] for c in corners} == {expected}
        else:
            assert corners == []
        # Constant speed along the path: steps differ only where they cut a corner.
        steps = np.hypot(*np.diff(xy, axis=0).T)
        assert np.median(np.abs(steps - np.median(steps))) < 0.01 * np.median(steps)
    assert set(seen) == {"line", "circle", "zigzag", "wave", "square"}


def test_answers_follow_the_path_event():
    for index in range(24):
        record = build_sample(request("trajectory_shape", index)).record
        path = path_event(record)
        kind = record["query"]["kind"]
        if kind == "path_shape":
            assert record["answer_value"] == path["shape"]
        elif kind == "returns_to_start":
            assert record["answer_value"] == ("yes" if path["closed"] else "no")
        else:
            assert record["answer_value"] == ("yes" if path["shape"] == "line" else "no")
        # A path traced backwards has the same shape.
        assert get_task("trajectory_shape").reversed_answer(record) == record["answer_value"]


def test_the_shape_left_out_of_the_options_varies():
    left_out = Counter()
    for index in range(0, 3 * 60, 3):  # the "shape" template
        record = build_sample(request("trajectory_shape", index)).record
        if record["answer_value"] == "circle":
            texts = set(record["options"].values())
            left_out[frozenset(texts)] += 1
    assert len(left_out) >= 3


def test_loops_are_drawn_clockwise_and_counter_clockwise():
    directions = Counter()
    for index in range(0, 3 * 40, 3):
        record = build_sample(request("trajectory_shape", index)).record
        path = path_event(record)
        if path["closed"]:
            xy = target_xy(record)
            area = np.sum(xy[:-1, 0] * xy[1:, 1] - xy[1:, 0] * xy[:-1, 1])
            # y points down: a positive shoelace area is clockwise on screen.
            assert (area > 0) == (path["direction"] == "clockwise")
            directions[path["direction"]] += 1
    assert set(directions) == {"clockwise", "counter-clockwise"}
