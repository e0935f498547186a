"""`direction`: which way an object moves, including two-leg paths ("first down, then left")."""

from __future__ import annotations

from itertools import permutations
from typing import Any, Sequence

import numpy as np

from synrl.suite.base import (Event, Plan, Question, Simulation, Task, Template, Track,
                              VideoSpec, lerp, multiple_choice, pivoted)
from synrl.suite.base import NEEDS_ORDER
from synrl.suite.registry import register
from synrl.suite._shortterm.arena import Arena, distractor_tracks, object_radius, scene_colors
from synrl.render.shapes import SHAPES

DIRECTIONS = ("up", "down", "left", "right")
UNIT = {"up": (0.0, -1.0), "down": (0.0, 1.0), "left": (-1.0, 0.0), "right": (1.0, 0.0)}
OPPOSITE = {"up": "down", "down": "up", "left": "right", "right": "left"}
TWO_LEG_PATHS = tuple(permutations(DIRECTIONS, 2))


def path_text(legs: Sequence[str]) -> str:
    """Option text of a path: "First down, then left" or "Right"."""
    if len(legs) == 1:
        return legs[0].capitalize()
    return f"First {legs[0]}, then {legs[1]}"


def path_distractors(legs: tuple[str, str], rng: np.random.Generator) -> list[str]:
    """Near-misses of a two-leg path, most plausible first: the reversed order, the mirrored
    directions, one leg changed."""
    return [path_text(p) for p in path_pairs(legs, rng)]


def path_pairs(legs: tuple[str, str], rng: np.random.Generator) -> list[tuple[str, str]]:
    """The two-leg paths of `path_distractors`."""
    d1, d2 = legs
    near = [(d2, d1), (OPPOSITE[d1], OPPOSITE[d2]), (OPPOSITE[d2], OPPOSITE[d1])]
    one_leg = [(d1, x) for x in DIRECTIONS if x not in (d1, d2)]
    one_leg += [(x, d2) for x in DIRECTIONS if x not in (d1, d2)]
    rng.shuffle(one_leg)
    return [p for p in near + one_leg if p[0] != p[1] and p != tuple(legs)]


