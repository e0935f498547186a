"""Is every operation of a long-term video visible in its pixels?

A long-term answer is only honest if each operation it depends on can be seen. From the
decoded frames, for every operation of the timeline, the items that carry it (the recorded
tracks other than the board's `object`s: the cards or chip in hand, the sliding tile, the
ball, the terminal cursor, the knobs of the two swapped cups; an item takes part when the
record moves or shows it during the operation) are measured in the operation's own frames.
A frame shows the operation when

- one of its items is found there in full: the measured centre within `PATH_TOLERANCE`
  (+ a share of its radius) of the recorded one and the measured area at least `FULL_AREA`
  of the area the item shows unhindered (the 90th percentile of its areas over the clip),
  so a chip half under a lid does not count;
- and every item the record says is shown in that frame is found on its path, at least
  `PARTIAL_AREA` of it (two cards of a swap may cross, neither may vanish).

An item must also move as recorded: between its first and last frames in full it travels
at least `TRAVEL_SHARE` of the recorded distance (a cursor that stands still typed nothing,
a tile that stays put did not slide). The operation is visible when at least
`synrl.scene.sampled_run(fps)` of its frames show it, so that any sampling at 2 frames per
second catches one; with no item taking part it is hidden by definition (the record itself
admits that nothing can be seen). In a terminal (`file_system`) the command itself must
also appear: the strip the cursor swept during the operation holds ink at its last frame
that it did not hold at its first (`typed_text_appears`). Reads the record's timeline,
tracks and scene and the pixels only, never a simulator.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from synrl.audit.observe import Observation
from synrl.scene import SAMPLED_FPS, sampled_run

REVEALS = ("initial_reveal", "final_reveal")
# Roles of the tracks that are the board itself, not an item carrying an operation.
STATIC_ROLES = ("object",)
FULL_AREA = 0.75
PARTIAL_AREA = 0.3
# Terminal text: a pixel is ink that appeared when a channel changed by more than INK_STEP;
# glyphs cover about a fifth of their cells, so a typed command inks far more than MIN_INK
# of the strip the cursor swept.
INK_STEP = 48
MIN_INK = 0.04
TRAVEL_SHARE = 0.5
# Pixels, plus a share of the item's radius (encoder blur grows with size).
PATH_TOLERANCE = 2.0
PATH_TOLERANCE_SHARE = 0.15


@dataclass(frozen=True)
class OperationView:
    """How one operation shows in the pixels."""

    step: int
    type: str
    frames: int  # frames the timeline gives the operation
    seen: int  # frames that show it (see the module docstring)
    needed: int
    items: tuple[str, ...]  # the recorded items taking part
    # Terminal records: whether the typed command's text appears in the pixels (None when
    # not checked).
    text: bool | None = None

    @property
    def hidden(self) -> bool:
        return self.seen < self.needed or self.text is False

    def describe(self) -> str:
        head = f"step {self.step} ({self.type})"
        if not self.items:
            return f"{head}: no recorded item moves or is shown"
        if self.text is False:
            return f"{head}: the typed command does not appear where the cursor went"
        return (f"{head}: {', '.join(self.items)} seen on the recorded path in {self.seen} "
                f"of {self.frames} frames, {self.needed} needed at {SAMPLED_FPS:g} fps "
                "sampling")


def operation_events(record: dict[str, Any]) -> list[dict[str, Any]]:
    """The timeline's operations (reveal phases left out), in order of their step."""
    ops = [e for e in record["timeline"] if e["type"] not in REVEALS and "step" in e]
    return sorted(ops, key=lambda e: e["step"])


def _reference_areas(tracks: list[dict[str, Any]], observations: list[Observation]) -> list[float]:
    out = []
    for track, obs in zip(tracks, observations):
        ok = obs.found & ~obs.occluded & np.asarray(track["visible"], dtype=bool)
        areas = obs.area[ok]
        out.append(float(np.percentile(areas, 90)) if areas.size else float("nan"))
    return out


def _on_path(track: dict[str, Any], obs: Observation, reference: float, first: int,
             last: int) -> tuple[np.ndarray, np.ndarray]:
    """Per frame of [first, last]: is the track found at its recorded position at all (at
    least PARTIAL_AREA of its full area), and is it found there in full (FULL_AREA)?"""
    frames = np.arange(first, last + 1)
    if np.isnan(reference):
        return np.zeros(frames.size, dtype=bool), np.zeros(frames.size, dtype=bool)
    x, y = np.asarray(track["x"])[frames], np.asarray(track["y"])[frames]
    tolerance = PATH_TOLERANCE + PATH_TOLERANCE_SHARE * float(track["radius"])
    found = obs.found[frames]
    near = found & (np.hypot(np.where(found, obs.x[frames], 0) - x,
                             np.where(found, obs.y[frames], 0) - y) <= tolerance)
    area = np.nan_to_num(obs.area[frames])
    return near & (area >= PARTIAL_AREA * reference), near & (area >= FULL_AREA * reference)


