"""`cards`: replay the pile from the recorded first pile with a simulator of this module's
own, compare every recorded pile, and answer the query from the replayed piles."""

from __future__ import annotations

from typing import Any

from synrl.audit import register_auditor
from synrl.audit.observe import Observation
from synrl.audit.common import unknown_query
from synrl.audit.replay import operations, replay


def step(pile: tuple[str, ...], op: dict[str, Any]) -> tuple[str, ...]:
    """One operation on a pile listed top first; positions count from 1 at the top."""
    kind = op["type"]
    if kind == "draw":
        index = 0 if op["end"] == "top" else len(pile) - 1
        if pile[index] != op["card"]:
            raise ValueError(f"draws {op['card']} but {pile[index]} is at the {op['end']}")
        return pile[:index] + pile[index + 1 :]
    if kind == "insert":
        p = op["position"] - 1
        if op["card"] in pile or not 0 <= p <= len(pile):
            raise ValueError(f"cannot insert {op['card']} at {op['position']}")
        return pile[:p] + (op["card"],) + pile[p:]
    if kind == "move":
        card = pile[op["from_position"] - 1]
        rest = tuple(c for c in pile if c != card)
        to = op["to_position"] - 1
        return rest[:to] + (card,) + rest[to:]
    if kind == "swap":
        i, j = (p - 1 for p in op["positions"])
        return tuple(pile[j] if k == i else pile[i] if k == j else c for k, c in enumerate(pile))
    raise ValueError(f"unknown operation {kind!r}")


def picked_up(before: tuple[str, ...], after: tuple[str, ...], op: dict[str, Any]) -> set[str]:
    kind = op["type"]
    if kind == "draw":
        return set(before) - set(after)
    if kind == "insert":
        return set(after) - set(before)
    if kind == "move":
        return {before[op["from_position"] - 1]}
    return {before[p - 1] for p in op["positions"]}


@register_auditor("cards")
def audit_cards(record: dict[str, Any], observations: list[Observation]) -> Any:
    piles, mismatch = replay(record, tuple(record["states"][0]["pile"]), step,
                             lambda s: tuple(s["pile"]))
    if mismatch:
        return mismatch
    query = record["query"]
    kind = query["kind"]
    if kind == "pile":
        return list(piles[query["step"]])
    if kind == "position":
        return piles[query["step"]].index(query["card"]) + 1
    if kind == "ever_top":
        return "yes" if any(p and p[0] == query["card"] for p in piles) else "no"
    if kind == "times_handled":
        ops = operations(record)
        return sum(query["card"] in picked_up(piles[k], piles[k + 1], op)
                   for k, op in enumerate(ops))
    raise unknown_query(record)
