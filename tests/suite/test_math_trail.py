"""`math_trail`: exact evaluation, expressions built to a planned result, and every question
mode on a hand-worked board."""

from fractions import Fraction

import numpy as np
import pytest

from synrl.suite import get_task
from synrl.suite.base import Plan
from synrl.suite._longterm.base import Story
from synrl.suite.math_trail.task import (evaluate, expression_for, integer_value, left_to_right,
                                    self_avoiding_path, tokens_of)

TASK = get_task("math_trail")

#     a  b  c
#  1  1  2  +
#  2  5  *  3
#  3  4  -  7
BOARD = [["1", "2", "+"], ["5", "*", "3"], ["4", "-", "7"]]
# a1 b1 c1 c2 b2 a2 spells "12+3*5" = 12 + 15 = 27.
PATH = [(0, 0), (0, 1), (0, 2), (1, 2), (1, 1), (1, 0)]
SYMBOLS = ["1", "2", "+", "3", "*", "5"]


def story(reveal):
    states = [(PATH[k], tuple(SYMBOLS[: k + 1])) for k in range(len(PATH))]
    ops = [{"op": "hop"} for _ in PATH[1:]]
    return Story(states, ops, reveal, {"board": BOARD, "path": PATH, "symbols": SYMBOLS})


def pose(name, reveal, value="any", letter=0):
    template = next(t for t in TASK.templates if t.name == name)
    plan = Plan(template, (reveal, value), letter, {"reveal": "mixed"})
    for seed in range(40):
        q = TASK.pose(story(reveal), plan, np.random.default_rng(seed), 3)
        if q is not None:
            return q
    raise AssertionError("no question posed")


@pytest.mark.parametrize("text,value", [("12+3*5", 27), ("8/4*3-2", 4), ("7-2-1", 4),
                                        ("2*3+4*5", 26), ("9-6/4", Fraction(15, 2)),
                                        ("81/9/3", 3)])
def test_standard_order_of_operations_exactly(text, value):
    assert evaluate(tokens_of(list(text))) == value


def test_non_expressions_and_non_integers_are_rejected():
    assert tokens_of(list("1++2")) is None and tokens_of(list("+12")) is None
    assert tokens_of(list("12-")) is None
    assert integer_value(list("9-6/4")) is None


def test_expressions_are_built_to_land_on_the_planned_result():
    rng = np.random.default_rng(0)
    for target in range(10, 100, 7):
        for _ in range(20):
            symbols = expression_for(rng, 9, 2, target)
            if symbols is not None:
                assert integer_value(symbols) == target
                break
        else:
            pytest.fail(f"no expression for {target}")


def test_paths_are_self_avoiding_and_adjacent():
    path = self_avoiding_path(np.random.default_rng(1), 5, 5, 18)
    assert len(set(path)) == 18
    assert all(abs(a[0] - b[0]) + abs(a[1] - b[1]) == 1 for a, b in zip(path, path[1:]))


@pytest.mark.parametrize("reveal", ["initial", "final"])
def test_result_and_expression(reveal):
    q = pose("result_open", reveal)
    assert q.answer == 27
    assert q.query["mode"] == ("forward" if reveal == "initial" else "retrodiction")
    q = pose("result", reveal, letter=3)
    assert q.answer == "D" and q.options["D"] == "27"
    q = pose("expression", reveal, letter=1)
    assert q.options["B"] == "12 + 3 * 5" and q.answer_value == "12+3*5"
    # The path read backwards, "5*3+21" = 36, is a typical slip.
    assert "5 * 3 + 21" in misreads(reveal)


def test_result_options_hold_the_left_to_right_slip_and_stay_in_the_planned_range():
    tokens = tokens_of(SYMBOLS)
    # 12 + 3 = 15, then * 5 = 75: what a viewer who ignores precedence computes.
    assert left_to_right(tokens) == 75 and evaluate(tokens) == 27
    assert left_to_right(tokens_of(list("8/3*6"))) == 16 and left_to_right(["1", "/", "0"]) is None
    template = next(t for t in TASK.templates if t.name == "result")
    ranks = []
    for seed in range(200):
        plan = Plan(template, ("initial", "any"), seed % 4, {"reveal": "mixed"})
        q = TASK.pose(story("initial"), plan, np.random.default_rng(seed), 3)
        values = sorted(int(v) for v in q.options.values())
        rank = values.index(27)
        ranks.append(rank)
        # The precedence slip is always offered, and every option is a planned result.
        assert 75 in values and all(10 <= v <= 99 for v in values), values
    # Wrong results are not all near the truth: the set is centred on a pivot misread.
    assert len(set(ranks)) >= 3


def misreads(reveal):
    from synrl.suite.math_trail.task import expression_text

    return {expression_text(s) for s in TASK.misread_symbols(story(reveal),
                                                             np.random.default_rng(0))
            if tokens_of(s) is not None}


def test_symbol_at_a_stop_is_history():
    q = pose("symbol_at_stop", "final", "+", letter=2)
    assert q.query == {"kind": "symbol_at_stop", "stop": 3, "mode": "history"}
    assert q.options["C"] == "plus (+)"
    q = pose("symbol_at_stop", "initial", "5")
    assert q.query["stop"] == 6


@pytest.mark.parametrize("count", [0, 1])
def test_counting_an_operator(count):
    q = pose("operator_count", "initial", count)
    assert SYMBOLS.count(q.query["operator"]) == count == q.answer
