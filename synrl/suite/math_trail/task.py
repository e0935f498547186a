"""`math_trail`: a ball hops over a board of digits and operators; the cells it stops on, in
order, spell an arithmetic expression (mathematical operations, SynRL Figure 3 "Math").

The board's symbols are shown only during the visible reveal (all cells are covered while the
ball moves), so the expression is recovered either by remembering the board and following
the ball (symbols shown first) or by remembering the ball's path and reading the board at the
end (symbols shown last). Consecutive digits form one number. Results are computed exactly
(fractions, standard precedence) by a small evaluator, never by evaluating a string, and
every generated expression has an integer result. The ball (orange) is the recorded track.
"""

from __future__ import annotations

import operator
from fractions import Fraction
from typing import Any, Sequence

import numpy as np

from synrl.render.gridboards import BoardGeometry, cell_name
from synrl.suite.base import Question, Template, VideoSpec, lerp
from synrl.suite.base import NEEDS_ORDER
from synrl.suite._longterm.base import (Ask, LongTermTask, Schedule, Story, choice_question,
                                        number_question, ordinal, stable_track)
from synrl.suite.registry import register


OPERATORS = {"+": "+", "-": "\u2212", "*": "\u00d7", "/": "\u00f7"}  # ASCII -> as drawn
OPERATOR_NAMES = {"+": "plus", "-": "minus", "*": "times", "/": "divide"}
DIGITS = "123456789"
SYMBOLS = tuple(DIGITS) + tuple(OPERATORS)
# The results a trail is planned to land on (and the range wrong results are kept in).
RESULTS = tuple(range(10, 100))
BALL_COLOR = "orange"
HALO = 3.0


def show(symbol: str) -> str:
    return OPERATORS.get(symbol, symbol)


def tokens_of(symbols: Sequence[str]) -> list[str] | None:
    """Numbers and operators of a symbol sequence, or None if it is not an expression
    (it must start and end with a digit and never hold two operators in a row)."""
    tokens: list[str] = []
    for s in symbols:
        if s in DIGITS:
            if tokens and tokens[-1][-1] in DIGITS:
                tokens[-1] += s
            else:
                tokens.append(s)
        elif s in OPERATORS:
            if not tokens or tokens[-1] in OPERATORS:
                return None
            tokens.append(s)
        else:
            raise ValueError(f"not a board symbol: {s!r}")
    if not tokens or tokens[-1] in OPERATORS:
        return None
    return tokens


def evaluate(tokens: Sequence[str]) -> Fraction | None:
    """Exact value with * and / before + and -, left to right; None on division by zero."""
    total = Fraction(0)
    sign = 1
    term = Fraction(int(tokens[0]))
    for op, number in zip(tokens[1::2], tokens[2::2]):
        value = Fraction(int(number))
        if op == "*":
            term *= value
        elif op == "/":
            if value == 0:
                return None
            term /= value
        else:
            total += sign * term
            sign = 1 if op == "+" else -1
            term = value
    return total + sign * term


def expression_text(symbols: Sequence[str]) -> str:
    """"12 + 3 * 4": the expression in ASCII with spaces (what options and answers write)."""
    return " ".join(tokens_of(symbols) or [])


def symbol_text(symbol: str) -> str:
    """How options name a symbol: the digit, or the operator's name with its sign."""
    return f"{OPERATOR_NAMES[symbol]} ({symbol})" if symbol in OPERATORS else symbol


_ARITHMETIC = {"+": operator.add, "-": operator.sub, "*": operator.mul, "/": operator.truediv}


def left_to_right(tokens: Sequence[str]) -> Fraction | None:
    """Exact value read strictly left to right, ignoring precedence (the classic slip the
    question's "standard order of operations" warns about); None on division by zero."""
    total = Fraction(int(tokens[0]))
    for op, number in zip(tokens[1::2], tokens[2::2]):
        value = Fraction(int(number))
        if op == "/" and value == 0:
            return None
        total = _ARITHMETIC[op](total, value)
    return total


def integer_value(symbols: Sequence[str]) -> int | None:
    tokens = tokens_of(symbols)
    if tokens is None:
        return None
    value = evaluate(tokens)
    return int(value) if value is not None and value.denominator == 1 else None


