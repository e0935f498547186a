import numpy as np
import pytest

from synrl.generate import build_sample
from synrl.suite import get_task
from synrl.suite.base import lerp
from synrl.suite.relative_position.task import change_distractors, change_option, relation_of
from tests.suite.test_conformance import request

TASK = "relative_position"


def offsets(record):
    subject, reference = record["tracks"][0], record["tracks"][1]
    return (np.subtract(subject["x"], reference["x"]), np.subtract(subject["y"], reference["y"]))


def test_relation_of_takes_the_dominant_axis_with_y_down():
    assert relation_of(-50, 10) == "left" and relation_of(50, -10) == "right"
    assert relation_of(5, -40) == "above" and relation_of(-5, 40) == "below"


@pytest.mark.parametrize("difficulty", [1, 5])
def test_relations_are_clear_and_match_the_answer(difficulty):
    ratio = lerp(difficulty, 2.5, 1.8)
    for index in range(16):
        record = build_sample(request(TASK, index, difficulty=difficulty)).record
        dx, dy = offsets(record)
        kind = record["query"]["kind"]
        if kind == "passed":
            continue
        start, end = relation_of(dx[0], dy[0]), relation_of(dx[-1], dy[-1])
        expected = {"relation_start": start, "relation_end": end,
                    "relation_change": [start, end]}[kind]
        assert record["answer_value"] == expected
        for k in (0, -1):
            big, small = sorted((abs(dx[k]), abs(dy[k])), reverse=True)
            assert big >= ratio * small - 1e-6


def test_passing_is_a_sign_change_along_the_lanes():
    for index in range(3, 60, 5):  # the `passed` template (open; 4 is its choice twin)
        record = build_sample(request(TASK, index, difficulty=3)).record
        dx, dy = offsets(record)
        axis = record["timeline"][0]["axis"]
        along = dx if axis == "x" else dy
        across = dy if axis == "x" else dx
        assert np.ptp(across) < 1e-6  # parallel lanes
        crossed = np.sign(along[0]) != np.sign(along[-1])
        assert record["answer_value"] == ("yes" if crossed else "no")
        passes = [e for e in record["timeline"] if e["type"] == "pass"]
        assert len(passes) == int(crossed)


def test_lanes_keep_objects_apart():
    for index in range(12):
        record = build_sample(request(TASK, index, difficulty=5)).record
        tracks = record["tracks"]
        for i, a in enumerate(tracks):
            for b in tracks[i + 1:]:
                gap = np.hypot(np.subtract(a["x"], b["x"]), np.subtract(a["y"], b["y"]))
                assert np.all(gap > a["radius"] + b["radius"])


def test_relation_changes_usually_so_the_moment_matters():
    changed = 0
    for index in range(0, 96, 4):  # relation_start
        record = build_sample(request(TASK, index)).record
        relations = [e["relation"] for e in record["timeline"] if e["type"] == "relation"]
        changed += relations[0] != relations[1]
    assert changed >= 15


def test_change_distractors_start_with_the_reversed_and_swapped_pairs():
    options = change_distractors("left", "above", np.random.default_rng(0))
    assert options[:2] == [change_option("above", "left"), change_option("right", "below")]
    assert change_option("left", "above") not in options


def test_reversal_swaps_start_and_end():
    task = get_task(TASK)
    for index in range(16):
        record = build_sample(request(TASK, index)).record
        dx, dy = offsets(record)
        start, end = relation_of(dx[0], dy[0]), relation_of(dx[-1], dy[-1])
        kind = record["query"]["kind"]
        expected = {"relation_start": end, "relation_end": start,
                    "relation_change": [end, start],
                    "passed": record["answer_value"]}[kind]
        assert task.reversed_answer(record) == expected
