"""`sliding_puzzle`: check every slide against the sliding tile's measured position in the
pixels, read the numbers of the visible board from the pixels (template matching against
digits rendered here) when the frames are available, replay the slides from the recorded
first board with a simulator of this module's own, compare every recorded board, and answer
the query from the replay ("when" questions: time the slides between the asked cells, read
off the replayed boards)."""

from __future__ import annotations

import string
from functools import lru_cache
from typing import Any, Mapping, Sequence

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from synrl.audit import AuditError, register_auditor
from synrl.audit.observe import Observation
from synrl.audit.common import unknown_query
from synrl.audit.replay import operations, replay
from synrl.audit.when import operation_moments, register_when_auditor
from synrl.render.boards import FONT_PATH

# A cell whose inner square is darker than this (mean luma) shows the board: the empty slot.
EMPTY_LUMA = 180.0
INK_LUMA = 120.0


def cell_of(record: dict[str, Any], x: float, y: float) -> str | None:
    board = record["scene"]["board"]
    if np.isnan(x):
        return None
    col = int((x - board["x0"]) // board["cell"])
    row = int((y - board["y0"]) // board["cell"])
    return f"{string.ascii_lowercase[col]}{row + 1}"


@lru_cache(maxsize=64)
def template(label: str, size: int, font_size: int) -> np.ndarray:
    """Ink mask of `label` centred in a size x size cell, drawn with the shipped font."""
    image = Image.new("L", (size, size), 0)
    ImageDraw.Draw(image).text((size / 2, size / 2), label, fill=255, anchor="mm",
                               font=ImageFont.truetype(str(FONT_PATH), font_size))
    return np.asarray(image, dtype=np.float32) / 255.0


def read_board(frame: np.ndarray, record: dict[str, Any]) -> list[list[int]]:
    """Tile numbers of a frame showing the numbered board, row by row (0: the empty slot)."""
    board = record["scene"]["board"]
    size, font_size = board["cell"], record["scene"]["font_size"]
    count = board["rows"] * board["cols"]
    labels = [str(n) for n in range(1, count)]
    rows = []
    for r in range(board["rows"]):
        row = []
        for c in range(board["cols"]):
            x0, y0 = board["x0"] + c * size, board["y0"] + r * size
            crop = frame[y0 : y0 + size, x0 : x0 + size].astype(np.float32)
            luma = crop @ np.array([0.299, 0.587, 0.114], dtype=np.float32)
            inner = luma[size // 4 : -size // 4, size // 4 : -size // 4]
            if np.mean(luma[size // 8 : size // 5, size // 8 : -size // 8]) < EMPTY_LUMA:
                row.append(0)
                continue
            ink = np.clip((200.0 - luma) / (200.0 - INK_LUMA + 1e-6), 0.0, 1.0)
            margin = size // 8  # the tile's edge and the board around it
            ink[:margin], ink[-margin:], ink[:, :margin], ink[:, -margin:] = 0, 0, 0, 0
            if inner.min() > INK_LUMA:
                raise AuditError(f"no number in cell {string.ascii_lowercase[c]}{r + 1}")
            scores = []
            for label in labels:
                t = template(label, size, font_size)
                scores.append(float((ink * t).sum() / np.sqrt((ink * ink).sum() * (t * t).sum())))
            row.append(int(labels[int(np.argmax(scores))]))
        rows.append(row)
    return rows


def step(rows: tuple[tuple[int, ...], ...], op: dict[str, Any]) -> tuple[tuple[int, ...], ...]:
    (fr, fc), (tr, tc) = ((int(n[1:]) - 1, string.ascii_lowercase.index(n[0]))
                          for n in (op["from"], op["to"]))
    if abs(fr - tr) + abs(fc - tc) != 1 or rows[tr][tc] != 0 or rows[fr][fc] == 0:
        raise ValueError(f"cannot slide {op['from']} -> {op['to']}")
    grid = [list(row) for row in rows]
    grid[tr][tc], grid[fr][fc] = grid[fr][fc], 0
    return tuple(tuple(row) for row in grid)


def visible_frame(record: dict[str, Any]) -> int:
    """The frame whose numbers are read: the middle of the visible reveal."""
    reveal = next(e for e in record["timeline"] if e["type"].endswith("_reveal") and e["visible"])
    return (reveal["start_frame"] + reveal["end_frame"]) // 2


def slides_against_pixels(record: dict[str, Any], observations: list[Observation]
                          ) -> dict | None:
    """The first slide whose cells the sliding tile's measured position contradicts (at the
    slide's first and last frame), or None."""
    tile = observations[0]
    for op in operations(record):
        seen = (cell_of(record, tile.x[op["start_frame"]], tile.y[op["start_frame"]]),
                cell_of(record, tile.x[op["end_frame"]], tile.y[op["end_frame"]]))
        if seen != (op["from"], op["to"]):
            return {"pixel_mismatch": {"step": op["step"], "pixels": seen,
                                       "record": (op["from"], op["to"])}}
    return None


def replay_boards(record: dict[str, Any]) -> tuple[list[tuple[tuple[int, ...], ...]], dict | None]:
    return replay(record, tuple(map(tuple, record["states"][0]["rows"])), step,
                  lambda s: tuple(map(tuple, s["rows"])))


@register_auditor("sliding_puzzle")
def audit_sliding_puzzle(record: dict[str, Any], observations: list[Observation],
                         frames: Mapping[int, np.ndarray] | Sequence[np.ndarray] | None = None
                         ) -> Any:
    """`frames` (decoded frames by index, at least `frames_wanted(record)`) enables the
    reading of the numbers; without them the moves are still checked against the pixels."""
    mismatch = slides_against_pixels(record, observations)
    if mismatch:
        return mismatch
    if frames is not None:
        shown = read_board(frames[visible_frame(record)], record)
        visible = record["states"][0 if record["scene"]["reveal"] == "initial" else -1]
        if shown != visible["rows"]:
            return {"pixel_mismatch": {"pixels": shown, "record": visible["rows"]}}
    states, mismatch = replay_boards(record)
    if mismatch:
        return mismatch

    def where(rows: tuple[tuple[int, ...], ...], tile_number: int) -> str:
        r = next(i for i, row in enumerate(rows) if tile_number in row)
        return f"{string.ascii_lowercase[rows[r].index(tile_number)]}{r + 1}"

    def at(rows: tuple[tuple[int, ...], ...], name: str) -> int:
        return rows[int(name[1:]) - 1][string.ascii_lowercase.index(name[0])]

    query = record["query"]
    kind = query["kind"]
    ops = operations(record)
    if kind == "tile_cell":
        return where(states[query["step"]], query["tile"])
    if kind == "tile_at":
        return at(states[query["step"]], query["cell"])
    if kind == "moved_tile":
        return at(states[query["step"] - 1], ops[query["step"] - 1]["from"])
    if kind == "times_moved":
        return sum(at(before, op["from"]) == query["tile"] for before, op in zip(states, ops))
    if kind == "row":
        return [str(t) for t in states[query["step"]][query["row"] - 1]]
    raise unknown_query(record)


# Frames this auditor reads beyond the observations (a caller that keeps them passes them as
# `frames`, a mapping from frame index to the decoded frame).
audit_sliding_puzzle.frames_wanted = (  # type: ignore[attr-defined]
    lambda record: [visible_frame(record)])


def slid_cells(before: tuple[tuple[int, ...], ...], after: tuple[tuple[int, ...], ...],
               op: dict[str, Any]) -> tuple:
    """("slide", the cell a tile left, the cell it entered), read off the replayed boards:
    the cell that empties and the one the empty slot leaves."""
    def empty(rows: tuple[tuple[int, ...], ...]) -> str:
        r = next(i for i, row in enumerate(rows) if 0 in row)
        return f"{string.ascii_lowercase[rows[r].index(0)]}{r + 1}"
    return "slide", empty(after), empty(before)


@register_when_auditor("sliding_puzzle", source="replay")
def when_sliding_puzzle(record: dict[str, Any], observations: list[Observation]) -> Any:
    mismatch = slides_against_pixels(record, observations)
    if mismatch:
        return mismatch
    states, mismatch = replay_boards(record)
    return mismatch or operation_moments(record, states, slid_cells,
                                         lambda event: ("slide", event["from"], event["to"]))
