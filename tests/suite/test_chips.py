"""`chips`: the cup model and every question mode on a hand-worked story."""

import numpy as np
import pytest

from synrl.suite import get_task
from synrl.suite.base import Plan
from synrl.suite.chips.task import apply_op, inverse
from synrl.suite._longterm.base import Story

TASK = get_task("chips")

# Worked by hand (cups A, B, C):
#   start             A 5 10   B 20      C 25 50
#   1 add 10 to B     A 5 10   B 10 20   C 25 50
#   2 move 5 A -> C   A 10     B 10 20   C 5 25 50
#   3 remove 20 (B)   A 10     B 10      C 5 25 50
#   4 move 10 A -> B  A -      B 10 10   C 5 25 50
OPS = [
    {"op": "add", "cup": "B", "value": 10},
    {"op": "move", "from_cup": "A", "to_cup": "C", "value": 5},
    {"op": "remove", "cup": "B", "value": 20},
    {"op": "move", "from_cup": "A", "to_cup": "B", "value": 10},
]
STATES = [
    ((5, 10), (20,), (25, 50)),
    ((5, 10), (10, 20), (25, 50)),
    ((10,), (10, 20), (5, 25, 50)),
    ((10,), (10,), (5, 25, 50)),
    ((), (10, 10), (5, 25, 50)),
]
TAKEN = {"A": 2, "B": 1, "C": 0}


def story(reveal):
    return Story(list(STATES), list(OPS), reveal)


def plan(name, reveal, value="any", letter=0):
    template = next(t for t in TASK.templates if t.name == name)
    return Plan(template, (reveal, value), letter, {"reveal": "mixed"})


def pose(name, reveal, value="any", seed=0, letter=0):
    for s in range(seed, seed + 40):
        q = TASK.pose(story(reveal), plan(name, reveal, value, letter), np.random.default_rng(s), 3)
        if q is not None:
            return q
    raise AssertionError("no question posed")


def test_operations_forwards_and_backwards():
    for k, op in enumerate(OPS):
        assert apply_op(STATES[k], op) == STATES[k + 1]
        assert apply_op(STATES[k + 1], inverse(op)) == STATES[k]
    assert apply_op(STATES[4], {"op": "remove", "cup": "A", "value": 5}) is None


def test_cup_contents_forward_and_retrodiction():
    q = pose("cup_contents_open", "initial")
    expected = {"B": ["10", "10"], "C": ["25", "5", "50"]}[q.query["cup"]]
    assert q.answer == expected and q.extra == {"answer_ordered": False}
    assert q.query["mode"] == "forward" and q.query["step"] == 4
    q = pose("cup_contents", "final", letter=1)
    expected = {"A": "5, 10", "C": "25, 50"}[q.query["cup"]]
    assert q.answer == "B" and q.options["B"] == expected
    assert q.query["mode"] == "retrodiction" and q.query["step"] == 0


def test_cup_total_and_richest_cup():
    q = pose("cup_total", "final", 75)  # C held 25 + 50 at the start
    assert q.query["cup"] == "C" and q.answer == 75
    for reveal in ("initial", "final"):
        q = pose("richest_cup", reveal, "C")  # C is richest at both ends (75; 80)
        assert q.options[q.answer] == "Cup C" and q.answer_value == "C"
    with pytest.raises(AssertionError):
        pose("richest_cup", "initial", "A")


def test_history_count_after_an_operation():
    for want in (1, 2, 3):
        q = pose("count_after", "initial", want)
        assert len(STATES[q.query["step"]]["ABC".index(q.query["cup"])]) == want == q.answer


def test_ever_empty():
    q = pose("ever_empty", "initial", "yes")
    assert q.query["cup"] == "A" and q.answer == "yes"
    q = pose("ever_empty", "initial", "no")
    assert q.query["cup"] in "BC" and q.answer == "no"
    # With the final contents shown, A is visibly empty: it is never asked about.
    q = pose("ever_empty", "final", "no")
    assert q.query["cup"] in "BC"


@pytest.mark.parametrize("count", [0, 1, 2])
def test_counting_chips_taken_out(count):
    q = pose("times_taken", "initial", count)
    assert TAKEN[q.query["cup"]] == count and q.options[q.answer] == str(count)


def test_distractors_are_contents_after_plausible_mistakes():
    s = story("initial")
    mistaken = {tuple(alt.states[-1][2]) for alt in TASK.alternative_histories(
        s, np.random.default_rng(0), with_visible=False)}
    # Skipping "move 5 A -> C" leaves C without the 5; moving the 5 into B instead too.
    assert (25, 50) in mistaken
    q = pose("cup_contents", "initial", letter=3)
    assert q.answer == "D" and len(set(q.options.values())) == 4
