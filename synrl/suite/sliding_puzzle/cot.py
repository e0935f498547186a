"""`sliding_puzzle`: keep the board in mind through every slide (or undo the slides from
the final board), then read the answer off the tracked boards."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from synrl.cot.grounded.base import WriterContext, join_words, paragraphs, times
from synrl.cot.grounded.longterm import StateWords, operations, states, step_moment, track_states
from synrl.cot.grounded.registry import register_writer
from synrl.cot.names import board_cells, record_states, register_names


def cell_name(row: int, col: int) -> str:
    """Columns a, b, c... from the left, rows 1, 2, 3... from the top."""
    return f"{chr(ord('a') + col)}{row + 1}"


def _board(state: Mapping[str, Any]) -> dict[str, int]:
    """Cell -> tile number (0: the empty slot)."""
    return {cell_name(r, c): int(tile) for r, row in enumerate(state["rows"])
            for c, tile in enumerate(row)}


def _tile_text(tile: int) -> str:
    return "the empty slot" if tile == 0 else f"tile {tile}"


@register_writer("sliding_puzzle")
def write_sliding_puzzle(ctx: WriterContext) -> str:
    query = ctx.record.get("query") or {}
    kind = query.get("kind")
    ops = operations(ctx)
    snapshots = states(ctx)

    def board(state: Mapping[str, Any]) -> str:
        rows = ["row {}: {}".format(r + 1, ", ".join(str(t) if t else "empty" for t in row))
                for r, row in enumerate(state["rows"])]
        return "; ".join(rows)

    def seen(op: Mapping[str, Any]) -> str:
        # While tiles move their numbers are hidden: only the cells are visible.
        return f"the blank tile on {op['from']} slides into the empty slot {op['to']}"

    def effect(op: Mapping[str, Any], before: Mapping[str, Any], after: Mapping[str, Any]) -> str:
        tile = _board(before)[op["from"]]
        return f"{_tile_text(tile)} slides from {op['from']} into the empty slot {op['to']}"

    def undo(op: Mapping[str, Any], before: Mapping[str, Any], after: Mapping[str, Any]) -> str:
        tile = _board(after)[op["to"]]
        return f"{_tile_text(tile)} goes back from {op['to']} to {op['from']}"

    words = StateWords(state=board, seen=seen, effect=effect, undo=undo, thing="the board",
                       noun="slide")
    plan = ctx.pick(
        "Only one board is ever shown with its numbers, so I keep a map of which tile is in "
        "which cell and update it after every slide.",
        "I write the board down as rows and move one tile at a time, exactly as the slides "
        "happen.",
        "Each slide moves the tile next to the empty slot into it; I follow the empty slot and "
        "the tile that fills it, slide by slide.",
    )
    tracking = track_states(ctx, words)

    if kind == "tile_cell":
        tile, step = int(query["tile"]), int(query["step"])
        cell = next(c for c, t in _board(snapshots[step]).items() if t == tile)
        finding = f"{step_moment(ctx, step, 'slide').capitalize()}, tile {tile} is in {cell}."
    elif kind == "tile_at":
        cell, step = str(query["cell"]), int(query["step"])
        tile = _board(snapshots[step])[cell]
        finding = (f"{step_moment(ctx, step, 'slide').capitalize()}, cell {cell} holds "
                   f"{_tile_text(tile)}.")
    elif kind == "moved_tile":
        step = int(query["step"])
        op = ops[step - 1]
        tile = _board(snapshots[step - 1])[op["from"]]
        finding = (f"Slide {step}, at {ctx.at(op['start_ms'])}, moved the tile on {op['from']}: "
                   f"that is tile {tile}.")
    elif kind == "times_moved":
        tile = int(query["tile"])
        moving = [op for k, op in enumerate(ops) if _board(snapshots[k])[op["from"]] == tile]
        if moving:
            listed = join_words([f"at {ctx.at(op['start_ms'])} ({op['from']} to {op['to']})"
                                 for op in moving])
            finding = f"Tile {tile} slides {listed}: {times(len(moving))}."
        else:
            finding = f"No slide moves tile {tile}: it slides 0 times."
    else:  # "row": the tiles of one row, left to right
        row, step = int(query["row"]), int(query["step"])
        tiles = snapshots[step]["rows"][row - 1]
        finding = (f"{step_moment(ctx, step, 'slide').capitalize()}, row {row} reads, from left "
                   f"to right, {', '.join(str(t) for t in tiles)} (0 is the empty slot).")
    return paragraphs(plan, tracking, ctx.conclude(finding))


@register_names("sliding_puzzle")
def tile_names(record) -> dict[str, set[str]]:
    """The board's cells and the numbered tiles."""
    tiles = {str(t) for state in record_states(record) for row in state["rows"] for t in row if t}
    return {"cell": board_cells(record), "tile": tiles}
