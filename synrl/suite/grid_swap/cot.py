"""`grid_swap`: carry every object's cell through each cup swap (or undo the swaps from the
final grid), then read the answer off the tracked grids."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from synrl.cot.grounded.base import WriterContext, join_words, paragraphs, plural, times
from synrl.cot.grounded.longterm import StateWords, operations, states, step_moment, track_states
from synrl.cot.grounded.registry import register_writer
from synrl.cot.names import board_cells, register_names


def _cells(state: Mapping[str, Any]) -> dict[str, str]:
    """Cell -> object id, for the occupied cells."""
    return {str(cell): str(obj) for cell, obj in state["cells"].items()}


def _cell_of(state: Mapping[str, Any], obj: str) -> str | None:
    return next((cell for cell, o in _cells(state).items() if o == obj), None)


def _moves(first: str, a: str, b: str, second: str) -> str:
    """What a swap of the cups on ``a`` and ``b`` carries: ``first`` from a, ``second`` from b."""
    if first == "nothing":
        return f"{second} goes from {b} to {a}, and the empty cup from {a} to {b}"
    if second == "nothing":
        return f"{first} goes from {a} to {b}, and the empty cup from {b} to {a}"
    return f"{first} goes from {a} to {b} and {second} from {b} to {a}"


@register_writer("grid_swap")
def write_grid_swap(ctx: WriterContext) -> str:
    query = ctx.record.get("query") or {}
    kind = query.get("kind")
    ops = operations(ctx)
    snapshots = states(ctx)

    def content(state: Mapping[str, Any], cell: str) -> str:
        obj = _cells(state).get(cell)
        return f"the {ctx.name(obj)}" if obj else "nothing"

    def grid(state: Mapping[str, Any]) -> str:
        placed = sorted(_cells(state).items(), key=lambda item: (item[0][1:], item[0][0]))
        parts = [f"the {ctx.name(obj)} in {cell}" for cell, obj in placed]
        parts[0] = parts[0].replace(" in ", " is in ", 1)
        return join_words(parts)

    def seen(op: Mapping[str, Any]) -> str:
        a, b = op["cells"]
        return f"the cups on {a} and {b} swap places"

    def effect(op: Mapping[str, Any], before: Mapping[str, Any], after: Mapping[str, Any]) -> str:
        a, b = op["cells"]
        return f"the cups on {a} and {b} swap: {_moves(content(before, a), a, b, content(before, b))}"

    def undo(op: Mapping[str, Any], before: Mapping[str, Any], after: Mapping[str, Any]) -> str:
        a, b = op["cells"]
        return "back, " + _moves(content(after, b), b, a, content(after, a))

    words = StateWords(state=grid, seen=seen, effect=effect, undo=undo, thing="the grid", noun="swap")
    plan = ctx.pick(
        "Every cell gets an identical cup, so I follow which object is under which cup through every swap.",
        "I keep a map of which object sits in which cell and update it after each swap of cups.",
        "Empty cells are covered too, so I track the cells, not just the cups with objects, swap by swap.",
    )
    tracking = track_states(ctx, words)

    if kind == "displaced_count":
        first, last = snapshots[0], snapshots[-1]
        lines, moved = [], 0
        for obj in ctx.names:
            a, b = _cell_of(first, obj), _cell_of(last, obj)
            moved += a != b
            lines.append(f"the {ctx.name(obj)} {a} to {b}" if a != b else f"the {ctx.name(obj)} stays in {a}")
        finding = f"Start versus end: {join_words(lines)}. That is {plural(moved, 'object')} in a different cell."
    elif kind == "object_cell":
        obj, step = str(query["object"]), int(query["step"])
        finding = f"{step_moment(ctx, step, 'swap').capitalize()}, the {ctx.name(obj)} is in {_cell_of(snapshots[step], obj)}."
    elif kind == "cell_content":
        cell, step = str(query["cell"]), int(query["step"])
        found = content(snapshots[step], cell)
        finding = (f"{step_moment(ctx, step, 'swap').capitalize()}, cell {cell} holds {found}"
                   + (" (it is empty)." if found == "nothing" else "."))
    else:
        obj = str(query["object"])
        moving = [op for k, op in enumerate(ops) if _cell_of(snapshots[k], obj) in op["cells"]]
        if moving:
            listed = join_words([f"at {ctx.at(op['start_ms'])} ({' and '.join(op['cells'])})" for op in moving])
            finding = f"The {ctx.name(obj)} was under a swapped cup {listed}: {times(len(moving))}."
        else:
            finding = f"No swap ever involved the {ctx.name(obj)}'s cup: 0 swaps moved it."
    return paragraphs(plan, tracking, ctx.conclude(finding))


@register_names("grid_swap")
def cell_names(record) -> dict[str, set[str]]:
    """The board's cells."""
    return {"cell": board_cells(record)}
