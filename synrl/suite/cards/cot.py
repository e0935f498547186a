"""`cards`: carry the pile through every draw, insert, move and swap (or undo them from the
final pile), then read the answer off the tracked piles."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from synrl.cot.grounded.base import WriterContext, join_words, paragraphs, plural, times
from synrl.cot.grounded.longterm import StateWords, operations, states, step_moment, track_states
from synrl.cot.grounded.registry import register_writer
from synrl.cot.names import register_names, record_operations, record_states
from synrl.suite.cards.task import card_name as card

def _pile(state: Mapping[str, Any]) -> list[str]:
    return list(state["pile"])


def _pile_words(state: Mapping[str, Any]) -> str:
    pile = _pile(state)
    if not pile:
        return "the pile is empty"
    return "the cards, top to bottom, are " + ", ".join(card(c) for c in pile)


def _handled(op: Mapping[str, Any], before: list[str]) -> list[str]:
    """Cards the operation picks up."""
    kind = op["type"]
    if kind in ("draw", "insert"):
        return [op["card"]]
    if kind == "move":
        return [before[op["from_position"] - 1]]
    i, j = op["positions"]
    return [before[i - 1], before[j - 1]]


def _seen(op: Mapping[str, Any]) -> str:
    kind = op["type"]
    if kind == "draw":
        return f"the {op['end']} card is drawn and turns face up as it leaves: the {card(op['card'])}"
    if kind == "insert":
        return f"a new card, the {card(op['card'])}, is shown and slid into position {op['position']}"
    if kind == "move":
        return f"the face-down card at position {op['from_position']} is moved to position {op['to_position']}"
    i, j = op["positions"]
    return f"the face-down cards at positions {i} and {j} swap places"


def _effect(op: Mapping[str, Any], before: Mapping[str, Any], after: Mapping[str, Any]) -> str:
    kind, pile = op["type"], _pile(before)
    if kind == "draw":
        return f"the {card(op['card'])} is drawn from the {op['end']}"
    if kind == "insert":
        return f"the {card(op['card'])} is inserted at position {op['position']}"
    if kind == "move":
        i, j = op["from_position"], op["to_position"]
        return f"the {card(pile[i - 1])} is moved from position {i} to position {j}"
    i, j = op["positions"]
    return f"the {card(pile[i - 1])} (position {i}) and the {card(pile[j - 1])} (position {j}) swap places"


def _undo(op: Mapping[str, Any], before: Mapping[str, Any], after: Mapping[str, Any]) -> str:
    kind = op["type"]
    if kind == "draw":
        return f"the {card(op['card'])} goes back on the {op['end']}"
    if kind == "insert":
        return f"the {card(op['card'])} comes out of position {op['position']}"
    if kind == "move":
        i, j = op["from_position"], op["to_position"]
        return f"the {card(_pile(after)[j - 1])} goes back from position {j} to {i}"
    i, j = op["positions"]
    return f"positions {i} and {j} swap back"


WORDS = StateWords(state=_pile_words, seen=_seen, effect=_effect, undo=_undo, thing="the pile")


@register_writer("cards")
def write_cards(ctx: WriterContext) -> str:
    query = ctx.record.get("query") or {}
    kind = query.get("kind")
    ops = operations(ctx)
    snapshots = states(ctx)
    plan = ctx.pick(
        "I keep track of the whole pile, card by card, through every operation.",
        "This is about the order of the pile, so I follow each draw, insert, move and swap in turn.",
        "I'll track the pile from the state I can see, one operation at a time.",
    )
    tracking = track_states(ctx, WORDS)

    if kind == "pile":
        step = int(query["step"])
        finding = f"So {step_moment(ctx, step)} {_pile_words(snapshots[step])}."
    elif kind == "position":
        step, code = int(query["step"]), str(query["card"])
        pile = _pile(snapshots[step])
        finding = (f"{step_moment(ctx, step).capitalize()}, {_pile_words(snapshots[step])}; "
                   f"counting from the top, the {card(code)} is card number {pile.index(code) + 1}.")
    elif kind == "ever_top":
        code = str(query["card"])
        on_top = [k for k, s in enumerate(snapshots) if _pile(s)[:1] == [code]]
        if on_top:
            finding = (f"Looking back over the piles, the {card(code)} is on top "
                       f"{join_words([step_moment(ctx, k) for k in on_top])}: yes, it was the top card.")
        else:
            finding = (f"Going through every pile I tracked, the {card(code)} is never the top card, "
                       f"not at the start, not after any operation.")
    else:
        code = str(query["card"])
        picked = [op for k, op in enumerate(ops) if code in _handled(op, _pile(snapshots[k]))]
        if picked:
            listed = join_words([f"the {op['type']} at {ctx.at(op['start_ms'])}" for op in picked])
            finding = (f"The {card(code)} was picked up by {listed}: "
                       f"{plural(len(picked), 'operation')}, so it was handled {times(len(picked))}.")
        else:
            finding = f"No operation picked up the {card(code)}: 0 operations."
    return paragraphs(plan, tracking, ctx.conclude(finding))


@register_names("cards")
def card_names(record) -> dict[str, set[str]]:
    """Every card dealt or moved."""
    cards = {c for state in record_states(record) for c in state["pile"]}
    cards |= {op["card"] for op in record_operations(record) if "card" in op}
    return {"card": cards}
