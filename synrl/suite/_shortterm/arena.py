"""Building blocks of short-term scenes: the walled arena, bouncing motion along an axis,
and distractor objects."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np

from synrl.render.shapes import SHAPES, usable_colors
from synrl.suite.base import Event, Track, VideoSpec, fold, pick_colors

WALL_WIDTH = 4


@dataclass(frozen=True)
class Arena:
    """Inner boundary of the walls, pixels. Objects stay inside it."""

    x0: float
    y0: float
    x1: float
    y1: float

    @classmethod
    def for_video(cls, video: VideoSpec) -> "Arena":
        margin = max(4, round(0.03 * min(video.width, video.height)))
        inner = margin + WALL_WIDTH
        return cls(inner, inner, video.width - 1 - inner, video.height - 1 - inner)

    @property
    def width(self) -> float:
        return self.x1 - self.x0

    @property
    def height(self) -> float:
        return self.y1 - self.y0

    def wall_box(self) -> tuple[float, float, float, float]:
        """Outer box of the wall outline as drawn (Pillow rectangle, width WALL_WIDTH)."""
        return (self.x0 - WALL_WIDTH, self.y0 - WALL_WIDTH, self.x1 + WALL_WIDTH,
                self.y1 + WALL_WIDTH)

    def to_scene(self) -> dict:
        return {"arena": [self.x0, self.y0, self.x1, self.y1], "wall_width": WALL_WIDTH}


def object_radius(video: VideoSpec, rng: np.random.Generator, low: float = 0.04,
                  high: float = 0.055) -> float:
    return float(rng.uniform(low, high) * min(video.width, video.height))


def frame_times(num_frames: int, fps: int) -> np.ndarray:
    return np.arange(num_frames) / fps


@dataclass(frozen=True)
class Bounce:
    """Motion along one axis between two walls: start offset `p0` in [0, length] and a
    signed speed in px/s; the position folds back at each wall."""

    p0: float
    speed: float
    length: float

    def positions(self, t: np.ndarray) -> np.ndarray:
        return fold(self.p0 + self.speed * t, self.length)

    def contacts(self, duration: float) -> list[tuple[float, str]]:
        """(time, "min" | "max") of every wall contact within [0, duration]."""
        if self.speed == 0 or self.length <= 0:
            return []
        end = self.p0 + self.speed * duration
        lo, hi = sorted((self.p0, end))
        first, last = int(np.floor(lo / self.length)) + 1, int(np.ceil(hi / self.length)) - 1
        hits = []
        for m in range(first, last + 1):
            t = (m * self.length - self.p0) / self.speed
            hits.append((float(t), "max" if m % 2 else "min"))
        return sorted(hits)


AXIS_WALLS = {"x": {"min": "left", "max": "right"}, "y": {"min": "top", "max": "bottom"}}


def bouncing_track(track_id: str, shape: str, color: str, radius: float, arena: Arena,
                   bx: Bounce, by: Bounce, num_frames: int, fps: int, role: str,
                   spin_deg_s: float = 0.0, angle0: float = 0.0) -> Track:
    t = frame_times(num_frames, fps)
    return Track(
        id=track_id, shape=shape, color=color, radius=radius,
        x=arena.x0 + radius + bx.positions(t), y=arena.y0 + radius + by.positions(t),
        angle=angle0 + spin_deg_s * t, scale=np.ones(num_frames),
        visible=np.ones(num_frames, dtype=bool), role=role,
    )


def wall_contact_events(track: Track, bx: Bounce, by: Bounce, duration: float) -> list[Event]:
    events = []
    for axis, bounce in (("x", bx), ("y", by)):
        for t, side in bounce.contacts(duration):
            events.append(Event("wall_contact", t, t,
                                {"object": track.id, "wall": AXIS_WALLS[axis][side]}))
    return events


def random_bounce(rng: np.random.Generator, length: float, speed_low: float,
                  speed_high: float) -> Bounce:
    speed = float(rng.uniform(speed_low, speed_high)) * (1 if rng.random() < 0.5 else -1)
    return Bounce(float(rng.uniform(0, length)), speed, length)


def distractor_tracks(rng: np.random.Generator, count: int, colors: Sequence[str],
                      arena: Arena, video: VideoSpec, num_frames: int,
                      shapes: Sequence[str] = SHAPES, speed: tuple[float, float] = (40, 160),
                      spin: bool = False) -> tuple[list[Track], list[Event]]:
    """Objects that wander and bounce independently of the question (difficulty knob)."""
    tracks, events = [], []
    duration = num_frames / video.fps
    for i in range(count):
        radius = object_radius(video, rng, 0.03, 0.05)
        bx = random_bounce(rng, arena.width - 2 * radius, *speed)
        by = random_bounce(rng, arena.height - 2 * radius, *speed)
        spin_rate = float(rng.uniform(-120, 120)) if spin else 0.0
        track = bouncing_track(f"obj{i + 1}", str(rng.choice(list(shapes))), colors[i], radius,
                               arena, bx, by, num_frames, video.fps, "distractor", spin_rate,
                               float(rng.uniform(0, 360)))
        tracks.append(track)
        events.extend(wall_contact_events(track, bx, by, duration))
    return tracks, events


def scene_colors(rng: np.random.Generator, video: VideoSpec, n: int) -> list[str]:
    return pick_colors(rng, n, usable_colors(video.background, video.wall))
