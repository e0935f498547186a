"""`cards`: the pile model, every question mode on a hand-worked story, distractors."""

import numpy as np
import pytest

from synrl.generate import build_sample
from synrl.suite import get_task
from synrl.suite.base import Plan
from synrl.suite.cards.task import apply_op, card_name, undo_op
from synrl.suite._longterm.base import Story
from tests.suite.test_conformance import request

TASK = get_task("cards")

# Worked by hand, top card first:
#   start            AS 2H 3D 4C
#   1 swap 1 and 3   3D 2H AS 4C
#   2 move 4 -> 1    4C 3D 2H AS
#   3 draw top (4C)  3D 2H AS
#   4 insert KS at 2 3D KS 2H AS
OPS = [
    {"op": "swap", "positions": [1, 3]},
    {"op": "move", "from_position": 4, "to_position": 1},
    {"op": "draw", "end": "top", "position": 1, "card": "4C"},
    {"op": "insert", "card": "KS", "position": 2},
]
PILES = [
    ("AS", "2H", "3D", "4C"),
    ("3D", "2H", "AS", "4C"),
    ("4C", "3D", "2H", "AS"),
    ("3D", "2H", "AS"),
    ("3D", "KS", "2H", "AS"),
]
# How many operations pick each card up.
HANDLED = {"AS": 1, "3D": 1, "4C": 2, "KS": 1, "2H": 0}
EVER_TOP = {"AS", "3D", "4C"}


def story(reveal):
    return Story(list(PILES), list(OPS), reveal)


def plan(name, reveal, value="any", letter=0):
    template = next(t for t in TASK.templates if t.name == name)
    return Plan(template, (reveal, value), letter, {"reveal": "mixed"})


def test_operations_match_the_hand_worked_piles_forwards_and_backwards():
    for k, op in enumerate(OPS):
        assert apply_op(PILES[k], op) == PILES[k + 1]
        assert undo_op(PILES[k + 1], op) == PILES[k]
    assert apply_op(PILES[3], {"op": "insert", "card": "AS", "position": 1}) is None


@pytest.mark.parametrize("reveal,expected", [("initial", list(PILES[-1])),
                                             ("final", list(PILES[0]))])
def test_hidden_pile_forward_and_retrodiction(reveal, expected):
    for name in ("pile", "pile_open"):
        q = TASK.pose(story(reveal), plan(name, reveal), np.random.default_rng(0), 1)
        assert q.answer_value == expected
        assert q.query["mode"] == ("forward" if reveal == "initial" else "retrodiction")
    open_q = TASK.pose(story(reveal), plan("pile_open", reveal), np.random.default_rng(0), 1)
    assert open_q.answer == [c.upper() for c in expected]
    assert open_q.extra == {"answer_ordered": True}
    mc = TASK.pose(story(reveal), plan("pile", reveal, letter=2), np.random.default_rng(1), 1)
    assert mc.answer == "C" and mc.options["C"] == ", ".join(card_name(c) for c in expected)
    assert len(set(mc.options.values())) == 4


def test_card_position_in_the_hidden_pile():
    # Forward: 2H is third at the end (and was shown at the start).
    rng = np.random.default_rng(0)
    q = TASK.pose(story("initial"), plan("card_position", "initial", 3), rng, 1)
    assert q.query["card"] == "2H" and q.answer_value == 3
    assert q.options[q.answer] == "3"
    # Retrodiction: 3D was third at the start.
    q = TASK.pose(story("final"), plan("card_position", "final", 3), np.random.default_rng(0), 1)
    assert q.query["card"] == "3D" and q.answer_value == 3
    # KS is second at the end but was never shown at the start: not asked forwards.
    assert TASK.pose(story("initial"), plan("card_position", "initial", 2),
                     np.random.default_rng(0), 1) is None


def test_history_position_after_an_operation():
    for seed in range(6):
        q = TASK.pose(story("initial"), plan("position_after", "initial", 1),
                      np.random.default_rng(seed), 1)
        k = q.query["step"]
        assert q.query["mode"] == "history" and PILES[k][0] == q.query["card"]
        assert q.answer == 1


@pytest.mark.parametrize("answer", ["yes", "no"])
def test_ever_top(answer):
    for seed in range(10):
        q = TASK.pose(story("final"), plan("ever_top", "final", answer),
                      np.random.default_rng(seed), 1)
        if q is not None:
            assert (q.query["card"] in EVER_TOP) == (answer == "yes")
            assert q.answer == answer
            return
    pytest.fail("no question posed")


@pytest.mark.parametrize("count", [0, 1, 2])
def test_counting_how_often_a_card_is_picked_up(count):
    q = TASK.pose(story("initial"), plan("times_handled", "initial", count),
                  np.random.default_rng(0), 1)
    assert HANDLED[q.query["card"]] == count == q.answer_value
    assert q.options[q.answer] == str(count)


def test_distractors_come_from_alternative_operation_sequences():
    s = story("initial")
    # Every alternative history (skipped step, wrong step, swapped neighbours, reversed
    # sequence, or nothing at all) replays validly from the shown pile.
    for alt in TASK.alternative_histories(s, np.random.default_rng(3)):
        assert alt.states[0] == PILES[0]
        for k, op in enumerate(alt.ops):
            assert apply_op(alt.states[k], op) == alt.states[k + 1]
    # Skipping the swap gives the pile a careless viewer would answer.
    skipped = TASK.replay(s, OPS[1:])
    assert skipped[-1] == ("AS", "KS", "2H", "3D")


def test_reveal_option_forces_one_variant_and_round2_doubles_operations():
    for index in range(4):
        final = build_sample(_request(index, reveal="final")).record
        assert final["scene"]["reveal"] == "final"
        assert [e["visible"] for e in final["timeline"] if e["type"].endswith("reveal")] == \
            [False, True]
    one = build_sample(_request(0, difficulty=3)).record
    two = build_sample(_request(0, difficulty=3, round=2)).record
    n_ops = lambda r: len(r["states"]) - 1  # noqa: E731
    assert n_ops(two) >= 2 * (n_ops(one) - 1)


def _request(index, difficulty=1, round=1, **options):
    from synrl.config import VideoOptions
    from synrl.generate import SampleRequest

    return SampleRequest("cards", "train", 0, index, difficulty, ("mc", "open"), VideoOptions(),
                         tuple(sorted(options.items())), round)


def test_mixed_reveal_gives_both_variants_and_states_hold_every_step():
    reveals = set()
    for index in range(8):
        record = build_sample(request("cards", index, difficulty=2)).record
        reveals.add(record["scene"]["reveal"])
        ops = [e for e in record["timeline"] if "step" in e]
        assert len(record["states"]) == len(ops) + 1
        for k, op in enumerate(ops):
            params = {key: op[key] for key in op if key not in
                      ("type", "start_ms", "end_ms", "start_frame", "end_frame", "step")}
            assert apply_op(tuple(record["states"][k]["pile"]), {"op": op["type"], **params}) \
                == tuple(record["states"][k + 1]["pile"])
    assert reveals == {"initial", "final"}