def _moved_as_recorded(track: dict[str, Any], obs: Observation, seen: np.ndarray) -> bool:
    """Whether the measured item travels between the first and last of the frames `seen`
    at least TRAVEL_SHARE of what the record says it travels there."""
    if seen.size < 2:
        return seen.size > 0
    a, b = int(seen[0]), int(seen[-1])
    recorded = float(np.hypot(track["x"][b] - track["x"][a], track["y"][b] - track["y"][a]))
    measured = float(np.hypot(obs.x[b] - obs.x[a], obs.y[b] - obs.y[a]))
    return measured >= TRAVEL_SHARE * recorded


def wanted_frames(record: dict[str, Any]) -> set[int]:
    """Frames `operation_views` needs whole (first and last of each operation) for a
    terminal record, whose commands are checked as text; none for other records."""
    if "terminal" not in record.get("scene", {}):
        return set()
    return {int(e[key]) for e in operation_events(record) for key in ("start_frame", "end_frame")}


def typed_text_appears(record: dict[str, Any], event: dict[str, Any],
                       frames: dict[int, np.ndarray]) -> bool:
    """Whether the strip the cursor sweeps while a command is typed holds text at the end of
    the operation that it did not hold at its start (ink on at least MIN_INK of it). A
    one-character command leaves no strip once its first character is left out: seen."""
    cursor = next(t for t in record["tracks"] if t["role"] == "cursor")
    first, last = int(event["start_frame"]), int(event["end_frame"])
    x0, x1 = float(cursor["x"][first]), float(cursor["x"][last])
    y = float(cursor["y"][last])
    height = float(record["scene"]["terminal"]["line_height"])
    n_chars = len(str(event.get("command", ""))) or 1
    half_char = 0.5 * (x1 - x0) / n_chars
    # The typed characters span [x0 - half, x1 - half]; the cursor sits on the first of
    # them at the start and right of the last at the end, so the strip leaves out the
    # first character (and 2 px of blur at each end): what changes in it is text.
    left, right = int(round(x0 + half_char)) + 2, int(round(x1 - half_char)) - 2
    top, bottom = int(round(y - 0.4 * height)), int(round(y + 0.4 * height))
    if right <= left or bottom <= top:
        return True
    before = frames[first][top:bottom, left:right].astype(np.int16)
    after = frames[last][top:bottom, left:right].astype(np.int16)
    changed = np.abs(after - before).max(axis=2) > INK_STEP
    return float(changed.mean()) >= MIN_INK


def operation_views(record: dict[str, Any], observations: list[Observation],
                    frames_by_index: dict[int, np.ndarray] | None = None
                    ) -> list[OperationView]:
    """How every operation of a long-term `record` shows in its measured pixels;
    `frames_by_index` holds the decoded frames of `wanted_frames(record)` (terminal records)."""
    tracks = record["tracks"]
    needed = sampled_run(int(record["video"]["fps"]))
    references = _reference_areas(tracks, observations)
    views = []
    for event in operation_events(record):
        first, last = int(event["start_frame"]), int(event["end_frame"])
        frames = np.arange(first, last + 1)
        any_full = np.zeros(frames.size, dtype=bool)
        all_present = np.ones(frames.size, dtype=bool)
        items: list[str] = []
        for track, obs, reference in zip(tracks, observations, references):
            if track["role"] in STATIC_ROLES:
                continue
            span = slice(max(first - 1, 0), last + 1)
            moves = bool(np.ptp(track["x"][span]) > 0 or np.ptp(track["y"][span]) > 0)
            claimed = np.asarray(track["visible"][first : last + 1], dtype=bool)
            if not moves and not claimed.any():
                continue  # this item takes no part in the operation
            items.append(track["id"])
            present, full = _on_path(track, obs, reference, first, last)
            if moves and not _moved_as_recorded(track, obs, frames[full]):
                present[:], full[:] = False, False
            any_full |= full
            all_present &= present | ~claimed
        seen = int(np.count_nonzero(any_full & all_present)) if items else 0
        text = None
        if frames_by_index and first in frames_by_index and last in frames_by_index:
            text = typed_text_appears(record, event, frames_by_index)
        views.append(OperationView(int(event["step"]), event["type"], frames.size, seen,
                                   needed, tuple(items), text))
    return views


def hidden_operations(record: dict[str, Any], observations: list[Observation],
                      frames_by_index: dict[int, np.ndarray] | None = None) -> list[str]:
    """Descriptions of the operations of a long-term record that its pixels do not show
    (empty for other families)."""
    if record.get("family") != "long_term":
        return []
    return [view.describe() for view in operation_views(record, observations, frames_by_index)
            if view.hidden]
