"""`trajectory_shape`: the shape of the path an object traces (straight line, circle, zigzag,
smooth wave, square)."""

from __future__ import annotations

import math
from typing import Any, Sequence

import numpy as np

from synrl.render.shapes import SHAPES
from synrl.suite.base import (Event, Plan, Question, Simulation, Task, Template, Track,
                              VideoSpec, lerp, multiple_choice)
from synrl.suite.base import NEEDS_FRAMES
from synrl.suite.registry import register
from synrl.suite._shortterm.arena import Arena, distractor_tracks, object_radius, scene_colors

PATH_SHAPES = ("line", "circle", "zigzag", "wave", "square")
CLOSED_SHAPES = ("circle", "square")
SHAPE_TEXT = {"line": "A straight line", "circle": "A circle",
              "zigzag": "A zigzag with sharp corners", "wave": "A smooth wave",
              "square": "A square"}
# Steepest heading of a zigzag or wave leg relative to its axis, as a slope: below ~0.7 the
# lateral swing is hard to see, above ~2.2 the legs run almost across the axis.
SLOPE_RANGE = (0.7, 2.2)
# px/s in a 448-px frame: faster, a loop round the whole arena is a blur in a 3 s clip.
MAX_SPEED = 240.0
DENSE = 4000  # samples of a path before resampling it at constant speed
# Frames per zigzag leg or half wave at least: fewer, and a wave's legs look (and measure)
# almost straight between its crests.
MIN_LEG_FRAMES = 20


def lateral_amplitude(difficulty: int, rng: np.random.Generator) -> float:
    """Half the lateral swing of a zigzag or wave, per unit of axis length."""
    return lerp(difficulty, 0.16, 0.09) * float(rng.uniform(0.9, 1.1))


