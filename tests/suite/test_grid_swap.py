"""`grid_swap`: swaps on a hand-worked 3 x 3 grid and every question mode."""

import numpy as np
import pytest

from synrl.suite import get_task
from synrl.suite.base import Plan
from synrl.suite._longterm.base import Story

TASK = get_task("grid_swap")
OBJECTS = [{"id": "obj0", "color": "red", "shape": "circle"},
           {"id": "obj1", "color": "blue", "shape": "square"},
           {"id": "obj2", "color": "green", "shape": "star"}]


def grid(**cells):
    """State from cell=object index, e.g. grid(a1=0): flat index = row * 3 + column."""
    state = [-1] * 9
    for cell, obj in cells.items():
        state[(int(cell[1]) - 1) * 3 + "abc".index(cell[0])] = obj
    return tuple(state)


# Worked by hand:
#   start          red a1, blue b2, green c3
#   1 swap a1 c1   red c1
#   2 swap b2 c1   blue c1, red b2
#   3 swap c3 a3   green a3
#   4 swap a3 c3   green back to c3
OPS = [{"op": "swap", "cells": c} for c in (["a1", "c1"], ["b2", "c1"], ["c3", "a3"],
                                             ["a3", "c3"])]
STATES = [grid(a1=0, b2=1, c3=2), grid(c1=0, b2=1, c3=2), grid(b2=0, c1=1, c3=2),
          grid(b2=0, c1=1, a3=2), grid(b2=0, c1=1, c3=2)]
MOVED = {"obj0": 2, "obj1": 1, "obj2": 2}


def story(reveal):
    return Story(list(STATES), list(OPS), reveal, {"side": 3, "objects": OBJECTS})


def pose(name, reveal, value="any", letter=0):
    template = next(t for t in TASK.templates if t.name == name)
    plan = Plan(template, (reveal, value), letter, {"reveal": "mixed"})
    for seed in range(40):
        q = TASK.pose(story(reveal), plan, np.random.default_rng(seed), 1)
        if q is not None:
            return q
    raise AssertionError("no question posed")


def test_swaps_forwards_and_backwards():
    for k, op in enumerate(OPS):
        assert TASK.apply(STATES[k], op) == STATES[k + 1]
        assert TASK.undo(STATES[k + 1], op) == STATES[k]
    assert TASK.state_record(STATES[2]) == {"cells": {"b2": "obj0", "c1": "obj1", "c3": "obj2"}}


@pytest.mark.parametrize("reveal", ["initial", "final"])
def test_displaced_objects(reveal):
    q = pose("displaced_count", reveal, 2, letter=1)  # red and blue moved, green came back
    assert q.answer == "B" and q.options["B"] == "2"
    assert pose("displaced_count_open", reveal, 2).answer == 2
    with pytest.raises(AssertionError):
        pose("displaced_count_open", reveal, 3)


def test_where_is_an_object_forward_and_retrodiction():
    q = pose("object_cell", "initial", "b2")
    assert q.query["object"] == "obj0" and "red circle" in q.text and q.options[q.answer] == "b2"
    q = pose("object_cell", "final", "b2")
    assert q.query["object"] == "obj1" and q.query["step"] == 0
    assert q.query["mode"] == "retrodiction"


def test_what_was_in_a_cell():
    q = pose("cell_content", "final", "obj1", letter=3)
    assert q.query["cell"] == "b2" and q.options["D"] == "the blue square"
    q = pose("cell_content", "initial", "empty")
    assert q.query["cell"] not in ("b2", "c1", "c3")
    assert q.options[q.answer] == "nothing (it is empty)"


def test_history_cell_after_a_swap():
    q = pose("cell_after", "initial", "a3")
    assert q.query == {"kind": "object_cell", "object": "obj2", "step": 3, "mode": "history"}


@pytest.mark.parametrize("count", [1, 2])
def test_counting_moves_of_an_object(count):
    q = pose("times_moved", "initial", count)
    assert MOVED[q.query["object"]] == count == q.answer
