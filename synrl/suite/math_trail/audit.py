"""`math_trail`: follow the ball's hops on the recorded board (checking each hop against the
ball's measured position in the pixels), compare every recorded state, and evaluate the
spelled expression with a recursive-descent parser of this module's own (exact fractions);
"when" questions: time the hops between the asked cells, read off the replayed positions."""

from __future__ import annotations

import string
from fractions import Fraction
from typing import Any

import numpy as np

from synrl.audit import AuditError, register_auditor
from synrl.audit.observe import Observation
from synrl.audit.common import unknown_query
from synrl.audit.replay import operations, replay
from synrl.audit.when import operation_moments, register_when_auditor


def cell(name: str) -> tuple[int, int]:
    return int(name[1:]) - 1, string.ascii_lowercase.index(name[0])


class Parser:
    """expression := term (("+" | "-") term)* ; term := number (("*" | "/") number)*"""

    def __init__(self, text: str):
        self.text, self.pos = text, 0

    def number(self) -> Fraction:
        start = self.pos
        while self.pos < len(self.text) and self.text[self.pos].isdigit():
            self.pos += 1
        if start == self.pos:
            raise ValueError(f"number expected at {start} in {self.text!r}")
        return Fraction(int(self.text[start : self.pos]))

    def term(self) -> Fraction:
        value = self.number()
        while self.pos < len(self.text) and self.text[self.pos] in "*/":
            op = self.text[self.pos]
            self.pos += 1
            right = self.number()
            value = value * right if op == "*" else value / right
        return value

    def expression(self) -> Fraction:
        value = self.term()
        while self.pos < len(self.text) and self.text[self.pos] in "+-":
            op = self.text[self.pos]
            self.pos += 1
            right = self.term()
            value = value + right if op == "+" else value - right
        if self.pos != len(self.text):
            raise ValueError(f"unexpected {self.text[self.pos]!r} in {self.text!r}")
        return value


def ball_cell(record: dict[str, Any], obs: Observation, frame: int) -> str | None:
    """The board cell under the ball's measured centre in `frame`."""
    board = record["scene"]["board"]
    x, y = obs.x[frame], obs.y[frame]
    if np.isnan(x):
        return None
    col = int((x - board["x0"]) // board["cell"])
    row = int((y - board["y0"]) // board["cell"])
    return f"{string.ascii_lowercase[col]}{row + 1}"


def checked_states(record: dict[str, Any], observations: list[Observation]
                   ) -> tuple[list[tuple[str, str]], dict | None]:
    """The replayed (ball cell, spelled text) states, and the first disagreement with the
    record (a hop the ball's measured position contradicts, then every recorded state)."""
    symbols = record["scene"]["symbols"]
    ball = next((o for t, o in zip(record["tracks"], observations) if t["id"] == "ball"), None)
    if ball is None:
        raise AuditError("no ball track")
    for op in operations(record):
        seen = (ball_cell(record, ball, op["start_frame"]),
                ball_cell(record, ball, op["end_frame"]))
        if seen != (op["from"], op["to"]):
            return [], {"pixel_mismatch": {"step": op["step"], "pixels": seen,
                                           "record": (op["from"], op["to"])}}

    def step(state: tuple[str, str], op: dict[str, Any]) -> tuple[str, str]:
        (r0, c0), (r1, c1) = cell(op["from"]), cell(op["to"])
        if op["from"] != state[0] or abs(r0 - r1) + abs(c0 - c1) != 1:
            raise ValueError(f"hop {op['from']} -> {op['to']} from {state[0]}")
        return op["to"], state[1] + symbols[r1][c1]

    first = record["states"][0]["ball"]
    r, c = cell(first)
    return replay(record, (first, symbols[r][c]), step, lambda s: (s["ball"], s["spelled"]))


@register_auditor("math_trail")
def audit_math_trail(record: dict[str, Any], observations: list[Observation]) -> Any:
    states, mismatch = checked_states(record, observations)
    if mismatch:
        return mismatch
    spelled = states[-1][1]
    query = record["query"]
    kind = query["kind"]
    if kind == "result":
        value = Parser(spelled).expression()
        return int(value) if value.denominator == 1 else float(value)
    if kind == "expression":
        return spelled
    if kind == "symbol_at_stop":
        return spelled[query["stop"] - 1]
    if kind == "operator_count":
        return spelled.count(query["operator"])
    raise unknown_query(record)


@register_when_auditor("math_trail", source="replay")
def when_math_trail(record: dict[str, Any], observations: list[Observation]) -> Any:
    states, mismatch = checked_states(record, observations)
    return mismatch or operation_moments(
        record, states, lambda before, after, op: ("hop", before[0], after[0]),
        lambda event: ("hop", event["from"], event["to"]))