@register
class Direction(Task):
    id = "direction"
    family = "short_term"
    primitive = "direction"
    description = "Name the direction(s) an object moves in, including two-leg paths."
    templates = (
        Template("path", "multiple_choice", 4),
        Template("path_open", "list"),
        Template("final_direction", "multiple_choice", 4),
        Template("single", "multiple_choice", 4),
    )
    # What answering needs of the frames (checked by `synrl probe`, reported by
    # `synrl stats`).
    frame_needs = {
        "path": NEEDS_ORDER,
        "path_open": NEEDS_ORDER,
        "final_direction": NEEDS_ORDER,
        "single": NEEDS_ORDER,
    }

    def values(self, template: Template, difficulty: int) -> Sequence:
        if template.name in ("path", "path_open"):
            return TWO_LEG_PATHS
        return DIRECTIONS

    def simulate(self, plan: Plan, rng: np.random.Generator, difficulty: int,
                 video: VideoSpec) -> Simulation:
        num_frames = video.frames_for(lerp(difficulty, 3.0, 5.0))
        duration = num_frames / video.fps
        arena = Arena.for_video(video)
        name = plan.template.name
        if name in ("path", "path_open"):
            legs = tuple(plan.value)
        elif name == "final_direction":
            first = str(rng.choice([d for d in DIRECTIONS if d != plan.value]))
            legs = (first, plan.value)
        else:
            legs = (plan.value,)

        turn = float(rng.uniform(0.38, 0.62)) * duration if len(legs) == 2 else duration
        leg_times = [(0.0, turn), (turn, duration)][: len(legs)]
        radius = object_radius(video, rng)
        # Unit-speed path corners, then the largest speed that keeps the path in the arena.
        corners = [np.zeros(2)]
        for leg, (t0, t1) in zip(legs, leg_times):
            corners.append(corners[-1] + np.array(UNIT[leg]) * (t1 - t0))
        corners_arr = np.array(corners)
        extent = corners_arr.max(axis=0) - corners_arr.min(axis=0)
        room = np.array([arena.width, arena.height]) - 2 * radius
        with np.errstate(divide="ignore"):
            max_speed = float(np.min(np.where(extent > 0, room / extent, np.inf)))
        speed = min(max_speed * float(rng.uniform(0.55, 0.9)), lerp(difficulty, 240.0, 150.0))
        path = corners_arr * speed
        low = np.array([arena.x0, arena.y0]) + radius - path.min(axis=0)
        high = np.array([arena.x1, arena.y1]) - radius - path.max(axis=0)
        start = low + rng.uniform(0, 1, size=2) * (high - low)

        t = np.arange(num_frames) / video.fps
        xy = np.empty((num_frames, 2))
        for leg_index, (leg, (t0, t1)) in enumerate(zip(legs, leg_times)):
            mask = (t >= t0) & ((t < t1) if leg_index < len(legs) - 1 else (t <= t1 + 1e-9))
            xy[mask] = start + path[leg_index] + np.outer(t[mask] - t0, UNIT[leg]) * speed
        n_distractors = round(lerp(difficulty, 0, 3))
        colors = scene_colors(rng, video, 1 + n_distractors)
        target = Track("obj0", str(rng.choice(list(SHAPES))), colors[0], radius, xy[:, 0],
                       xy[:, 1], np.full(num_frames, float(rng.choice([0, 90, 180, 270]))),
                       np.ones(num_frames), np.ones(num_frames, dtype=bool), "target")
        others, other_events = distractor_tracks(rng, n_distractors, colors[1:], arena, video,
                                                 num_frames)
        events = [Event("move", t0, t1, {"object": "obj0", "direction": leg,
                                         "speed_px_s": round(speed, 2)})
                  for leg, (t0, t1) in zip(legs, leg_times)]
        if len(legs) == 2:
            events.append(Event("direction_change", turn, turn,
                                {"object": "obj0", "from": legs[0], "to": legs[1]}))
        events += other_events
        events.sort(key=lambda e: (e.start_s, e.type))
        return Simulation(video, num_frames, others + [target], events, scene=arena.to_scene(),
                          facts={"legs": legs})

    def ask(self, sim: Simulation, plan: Plan, rng: np.random.Generator,
            difficulty: int) -> Question:
        name = sim.track("obj0").name
        legs = tuple(sim.facts["legs"])
        template = plan.template
        if template.name == "path":
            text = str(rng.choice([f"What is the movement path of the {name}?",
                                   f"How does the {name} move during the video?"]))
            wrong = pivoted(legs, lambda p: path_pairs(p, rng), template.n_options, rng)
            options, letter = multiple_choice(path_text(legs), [path_text(p) for p in wrong],
                                              plan.letter_index, rng, template.n_options)
            return Question(text, "multiple_choice", letter, options[letter], options,
                            {"kind": "path", "object": "obj0"}, list(legs))
        if template.name == "path_open":
            text = (f"In which directions does the {name} move, in order? Name each as up, "
                    "down, left or right.")
            return Question(text, "list", list(legs), ", ".join(legs), None,
                            {"kind": "path", "object": "obj0"}, list(legs),
                            extra={"answer_ordered": True})
        if template.name == "final_direction":
            value = legs[-1]
            text = f"In which direction is the {name} moving at the end of the video?"
            distractors = [legs[0], OPPOSITE[value]] + [d for d in DIRECTIONS if d != value]
            query = {"kind": "final_direction", "object": "obj0"}
        else:
            value = legs[0]
            text = str(rng.choice([f"In which direction does the {name} move?",
                                   f"Which way is the {name} moving?"]))
            distractors = [OPPOSITE[value]] + [d for d in DIRECTIONS if d != value]
            query = {"kind": "path", "object": "obj0"}
        options, letter = multiple_choice(value.capitalize(), [d.capitalize() for d in distractors],
                                          plan.letter_index, rng, template.n_options)
        answer_value = value if query["kind"] == "final_direction" else [value]
        return Question(text, "multiple_choice", letter, options[letter], options, query,
                        answer_value)

    def reversed_answer(self, record: dict) -> Any:
        # Played backwards the legs come in the opposite order, each pointing the other way.
        legs = [e["direction"] for e in record["timeline"]
                if e["type"] == "move" and e["object"] == record["query"]["object"]]
        backwards = [OPPOSITE[d] for d in reversed(legs)]
        if record["query"]["kind"] == "final_direction":
            return backwards[-1]
        return backwards
