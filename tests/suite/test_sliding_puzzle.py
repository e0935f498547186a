"""`sliding_puzzle`: slides on a hand-worked 3 x 3 board and every question mode, forwards and
backwards (retrodiction)."""

import numpy as np
import pytest

from synrl.suite import get_task
from synrl.suite.base import Plan
from synrl.suite._longterm.base import Story
from synrl.suite.sliding_puzzle.task import slide

TASK = get_task("sliding_puzzle")

# Worked by hand (0 is the empty slot; rows top to bottom):
#   start        1 2 3 / 4 0 5 / 6 7 8
#   1  5: c2->b2 1 2 3 / 4 5 0 / 6 7 8
#   2  3: c1->c2 1 2 0 / 4 5 3 / 6 7 8
#   3  2: b1->c1 1 0 2 / 4 5 3 / 6 7 8
#   4  5: b2->b1 1 5 2 / 4 0 3 / 6 7 8
OPS = [{"op": "slide", "tile": 5, "from": "c2", "to": "b2"},
       {"op": "slide", "tile": 3, "from": "c1", "to": "c2"},
       {"op": "slide", "tile": 2, "from": "b1", "to": "c1"},
       {"op": "slide", "tile": 5, "from": "b2", "to": "b1"}]
STATES = [(1, 2, 3, 4, 0, 5, 6, 7, 8), (1, 2, 3, 4, 5, 0, 6, 7, 8), (1, 2, 0, 4, 5, 3, 6, 7, 8),
          (1, 0, 2, 4, 5, 3, 6, 7, 8), (1, 5, 2, 4, 0, 3, 6, 7, 8)]


def story(reveal):
    return Story(list(STATES), list(OPS), reveal, {"side": 3})


def pose(name, reveal, value="any", letter=0):
    template = next(t for t in TASK.templates if t.name == name)
    plan = Plan(template, (reveal, value), letter, {"reveal": "mixed"})
    for seed in range(40):
        q = TASK.pose(story(reveal), plan, np.random.default_rng(seed), 1)
        if q is not None:
            return q
    raise AssertionError("no question posed")


def test_slides_forwards_backwards_and_by_direction():
    for k, op in enumerate(OPS):
        assert slide(STATES[k], op) == STATES[k + 1]
        assert TASK.undo(STATES[k + 1], op) == STATES[k]
    assert slide(STATES[0], {"from": "a1", "to": "b2"}) is None  # not adjacent
    assert TASK.replay(story("initial"), OPS) == STATES
    assert TASK.replay(story("final"), OPS) == STATES
    # Replayed as directions of the slot (right, up, left, down), skipping the first slide is
    # still a valid history: up, left, down from b2 ends 4 1 3 / 0 2 5 / 6 7 8.
    assert TASK.replay(story("initial"), OPS[1:])[-1] == (4, 1, 3, 0, 2, 5, 6, 7, 8)


def test_where_was_a_tile_at_the_start_retrodiction():
    q = pose("tile_cell", "final", "c2", letter=2)  # tile 5 started in c2
    assert q.query == {"kind": "tile_cell", "tile": 5, "step": 0, "mode": "retrodiction"}
    assert q.answer == "C" and q.options["C"] == "c2"
    assert len(set(q.options.values())) == 4


def test_where_is_a_tile_at_the_end_forward():
    q = pose("tile_cell", "initial", "b1")
    assert q.query["tile"] == 5 and q.query["mode"] == "forward"
    with pytest.raises(AssertionError):
        pose("tile_cell", "initial", "b2")  # the empty slot


@pytest.mark.parametrize("reveal,tile,cell", [("initial", 2, "c1"), ("final", 5, "c2")])
def test_which_tile_was_in_a_cell(reveal, tile, cell):
    q = pose("tile_at", reveal, tile)
    assert q.query["cell"] == cell and q.answer == tile


def test_which_tile_slid_in_a_move():
    q = pose("moved_tile", "final", 5)
    assert q.query["step"] in (1, 4) and q.options[q.answer] == "5"
    assert pose("moved_tile", "initial", 3).query["step"] == 2


@pytest.mark.parametrize("count,tiles", [(0, {1, 4, 6, 7, 8}), (1, {2, 3})])
def test_counting_slides_of_a_tile(count, tiles):
    q = pose("times_moved", "initial", count)
    assert q.query["tile"] in tiles and q.answer == count


def test_a_hidden_row_as_an_ordered_list():
    q = pose("hidden_row", "final")
    expected = {1: ["1", "2", "3"], 2: ["4", "0", "5"], 3: ["6", "7", "8"]}[q.query["row"]]
    assert q.answer == expected and q.extra == {"answer_ordered": True}
