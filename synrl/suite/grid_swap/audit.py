"""`grid_swap`: read the visible arrangement from the pixels (each object's measured centre
during the visible reveal gives its cell), check it against the recorded visible state,
replay the swaps from the recorded first arrangement with a simulator of this module's own,
compare every recorded state, and answer the query from the replay ("when" questions: time
the swaps of the asked pair of cells, read off the replayed arrangements)."""

from __future__ import annotations

import string
from typing import Any

import numpy as np

from synrl.audit import AuditError, register_auditor
from synrl.audit.observe import Observation
from synrl.audit.common import unknown_query
from synrl.audit.replay import operations, replay
from synrl.audit.when import operation_moments, register_when_auditor


def observed_cells(record: dict[str, Any], observations: list[Observation]) -> dict[str, str]:
    """Cell -> object id as the pixels show them in the middle of the visible reveal."""
    reveal = next(e for e in record["timeline"] if e["type"].endswith("_reveal") and e["visible"])
    frame = (reveal["start_frame"] + reveal["end_frame"]) // 2
    board = record["scene"]["board"]
    seen: dict[str, str] = {}
    for track, obs in zip(record["tracks"], observations):
        if track["role"] != "object":
            continue  # the knobs of the moving cups
        x, y = obs.x[frame], obs.y[frame]
        if np.isnan(x):
            raise AuditError(f"{track['id']} not seen during the visible reveal")
        col = int((x - board["x0"]) // board["cell"])
        row = int((y - board["y0"]) // board["cell"])
        if not (0 <= col < board["cols"] and 0 <= row < board["rows"]):
            raise AuditError(f"{track['id']} seen off the board at ({x:.1f}, {y:.1f})")
        cell = f"{string.ascii_lowercase[col]}{row + 1}"
        if cell in seen:
            raise AuditError(f"two objects seen in {cell}")
        seen[cell] = track["id"]
    return seen


def step(cells: dict[str, str], op: dict[str, Any]) -> dict[str, str]:
    a, b = op["cells"]
    out = {cell: obj for cell, obj in cells.items() if cell not in (a, b)}
    if a in cells:
        out[b] = cells[a]
    if b in cells:
        out[a] = cells[b]
    return out


def checked_states(record: dict[str, Any], observations: list[Observation]
                   ) -> tuple[list[dict[str, str]], dict | None]:
    """The replayed arrangements, and the first disagreement with the record (the visible
    arrangement in the pixels, then every recorded state), or None."""
    visible = record["states"][0 if record["scene"]["reveal"] == "initial" else -1]
    seen = observed_cells(record, observations)
    if seen != visible["cells"]:
        return [], {"pixel_mismatch": {"pixels": seen, "record": visible["cells"]}}
    return replay(record, dict(record["states"][0]["cells"]), step, lambda s: s["cells"])


@register_auditor("grid_swap")
def audit_grid_swap(record: dict[str, Any], observations: list[Observation]) -> Any:
    states, mismatch = checked_states(record, observations)
    if mismatch:
        return mismatch

    def where(cells: dict[str, str], obj: str) -> str:
        return next(cell for cell, o in cells.items() if o == obj)

    query = record["query"]
    kind = query["kind"]
    if kind == "displaced_count":
        return sum(where(states[0], o) != where(states[-1], o) for o in states[0].values())
    if kind == "object_cell":
        return where(states[query["step"]], query["object"])
    if kind == "cell_content":
        return states[query["step"]].get(query["cell"], "empty")
    if kind == "times_moved":
        return sum(query["object"] in (before.get(op["cells"][0]), before.get(op["cells"][1]))
                   for before, op in zip(states, operations(record)))
    raise unknown_query(record)


def swapped_cells(before: dict[str, str], after: dict[str, str], op: dict[str, Any]) -> tuple:
    """The cells whose content the swap changed, sorted: every swap moves at least one object,
    so both of its cells change (an object leaves one and another, or nothing, takes its
    place), whichever order the plan lists them in."""
    return ("swap", *sorted(c for c in set(before) | set(after) if before.get(c) != after.get(c)))


@register_when_auditor("grid_swap", source="replay")
def when_grid_swap(record: dict[str, Any], observations: list[Observation]) -> Any:
    states, mismatch = checked_states(record, observations)
    return mismatch or operation_moments(record, states, swapped_cells,
                                         lambda event: ("swap", *sorted(event["cells"])))
