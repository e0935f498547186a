"""`speed_change`: is an object accelerating, decelerating or moving at a constant speed."""

from __future__ import annotations

import math
from typing import Any, Sequence

import numpy as np

from synrl.render.shapes import SHAPES
from synrl.suite.base import (Event, Plan, Question, Simulation, Task, Template, Track,
                              VideoSpec, lerp, multiple_choice)
from synrl.suite.base import NEEDS_ORDER
from synrl.suite.registry import register
from synrl.suite._shortterm.arena import Arena, distractor_tracks, object_radius, scene_colors

TRENDS = ("accelerating", "decelerating", "constant")
REVERSED_TREND = {"accelerating": "decelerating", "decelerating": "accelerating",
                  "constant": "constant"}
TREND_TEXT = {"accelerating": "Accelerating", "decelerating": "Decelerating",
              "constant": "Moving at a constant speed"}


@register
class SpeedChange(Task):
    id = "speed_change"
    family = "short_term"
    primitive = "speed"
    description = "Tell whether an object speeds up, slows down or keeps a constant speed."
    templates = (
        Template("trend", "multiple_choice", 3),
        Template("faster_at_end", "yes_no"),
    )
    # What answering needs of the frames (checked by `synrl probe`, reported by
    # `synrl stats`).
    frame_needs = {
        "trend": NEEDS_ORDER,
        "faster_at_end": NEEDS_ORDER,
    }

    def values(self, template: Template, difficulty: int) -> Sequence:
        return TRENDS if template.name == "trend" else ("yes", "no")

    def simulate(self, plan: Plan, rng: np.random.Generator, difficulty: int,
                 video: VideoSpec) -> Simulation:
        if plan.template.name == "trend":
            trend = plan.value
        else:
            trend = "accelerating" if plan.value == "yes" else str(
                rng.choice(["decelerating", "constant"]))
        num_frames = video.frames_for(lerp(difficulty, 3.0, 5.0))
        duration = num_frames / video.fps
        arena = Arena.for_video(video)
        radius = object_radius(video, rng)
        # End/start speed ratio: the harder, the closer to 1.
        ratio = {"accelerating": lerp(difficulty, 3.0, 1.7), "constant": 1.0}.get(
            trend, 1 / lerp(difficulty, 3.0, 1.7))
        heading = float(rng.uniform(0, 2 * math.pi))
        unit = np.array([math.cos(heading), -math.sin(heading)])
        room = np.array([arena.width, arena.height]) - 2 * radius
        with np.errstate(divide="ignore"):
            max_distance = float(np.min(np.where(np.abs(unit) > 1e-9, room / np.abs(unit),
                                                 np.inf)))
        distance = max_distance * float(rng.uniform(0.6, 0.9))
        start_speed = 2 * distance / (duration * (1 + ratio))
        end_speed = ratio * start_speed
        t = np.arange(num_frames) / video.fps
        travelled = start_speed * t + (end_speed - start_speed) * t * t / (2 * duration)
        low = np.array([arena.x0, arena.y0]) + radius - np.minimum(0, unit * distance)
        high = np.array([arena.x1, arena.y1]) - radius - np.maximum(0, unit * distance)
        start = low + rng.uniform(0, 1, size=2) * (high - low)
        xy = start + np.outer(travelled, unit)

        n_distractors = round(lerp(difficulty, 0, 3))
        colors = scene_colors(rng, video, 1 + n_distractors)
        target = Track("obj0", str(rng.choice(list(SHAPES))), colors[0], radius, xy[:, 0],
                       xy[:, 1], np.zeros(num_frames), np.ones(num_frames),
                       np.ones(num_frames, dtype=bool), "target")
        others, other_events = distractor_tracks(rng, n_distractors, colors[1:], arena, video,
                                                 num_frames, speed=(60, 140))
        events = [Event("motion", 0.0, duration,
                        {"object": "obj0", "trend": trend,
                         "start_speed_px_s": round(start_speed, 2),
                         "end_speed_px_s": round(end_speed, 2),
                         "heading_deg": round(math.degrees(heading), 1)})] + other_events
        events.sort(key=lambda e: (e.start_s, e.type))
        return Simulation(video, num_frames, others + [target], events, scene=arena.to_scene(),
                          facts={"trend": trend})

    def ask(self, sim: Simulation, plan: Plan, rng: np.random.Generator,
            difficulty: int) -> Question:
        name = sim.track("obj0").name
        trend = sim.facts["trend"]
        if plan.template.name == "trend":
            text = str(rng.choice([
                f"Is the {name} accelerating, decelerating, or moving at a constant speed?",
                f"How does the speed of the {name} change over the video?"]))
            options, letter = multiple_choice(
                TREND_TEXT[trend], [TREND_TEXT[t] for t in TRENDS], plan.letter_index, rng, 3)
            return Question(text, "multiple_choice", letter, options[letter], options,
                            {"kind": "speed_trend", "object": "obj0"}, trend)
        value = "yes" if trend == "accelerating" else "no"
        text = str(rng.choice([
            f"Is the {name} moving faster at the end of the video than at the beginning?",
            f"Does the {name} speed up over the course of the video?"]))
        return Question(text, "yes_no", value, value, None,
                        {"kind": "faster_at_end", "object": "obj0"}, value)

    def reversed_answer(self, record: dict) -> Any:
        trend = next(e["trend"] for e in record["timeline"]
                     if e["type"] == "motion" and e["object"] == record["query"]["object"])
        backwards = REVERSED_TREND[trend]
        if record["query"]["kind"] == "faster_at_end":
            return "yes" if backwards == "accelerating" else "no"
        return backwards
