"""`chips`: carry every cup's chips through each add, remove and move (or undo them from the
final cups), then read the answer off the tracked cups."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from synrl.cot.grounded.base import WriterContext, join_words, paragraphs, plural, times
from synrl.cot.grounded.longterm import StateWords, operations, states, step_moment, track_states
from synrl.cot.grounded.registry import register_writer
from synrl.cot.names import register_names, record_states
from synrl.suite.chips.task import chips_text


def _cups(state: Mapping[str, Any]) -> dict[str, list[int]]:
    return {str(cup): [int(v) for v in chips] for cup, chips in sorted(state["cups"].items())}


def _cup_words(cup: str, chips: list[int]) -> str:
    return f"Cup {cup} has {chips_text(chips)}"


def _state_words(state: Mapping[str, Any]) -> str:
    return "; ".join(_cup_words(cup, chips) for cup, chips in _cups(state).items())


def _seen(op: Mapping[str, Any]) -> str:
    kind, value = op["type"], op["value"]
    if kind == "add":
        return f"a new {value} chip is put into Cup {op['cup']}"
    if kind == "remove":
        return f"a {value} chip is taken out of Cup {op['cup']} and set aside"
    return f"a {value} chip is moved from Cup {op['from_cup']} to Cup {op['to_cup']}"


def _effect(op: Mapping[str, Any], before: Mapping[str, Any], after: Mapping[str, Any]) -> str:
    return _seen(op)


def _undo(op: Mapping[str, Any], before: Mapping[str, Any], after: Mapping[str, Any]) -> str:
    kind, value = op["type"], op["value"]
    if kind == "add":
        return f"the {value} chip comes back out of Cup {op['cup']}"
    if kind == "remove":
        return f"the {value} chip goes back into Cup {op['cup']}"
    return f"the {value} chip goes back from Cup {op['to_cup']} to Cup {op['from_cup']}"


WORDS = StateWords(state=_state_words, seen=_seen, effect=_effect, undo=_undo, thing="the cups", plural=True)


@register_writer("chips")
def write_chips(ctx: WriterContext) -> str:
    query = ctx.record.get("query") or {}
    kind = query.get("kind")
    ops = operations(ctx)
    snapshots = states(ctx)
    plan = ctx.pick(
        "I keep a running list of the chips in every cup and update it after each operation.",
        "The cups are covered most of the time, so I track each cup's chips through every add, remove and move.",
        "I'll follow every chip that goes in, comes out or changes cup, keeping each cup's contents in mind.",
    )
    tracking = track_states(ctx, WORDS)
    cup = str(query.get("cup", ""))
    if kind in ("cup_contents", "cup_total"):
        step = int(query["step"])
        chips = _cups(snapshots[step])[cup]
        finding = f"So {step_moment(ctx, step)} {_cup_words(cup, chips)}"
        finding += (f", worth {' + '.join(str(v) for v in chips)} = {sum(chips)} in total." if kind == "cup_total" and chips
                    else " (total 0)." if kind == "cup_total" else ".")
    elif kind == "richest_cup":
        step = int(query["step"])
        totals = {c: sum(v) for c, v in _cups(snapshots[step]).items()}
        best = max(totals, key=totals.get)
        listed = join_words([f"Cup {c} {t}" for c, t in totals.items()])
        finding = f"Totals {step_moment(ctx, step)}: {listed}. Cup {best} holds the most."
    elif kind == "chip_count":
        step = int(query["step"])
        chips = _cups(snapshots[step])[cup]
        finding = f"{step_moment(ctx, step).capitalize()}, {_cup_words(cup, chips)}: {plural(len(chips), 'chip')}."
    elif kind == "ever_empty":
        empty = [k for k, s in enumerate(snapshots) if not _cups(s)[cup]]
        if empty:
            finding = f"Cup {cup} is empty {join_words([step_moment(ctx, k) for k in empty])}, so yes, it was empty at some point."
        else:
            finding = f"Cup {cup} always has at least one chip, at the start and after every operation: it was never empty."
    else:
        taken = [op for op in ops if (op["type"] == "remove" and op.get("cup") == cup) or op.get("from_cup") == cup]
        if taken:
            listed = join_words([f"at {ctx.at(op['start_ms'])} ({op['type']})" for op in taken])
            finding = f"Chips left Cup {cup} {listed}: {times(len(taken))}."
        else:
            finding = f"No chip was ever removed from Cup {cup} or moved out of it: 0 times."
    return paragraphs(plan, tracking, ctx.conclude(finding))


@register_names("chips")
def cup_names(record) -> dict[str, set[str]]:
    """Every cup on the table."""
    return {"cup": {cup for state in record_states(record) for cup in state["cups"]}}