def random_expression(rng: np.random.Generator, length: int, max_digits: int) -> list[str]:
    """Symbols of an expression with an exact integer value, about `length` symbols long:
    terms joined by + and -, each term numbers joined by x and / where every division is
    exact."""
    symbols: list[str] = []
    while True:
        term = _number(rng, max_digits)
        symbols.extend(str(term))
        for _ in range(int(rng.integers(0, 3))):
            if len(symbols) >= length - 1:
                break
            if rng.random() < 0.5:
                factor = _number(rng, 1)
                term *= factor
                symbols += ["*", *str(factor)]
            else:
                divisors = [d for d in range(2, 10) if term % d == 0]
                if not divisors:
                    continue
                d = int(rng.choice(divisors))
                term //= d
                symbols += ["/", str(d)]
        if len(symbols) >= length - 1:
            return symbols
        symbols.append("+" if rng.random() < 0.6 else "-")


def expression_for(rng: np.random.Generator, length: int, max_digits: int,
                   target: int) -> list[str] | None:
    """A random expression of about `length` symbols whose value is `target`: a random
    expression, then "+ n" or "- n" with the number n that lands on the target."""
    prefix = random_expression(rng, max(1, length - 3), max_digits)
    value = integer_value(prefix)
    if value is None:
        return None
    for op in ("+", "-") if rng.random() < 0.5 else ("-", "+"):
        n = target - value if op == "+" else value - target
        if 1 <= n < 10**max_digits and "0" not in str(n):
            return prefix + [op] + list(str(n))
    return None


def _number(rng: np.random.Generator, max_digits: int) -> int:
    digits = int(rng.integers(1, max_digits + 1))
    return int("".join(str(int(rng.integers(1, 10))) for _ in range(digits)))


def self_avoiding_path(rng: np.random.Generator, rows: int, cols: int,
                       length: int) -> list[tuple[int, int]] | None:
    """A random path of `length` distinct, 4-adjacent cells (randomised depth-first search
    with a bounded number of steps)."""
    budget = [4000]

    def extend(path: list[tuple[int, int]]) -> bool:
        if len(path) == length:
            return True
        budget[0] -= 1
        if budget[0] < 0:
            return False
        r, c = path[-1]
        steps = [(r + dr, c + dc) for dr, dc in ((0, 1), (1, 0), (0, -1), (-1, 0))]
        for k in rng.permutation(4):
            nr, nc = steps[k]
            if 0 <= nr < rows and 0 <= nc < cols and (nr, nc) not in path:
                path.append((nr, nc))
                if extend(path):
                    return True
                path.pop()
        return False

    start = [(int(rng.integers(rows)), int(rng.integers(cols)))]
    return start if extend(start) else None