def unit_path(shape: str, rng: np.random.Generator, difficulty: int,
              num_frames: int) -> tuple[np.ndarray, list[int], dict[str, Any]]:
    """A polyline tracing `shape` (points (M, 2), any scale and orientation; curves densely
    sampled), the indices of its sharp corners, and the parameters a timeline reader needs."""
    max_legs = max(4, num_frames // MIN_LEG_FRAMES)
    if shape == "line":
        return np.array([(0.0, 0.0), (1.0, 0.0)]), [], {}
    if shape == "zigzag":
        a = lateral_amplitude(difficulty, rng)
        low = max(4, math.ceil(SLOPE_RANGE[0] / (2 * a)))
        high = max(low, min(7, max_legs, math.floor(SLOPE_RANGE[1] / (2 * a))))
        legs = int(rng.integers(low, high + 1))
        sign = 1 if rng.random() < 0.5 else -1
        vertices = np.array([(i / legs, sign * a * (-1) ** i) for i in range(legs + 1)])
        return vertices, list(range(1, legs)), {"amplitude": round(a, 3)}
    if shape == "wave":
        a = lateral_amplitude(difficulty, rng)
        # At least 1.5 cycles, so the wave bends both ways more than once.
        low = max(1.5, SLOPE_RANGE[0] / (2 * math.pi * a))
        high = max(low, min(max_legs / 2, SLOPE_RANGE[1] / (2 * math.pi * a)))
        cycles = float(rng.uniform(low, high))
        phase = float(rng.uniform(0, 2 * math.pi))
        u = np.linspace(0, 1, DENSE)
        points = np.stack([u, a * np.sin(2 * math.pi * cycles * u + phase)], axis=1)
        return points, [], {"cycles": round(cycles, 2), "amplitude": round(a, 3)}
    if shape == "circle":
        # A little more than one turn: the whole circle is drawn, nothing hints at an arc.
        sweep = float(rng.uniform(360, 420)) * (1 if rng.random() < 0.5 else -1)
        start = float(rng.uniform(0, 2 * math.pi))
        theta = start + np.radians(np.linspace(0, sweep, DENSE))
        return np.stack([np.cos(theta), np.sin(theta)], axis=1), [], {"turns": round(
            abs(sweep) / 360, 3)}
    if shape == "square":
        corners = np.array([(0, 0), (1, 0), (1, 1), (0, 1)], dtype=float)
        if rng.random() < 0.5:
            corners = corners[::-1]
        laps = float(rng.uniform(1.0, 1.12))
        start = float(rng.uniform(0, 4))
        end = start + 4 * laps

        def at(s: float) -> np.ndarray:
            side = math.floor(s)
            here, ahead = corners[side % 4], corners[(side + 1) % 4]
            return here + (s - side) * (ahead - here)

        inner = list(range(math.floor(start) + 1, math.ceil(end)))
        points = np.array([at(start)] + [corners[k % 4] for k in inner] + [at(end)])
        return points, list(range(1, len(inner) + 1)), {"turns": round(laps, 3)}
    raise ValueError(f"unknown path shape {shape!r}")


def turn_side(before: np.ndarray, after: np.ndarray) -> str:
    """"left" or "right" as the moving object sees a turn on screen (y downwards)."""
    cross = before[0] * after[1] - before[1] * after[0]
    return "right" if cross > 0 else "left"


def loop_direction(xy: np.ndarray) -> str:
    """Clockwise or counter-clockwise as seen on screen (shoelace area, y downwards)."""
    x, y = xy[:, 0], xy[:, 1]
    area = float(np.sum(x[:-1] * y[1:] - x[1:] * y[:-1]))
    return "clockwise" if area > 0 else "counter-clockwise"


def resample_at_constant_speed(points: np.ndarray, num_frames: int) -> np.ndarray:
    """`num_frames` points along the polyline `points`, equally spaced by arc length, first and
    last at its ends: the object moves at constant speed and finishes the path on the last
    frame."""
    seg = np.hypot(*np.diff(points, axis=0).T)
    s = np.concatenate([[0.0], np.cumsum(seg)])
    targets = np.linspace(0, s[-1], num_frames)
    return np.stack([np.interp(targets, s, points[:, 0]), np.interp(targets, s, points[:, 1])],
                    axis=1)


def fit_into(points: np.ndarray, arena: Arena, radius: float, fill: float, max_length: float,
             rng: np.random.Generator) -> np.ndarray:
    """Scale the polyline `points` so its bounding box fills `fill` of the room left for the
    object's centre along the tighter axis, and its length stays within `max_length`; then
    place it at a random spot where it fits."""
    low, high = points.min(axis=0), points.max(axis=0)
    extent = np.maximum(high - low, 1e-9)
    room = np.array([arena.width, arena.height]) - 2 * radius
    length = float(np.hypot(*np.diff(points, axis=0).T).sum())
    scale = min(fill * float(np.min(room / extent)), max_length / length)
    scaled = (points - low) * scale
    slack = room - (high - low) * scale
    origin = np.array([arena.x0, arena.y0]) + radius + rng.uniform(0, 1, size=2) * slack
    return scaled + origin


def rotate(points: np.ndarray, degrees: float) -> np.ndarray:
    c, s = math.cos(math.radians(degrees)), math.sin(math.radians(degrees))
    return points @ np.array([[c, s], [-s, c]])


@register
class TrajectoryShape(Task):
    id = "trajectory_shape"
    family = "short_term"
    primitive = "trajectory"
    description = ("Name the shape of the path an object traces: straight line, circle, "
                   "zigzag, smooth wave or square.")
    templates = (
        Template("shape", "multiple_choice", 4),
        Template("closed_path", "yes_no"),
        Template("straight_path", "yes_no"),
    )
    # What answering needs of the frames (checked by `synrl probe`, reported by
    # `synrl stats`).
    frame_needs = {
        "shape": NEEDS_FRAMES,
        "closed_path": NEEDS_FRAMES,
        "straight_path": NEEDS_FRAMES,
    }

    def values(self, template: Template, difficulty: int) -> Sequence:
        return PATH_SHAPES if template.name == "shape" else ("yes", "no")

    def simulate(self, plan: Plan, rng: np.random.Generator, difficulty: int,
                 video: VideoSpec) -> Simulation:
        name = plan.template.name
        if name == "shape":
            shape = plan.value
        elif name == "closed_path":
            pool = CLOSED_SHAPES if plan.value == "yes" else [
                s for s in PATH_SHAPES if s not in CLOSED_SHAPES]
            shape = str(rng.choice(pool))
        else:
            shape = "line" if plan.value == "yes" else str(
                rng.choice([s for s in PATH_SHAPES if s != "line"]))
        num_frames = video.frames_for(lerp(difficulty, 3.0, 5.0))
        duration = num_frames / video.fps
        arena = Arena.for_video(video)
        radius = object_radius(video, rng)
        vertices, corners, params = unit_path(shape, rng, difficulty, num_frames)
        # Loops shrink with difficulty (smaller, faster-looking turns); open paths keep a
        # long axis so their lateral swing stays measurable.
        if shape in CLOSED_SHAPES:
            fill = float(rng.uniform(lerp(difficulty, 0.75, 0.45), lerp(difficulty, 0.95, 0.7)))
        else:
            fill = float(rng.uniform(0.75, 0.95))
        last_frame_s = (num_frames - 1) / video.fps
        # A random cap, so that loops (which hit it most) do not all share one speed.
        max_length = (MAX_SPEED * float(rng.uniform(0.75, 1.0)) * min(video.width, video.height)
                      / 448 * last_frame_s)
        vertices = fit_into(rotate(vertices, float(rng.uniform(0, 360))), arena, radius, fill,
                            max_length, rng)
        xy = resample_at_constant_speed(vertices, num_frames)
        along = np.concatenate([[0.0], np.cumsum(np.hypot(*np.diff(vertices, axis=0).T))])
        length = float(along[-1])
        path_events = []
        for k in corners:
            at = along[k] / length * last_frame_s
            path_events.append(Event("corner", at, at, {
                "object": "obj0",
                "turn": turn_side(vertices[k] - vertices[k - 1], vertices[k + 1] - vertices[k])}))
        if shape in CLOSED_SHAPES:
            params["direction"] = loop_direction(vertices)

        n_distractors = round(lerp(difficulty, 0, 3))
        colors = scene_colors(rng, video, 1 + n_distractors)
        target = Track("obj0", str(rng.choice(list(SHAPES))), colors[0], radius, xy[:, 0],
                       xy[:, 1], np.zeros(num_frames), np.ones(num_frames),
                       np.ones(num_frames, dtype=bool), "target")
        others, other_events = distractor_tracks(rng, n_distractors, colors[1:], arena, video,
                                                 num_frames)
        events = [Event("path", 0.0, duration,
                        {"object": "obj0", "shape": shape, "closed": shape in CLOSED_SHAPES,
                         "length_px": round(length, 1),
                         "speed_px_s": round(length / last_frame_s, 2),
                         **params})] + path_events + other_events
        events.sort(key=lambda e: (e.start_s, e.type))
        # The target is drawn last so that no distractor ever hides it.
        return Simulation(video, num_frames, others + [target], events, scene=arena.to_scene(),
                          facts={"shape": shape})

    def ask(self, sim: Simulation, plan: Plan, rng: np.random.Generator,
            difficulty: int) -> Question:
        name = sim.track("obj0").name
        shape = sim.facts["shape"]
        template = plan.template
        if template.name == "shape":
            text = str(rng.choice([f"What shape is the path traced by the {name}?",
                                   f"Which best describes the trajectory of the {name}?"]))
            # Any other shape is a plausible mistake; drawing them at random keeps the one
            # shape left out of the options from hinting at the answer.
            others = [SHAPE_TEXT[s] for s in rng.permutation(PATH_SHAPES) if s != shape]
            options, letter = multiple_choice(SHAPE_TEXT[shape], others, plan.letter_index, rng,
                                              template.n_options)
            return Question(text, "multiple_choice", letter, options[letter], options,
                            {"kind": "path_shape", "object": "obj0"}, shape)
        if template.name == "closed_path":
            value = "yes" if shape in CLOSED_SHAPES else "no"
            text = str(rng.choice([
                f"Does the {name} come back to the point where it started?",
                f"Is the path of the {name} a closed loop that returns to its starting "
                "point?"]))
            return Question(text, "yes_no", value, value, None,
                            {"kind": "returns_to_start", "object": "obj0"}, value)
        value = "yes" if shape == "line" else "no"
        text = str(rng.choice([f"Does the {name} move along a straight line?",
                               f"Is the path of the {name} straight?"]))
        return Question(text, "yes_no", value, value, None,
                        {"kind": "straight_path", "object": "obj0"}, value)

    def reversed_answer(self, record: dict) -> Any:
        # A path traced backwards is the same set of points: its shape, whether it is
        # straight and whether it passes its starting point again all stay the same.
        path = next(e for e in record["timeline"]
                    if e["type"] == "path" and e["object"] == record["query"]["object"])
        kind = record["query"]["kind"]
        if kind == "path_shape":
            return path["shape"]
        if kind == "returns_to_start":
            return "yes" if path["closed"] else "no"
        return "yes" if path["shape"] == "line" else "no"
