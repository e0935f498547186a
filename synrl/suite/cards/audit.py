"""`cards`: replay the pile from the recorded first pile with a simulator of this module's
own, compare every recorded pile, and answer the query from the replayed piles ("when"
questions: time the operations named like the asked one, named from the replayed piles)."""

from __future__ import annotations

from typing import Any

from synrl.audit import register_auditor
from synrl.audit.observe import Observation
from synrl.audit.common import unknown_query
from synrl.audit.replay import operations, replay
from synrl.audit.when import operation_moments, register_when_auditor


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


def replay_piles(record: dict[str, Any]) -> tuple[list[tuple[str, ...]], dict | None]:
    return replay(record, tuple(record["states"][0]["pile"]), step, lambda s: tuple(s["pile"]))


@register_auditor("cards")
def audit_cards(record: dict[str, Any], observations: list[Observation]) -> Any:
    piles, mismatch = replay_piles(record)
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


def operation_name(before: tuple[str, ...], after: tuple[str, ...], op: dict[str, Any]) -> tuple:
    """What a viewer of the face-down pile sees of one operation, read off the replayed piles:
    its kind and the positions (1 = top) it touches."""
    kind = op["type"]
    if kind == "draw":
        (card,) = set(before) - set(after)
        index = before.index(card)
        return kind, "top" if index == 0 else "bottom" if index == len(before) - 1 else index + 1
    if kind == "insert":
        (card,) = set(after) - set(before)
        return kind, after.index(card) + 1
    if kind == "move":
        (card,) = picked_up(before, after, op)
        return kind, before.index(card) + 1, after.index(card) + 1
    return (kind, *(k + 1 for k, (a, b) in enumerate(zip(before, after)) if a != b))


def asked_name(event: dict[str, Any]) -> tuple:
    """The same name from the words of the question (the asked event's params)."""
    kind = event["type"]
    if kind == "draw":
        return kind, event["end"]
    if kind == "insert":
        return kind, event["position"]
    if kind == "move":
        return kind, event["from_position"], event["to_position"]
    return (kind, *sorted(event["positions"]))


@register_when_auditor("cards", source="replay")
def when_cards(record: dict[str, Any], observations: list[Observation]) -> Any:
    piles, mismatch = replay_piles(record)
    return mismatch or operation_moments(record, piles, operation_name, asked_name)