@register
class MathTrail(LongTermTask):
    id = "math_trail"
    primitive = "state tracking"
    description = ("A ball hops over a covered board of digits and operators; the symbols it "
                   "stops on spell an expression. The board is shown only first or last.")
    templates = (
        Template("result", "multiple_choice", 4),
        Template("result_open", "number"),
        Template("expression", "multiple_choice", 4),
        Template("symbol_at_stop", "multiple_choice", 4),
        Template("operator_count", "number"),
    )
    # State tracking: the operations applied in their order (checked by `synrl probe`,
    # reported by `synrl stats`).
    frame_needs = {
        "result": NEEDS_ORDER,
        "result_open": NEEDS_ORDER,
        "expression": NEEDS_ORDER,
        "symbol_at_stop": NEEDS_ORDER,
        "operator_count": NEEDS_ORDER,
    }
    # Hops of the ball (the operations), at difficulty 1 and 5.
    ops_easy, ops_hard = 3, 13

    def answer_values(self, template: Template, difficulty: int) -> Sequence[Any]:
        if template.name == "symbol_at_stop":
            return SYMBOLS
        if template.name in ("result", "result_open"):
            # Planned exactly (the trail is built to land on it), so results are balanced.
            return RESULTS
        if template.name == "operator_count":
            # The shortest trails (difficulty 1) hold one or two operators in all.
            return (0, 1) if difficulty <= 1 else (0, 1, 2) if difficulty <= 3 else (0, 1, 2, 3)
        return ("any",)

    def op_seconds(self, difficulty: int) -> float:
        return lerp(difficulty, 0.9, 0.6)

    def board_size(self, length: int) -> tuple[int, int]:
        side = int(min(8, max(4, np.ceil(np.sqrt(1.7 * length)))))
        return side, side

    def state_record(self, state) -> dict[str, Any]:
        cell, spelled = state
        return {"ball": cell_name(*cell), "spelled": "".join(spelled)}

    def new_story(self, rng, difficulty, n_ops, reveal, plan) -> Story | None:
        digits = 2 if difficulty <= 3 else 3
        if plan.template.name in ("result", "result_open"):
            symbols = expression_for(rng, n_ops + 1, digits, self.planned(plan))
        else:
            symbols = random_expression(rng, n_ops + 1, digits)
        if symbols is None or integer_value(symbols) is None:
            return None
        rows, cols = self.board_size(len(symbols))
        path = self_avoiding_path(rng, rows, cols, len(symbols))
        if path is None:
            return None
        board = [[str(rng.choice(SYMBOLS, p=symbol_weights())) for _ in range(cols)]
                 for _ in range(rows)]
        for (r, c), s in zip(path, symbols):
            board[r][c] = s
        states = [(path[k], tuple(symbols[: k + 1])) for k in range(len(path))]
        ops = [{"op": "hop", "from": cell_name(*path[k]), "to": cell_name(*path[k + 1]),
                "symbol": symbols[k + 1]} for k in range(len(path) - 1)]
        return Story(states, ops, reveal, {"board": board, "path": path, "symbols": symbols})

    # -- mistakes a viewer makes ---------------------------------------------------------

    def misread_symbols(self, story: Story, rng: np.random.Generator) -> list[list[str]]:
        """Symbol sequences after one plausible slip: a stop skipped, a neighbouring cell read
        instead of the ball's, two stops in swapped order, the path read backwards; only
        those that still spell an expression."""
        extra = story.extra
        return self._misreads(extra["symbols"], extra["path"], extra["board"], rng)

    def pivoted_misreads(self, story: Story, rng: np.random.Generator,
                         n_options: int) -> list[list[str]]:
        """Wrong symbol sequences for the options, centred on a pivot: the true sequence one
        time in `n_options`, else one of its same-length misreads, whose own misreads (the
        truth is one slip away from it) follow. Misreads of the truth alone would make the
        truth the option most similar to all the others."""
        truth = list(story.extra["symbols"])
        slips = self.misread_symbols(story, rng)
        if rng.random() < 1.0 / n_options:
            return slips
        same = [s for s in slips if len(s) == len(truth) and s != truth
                and tokens_of(s) is not None]
        if not same:
            return slips
        pivot = same[int(rng.integers(0, len(same)))]
        around = [s for s in self._misreads(pivot, story.extra["path"], story.extra["board"],
                                            rng) if s != truth]
        return [pivot] + around

    @staticmethod
    def _misreads(symbols: list[str], path, board, rng: np.random.Generator
                  ) -> list[list[str]]:
        symbols = list(symbols)
        out: list[list[str]] = [list(reversed(symbols))]
        for k in range(len(symbols)):
            out.append(symbols[:k] + symbols[k + 1 :])
            r, c = path[k]
            for dr, dc in ((0, 1), (1, 0), (0, -1), (-1, 0)):
                nr, nc = r + dr, c + dc
                if 0 <= nr < len(board) and 0 <= nc < len(board[0]) and (nr, nc) not in path:
                    out.append(symbols[:k] + [board[nr][nc]] + symbols[k + 1 :])
        for k in range(len(symbols) - 1):
            out.append(symbols[:k] + [symbols[k + 1], symbols[k]] + symbols[k + 2 :])
        order = rng.permutation(len(out) - 1) + 1
        return [out[0]] + [out[i] for i in order] if rng.random() < 0.5 else \
            [out[i] for i in order] + [out[0]]

    # -- questions ---------------------------------------------------------------------

    @staticmethod
    def preface(story: Story) -> str:
        shown = ("The board is shown at the start and then covered while the ball moves."
                 if story.reveal == "initial" else
                 "The board is covered while the ball moves and is shown only at the end.")
        return ("A ball hops over a board of digits and the operators plus, minus, times and "
                "divide; the cells it stops on, in order from its starting cell, spell an "
                f"arithmetic expression, and consecutive digits form one number. {shown}")

    def ask_result(self, ask: Ask) -> Question | None:
        """Templates result, result_open."""
        name, pre, story, plan, rng = ask.name, ask.pre, ask.story, ask.plan, ask.rng
        symbols = story.extra["symbols"]
        mode = story.mode
        value = integer_value(symbols)
        query = {"kind": "result", "mode": mode}
        text = f"{pre} Following the standard order of operations, what is the result?"
        if name == "result_open":
            return number_question(text, value, query)
        # Results of misread trails centred on a pivot (see pivoted_misreads), kept inside
        # the planned range of results: a wrong value outside 10-99 would give itself away.
        low, high = min(RESULTS), max(RESULTS)
        wrong = [v for v in (integer_value(s) for s in self.pivoted_misreads(
                 story, rng, plan.template.n_options)) if v is not None and low <= v <= high]
        slip = left_to_right(tokens_of(symbols))
        if slip is not None and slip.denominator == 1 and low <= int(slip) <= high:
            wrong.insert(0, int(slip))  # ignoring precedence: the classic slip, always offered
        wrong = list(dict.fromkeys(w for w in wrong if w != value))
        # Too few: results drawn uniformly from the range, as the right one is.
        wrong += [int(v) for v in rng.permutation(np.arange(low, high + 1))]
        return choice_question(plan, rng, text, str(value), [str(w) for w in wrong], query,
                               value)

    ask_result_open = ask_result

    def ask_expression(self, ask: Ask) -> Question | None:
        """Template expression."""
        pre, story, plan, rng = ask.pre, ask.story, ask.plan, ask.rng
        symbols = story.extra["symbols"]
        mode = story.mode
        query = {"kind": "expression", "mode": mode}
        text = f"{pre} Which expression did the ball spell?"
        # Slips that keep the length of the text (the stops and how many are operators): a
        # skipped stop or an operator read as a digit (slips that keep a valid expression
        # mostly lose operators) would make the longest option right too often.
        truth = expression_text(symbols)
        wrong = [t for t in (expression_text(s) for s in self.pivoted_misreads(
                 story, rng, plan.template.n_options) if tokens_of(s) is not None)
                 if len(t) == len(truth)]
        return choice_question(plan, rng, text, truth, wrong, query,
                               "".join(symbols))

    def ask_symbol_at_stop(self, ask: Ask) -> Question | None:
        """Template symbol_at_stop."""
        want, pre, story, plan, rng = ask.want, ask.pre, ask.story, ask.plan, ask.rng
        symbols = story.extra["symbols"]
        stops = [k for k, s in enumerate(symbols) if s == want]
        if not stops:
            return None
        k = int(rng.choice(stops))
        query = {"kind": "symbol_at_stop", "stop": k + 1, "mode": "history"}
        text = (f"{pre} Which symbol was under the ball at its {ordinal(k + 1)} stop "
                "(its starting cell is the 1st stop)?")
        # Symbols next to the true cell and the true neighbours in time come first.
        path, board = story.extra["path"], story.extra["board"]
        r, c = path[k]
        near = [board[r + dr][c + dc] for dr, dc in ((0, 1), (1, 0), (0, -1), (-1, 0))
                if 0 <= r + dr < len(board) and 0 <= c + dc < len(board[0])]
        near += [symbols[j] for j in (k - 1, k + 1) if 0 <= j < len(symbols)]
        rest = [SYMBOLS[i] for i in rng.permutation(len(SYMBOLS))]
        return choice_question(plan, rng, text, symbol_text(want),
                               [symbol_text(s) for s in near + rest], query, want)

    def ask_operator_count(self, ask: Ask) -> Question | None:
        """Template operator_count."""
        want, pre, story, rng = ask.want, ask.pre, ask.story, ask.rng
        symbols = story.extra["symbols"]
        matching = [o for o in OPERATORS if sum(s == o for s in symbols) == want]
        if not matching:
            return None
        operator = str(rng.choice(matching))
        query = {"kind": "operator_count", "operator": operator, "mode": "counting"}
        text = (f"{pre} How many times did the ball stop on a {OPERATOR_NAMES[operator]} "
                "sign?")
        return number_question(text, want, query)

    # -- staging -----------------------------------------------------------------------

    def stage(self, story: Story, schedule: Schedule, video: VideoSpec, difficulty: int,
              rng: np.random.Generator):
        # Drawing lives in draw.py, which imports this module's helpers.
        from synrl.suite.math_trail.draw import TrailAnimation

        board = story.extra["board"]
        geometry = BoardGeometry.centred(video.width, video.height, len(board), len(board[0]))
        animation = TrailAnimation(story, schedule, geometry)
        n = schedule.num_frames
        x, y = np.zeros(n), np.zeros(n)
        shown = np.zeros(n, dtype=bool)
        for i in range(n):
            (x[i], y[i]), shown[i] = animation.ball(i)
        track = stable_track("ball", "circle", BALL_COLOR, animation.radius + HALO, x, y, shown,
                             "target")
        scene = {"board": geometry.to_scene(), "symbols": [list(row) for row in board]}
        return [track], scene, animation


def symbol_weights() -> np.ndarray:
    """Filler cells: digits a little more often than operators, as in the trails."""
    weights = np.array([1.5] * len(DIGITS) + [1.0] * len(OPERATORS))
    return weights / weights.sum()
