"""The plain data every layer shares: what a video shows, frame by frame.

A task simulates a :class:`Simulation` (tracks, timeline, states), the renderer draws it,
the record serialises it and the audit measures it back; all of them import this module,
which imports nothing of the package. The colour palette and shape names live here too,
with the colour-matching contract (:data:`MAX_RESIDUAL`, :data:`MIN_COVERAGE`) that the
renderer's text-bearing sprites and the pixel audit must agree on.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

# Colours chosen for pairwise distance (>= 100 in RGB) so that both a model and the
# pixel audit can tell them apart after H.264 with 4:2:0 chroma subsampling.
PALETTE: dict[str, tuple[int, int, int]] = {
    "red": (220, 20, 60),
    "green": (40, 170, 60),
    "blue": (20, 90, 230),
    "yellow": (240, 225, 0),
    "orange": (255, 125, 0),
    "purple": (130, 40, 190),
    "cyan": (0, 200, 220),
    "magenta": (235, 40, 200),
    "brown": (130, 75, 20),
    "black": (20, 20, 20),
}

# Shapes whose orientation is visible over a full turn (needed by rotation questions).
ORIENTED_SHAPES = ("T", "L")

SHAPES = ("circle", "square", "triangle", "star", "pentagon", "hexagon", "T", "L")

SHAPE_NAMES = {"T": "T shape", "L": "L shape"}


def shape_name(shape: str) -> str:
    """Human name of a shape as used in questions ("circle", "T shape")."""
    return SHAPE_NAMES.get(shape, shape)


def color_distance(a: tuple[int, int, int], b: tuple[int, int, int]) -> float:
    return float(math.dist(a, b))


def parse_color(value: str) -> tuple[int, int, int]:
    """Parse a palette name, '#rrggbb' or 'r,g,b' into an RGB triple."""
    text = value.strip().lower()
    if text in PALETTE:
        return PALETTE[text]
    if text == "white":
        return (255, 255, 255)
    if text.startswith("#") and len(text) == 7:
        try:
            return tuple(int(text[i : i + 2], 16) for i in (1, 3, 5))  # type: ignore[return-value]
        except ValueError:
            pass
    parts = text.split(",")
    if len(parts) == 3:
        try:
            rgb = tuple(int(p) for p in parts)
        except ValueError:
            rgb = ()
        if len(rgb) == 3 and all(0 <= c <= 255 for c in rgb):
            return rgb  # type: ignore[return-value]
    raise ValueError(f"not a colour: {value!r} (use a palette name, '#rrggbb' or 'r,g,b')")


def usable_colors(background: tuple[int, int, int], wall: tuple[int, int, int]) -> list[str]:
    """Palette names that stay distinct from the background and the arena walls."""
    return [
        name
        for name, rgb in PALETTE.items()
        if color_distance(rgb, background) >= 100 and color_distance(rgb, wall) >= 100
    ]


# A pixel belongs to an object when it is within MAX_RESIDUAL (RGB distance) of the
# object's background-to-colour segment, with at least MIN_COVERAGE of the colour mixed in.
MAX_RESIDUAL = 45.0
MIN_COVERAGE = 0.2

# The visibility contract (SPEC, "Visible"): every operation of a long-term video can be
# seen when the video is sampled at this rate. The generator shows each moved item for at
# least `sampled_run(fps)` frames; the pixel audit (synrl.audit.visibility) checks it.
SAMPLED_FPS = 2.0


def sampled_run(fps: int) -> int:
    """Consecutive frames that always contain one frame of any SAMPLED_FPS sampling:
    samples are 1/SAMPLED_FPS s apart, so a run of fps/SAMPLED_FPS frames holds one."""
    return max(1, math.ceil(fps / SAMPLED_FPS - 1e-9))


@dataclass(frozen=True)
class VideoSpec:
    """Frame size and rate of the video to simulate; durations scale with `duration_scale`
    (the SynRL paper doubles video length for its second RL round)."""

    width: int = 448
    height: int = 448
    fps: int = 30
    background: tuple[int, int, int] = (255, 255, 255)
    wall: tuple[int, int, int] = (70, 70, 70)
    duration_scale: float = 1.0

    def frames_for(self, seconds: float) -> int:
        return max(2, int(round(seconds * self.duration_scale * self.fps)))


@dataclass
class Track:
    """One object's per-frame state. `x`, `y` are the centre (area centroid) in pixels, x to
    the right and y downwards; `angle` is in degrees, counter-clockwise positive; `radius` is
    the drawn size at scale 1."""

    id: str
    shape: str
    color: str
    radius: float
    x: np.ndarray
    y: np.ndarray
    angle: np.ndarray
    scale: np.ndarray
    visible: np.ndarray
    role: str = "distractor"
    # Per-frame colour / shape names when they change during the clip (attribute changes);
    # None means `color` / `shape` hold for every frame.
    colors: list[str] | None = None
    shapes: list[str] | None = None

    @property
    def rgb(self) -> tuple[int, int, int]:
        return PALETTE[self.color]

    def color_at(self, frame: int) -> str:
        return self.colors[frame] if self.colors is not None else self.color

    def shape_at(self, frame: int) -> str:
        return self.shapes[frame] if self.shapes is not None else self.shape

    @property
    def name(self) -> str:
        """How questions refer to the object: "red circle"."""
        return f"{self.color} {shape_name(self.shape)}"

    @classmethod
    def still(cls, id: str, shape: str, color: str, radius: float, x: float, y: float,
              num_frames: int, role: str = "distractor") -> "Track":
        return cls(id, shape, color, radius, np.full(num_frames, float(x)),
                   np.full(num_frames, float(y)), np.zeros(num_frames), np.ones(num_frames),
                   np.ones(num_frames, dtype=bool), role)


@dataclass
class Event:
    """A timeline entry. Times are seconds; the record adds ms and frame indices."""

    type: str
    start_s: float
    end_s: float
    params: dict[str, Any] = field(default_factory=dict)


@dataclass
class Simulation:
    video: VideoSpec
    num_frames: int
    tracks: list[Track]
    timeline: list[Event]
    states: list[dict[str, Any]] = field(default_factory=list)
    # Static scene geometry the renderer and the audit need (e.g. the arena rectangle).
    scene: dict[str, Any] = field(default_factory=dict)
    # Choices made while simulating that the question needs (not written to the record).
    facts: dict[str, Any] = field(default_factory=dict)
    # Name of the registered renderer that draws this simulation (synrl.render.frames).
    renderer: str = "sprites"

    def track(self, track_id: str) -> Track:
        for track in self.tracks:
            if track.id == track_id:
                return track
        raise KeyError(track_id)

    @property
    def duration_s(self) -> float:
        return self.num_frames / self.video.fps

    def frame_time(self, frame: int) -> float:
        return frame / self.video.fps
