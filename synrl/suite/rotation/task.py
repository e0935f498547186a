"""`rotation`: spin direction and number of full turns of a T or L shape."""

from __future__ import annotations

import math
from typing import Any, Sequence

import numpy as np

from synrl.render.shapes import ORIENTED_SHAPES, SHAPES
from synrl.suite.base import (Event, Plan, Question, Simulation, Task, Template, Track,
                              VideoSpec, lerp, multiple_choice)
from synrl.suite.base import NEEDS_ORDER
from synrl.suite.registry import register
from synrl.suite._shortterm.arena import Arena, distractor_tracks, scene_colors

SPINS = ("clockwise", "counter-clockwise", "none")
REVERSED_SPIN = {"clockwise": "counter-clockwise", "counter-clockwise": "clockwise",
                 "none": "none"}
SPIN_TEXT = {"clockwise": "Clockwise", "counter-clockwise": "Counter-clockwise",
             "none": "It is not spinning"}


# Every clip lasts this long (once 3 s at difficulty 1 up to 5 s): the moments of the full
# turns, asked with a 0.5 s window, then spread over enough of the clip that a blind guess
# (the question prior of `synrl stats`) catches under 10% of them; in 3 s clips it caught
# 13% at difficulties 1-3. Spinning over a random part of the clip instead did not help:
# the turns then crowd its middle.
CLIP_SECONDS = 5.0


def max_turns(difficulty: int) -> int:
    return round(lerp(difficulty, 3, 6))


@register
class Rotation(Task):
    id = "rotation"
    family = "short_term"
    primitive = "rotation"
    description = "Tell the spin direction of a T or L shape and count its full turns."
    templates = (
        Template("spin_direction", "multiple_choice", 3),
        Template("full_turns", "multiple_choice", 4, counts=True),
        Template("full_turns_open", "number"),
        Template("spins_clockwise", "yes_no"),
    )
    # What answering needs of the frames (checked by `synrl probe`, reported by
    # `synrl stats`).
    frame_needs = {
        "spin_direction": NEEDS_ORDER,
        "full_turns": NEEDS_ORDER,
        "full_turns_open": NEEDS_ORDER,
        "spins_clockwise": NEEDS_ORDER,
    }

    def values(self, template: Template, difficulty: int) -> Sequence:
        if template.name == "spin_direction":
            return SPINS
        if template.name == "spins_clockwise":
            return ("yes", "no")
        return range(1, max_turns(difficulty) + 1)

    def simulate(self, plan: Plan, rng: np.random.Generator, difficulty: int,
                 video: VideoSpec) -> Simulation:
        num_frames = video.frames_for(CLIP_SECONDS)
        duration = num_frames / video.fps
        name = plan.template.name
        if name in ("full_turns", "full_turns_open"):
            spin = str(rng.choice(["clockwise", "counter-clockwise"]))
            # Whole turns plus a partial one kept away from a whole turn, so "full turns"
            # is unambiguous both to a viewer and to the pixel audit.
            degrees = 360 * int(plan.value) + float(rng.uniform(60, 300))
        else:
            if name == "spin_direction":
                spin = plan.value
            else:
                spin = "clockwise" if plan.value == "yes" else str(
                    rng.choice(["counter-clockwise", "none"]))
            degrees = 0.0 if spin == "none" else float(
                rng.uniform(lerp(difficulty, 270, 120), lerp(difficulty, 900, 420)))
        signed = -degrees if spin == "clockwise" else degrees
        arena = Arena.for_video(video)
        size = min(video.width, video.height)
        radius = float(rng.uniform(0.08, 0.1) * size)
        t = np.arange(num_frames) / video.fps
        # Slow drift at higher difficulty: the shape must be followed while it turns.
        drift = lerp(difficulty, 0.0, 40.0)
        heading = float(rng.uniform(0, 2 * math.pi))
        velocity = drift * np.array([math.cos(heading), math.sin(heading)])
        low = np.array([arena.x0, arena.y0]) + radius - np.minimum(0, velocity * duration)
        high = np.array([arena.x1, arena.y1]) - radius - np.maximum(0, velocity * duration)
        start = low + rng.uniform(0, 1, size=2) * (high - low)
        angle0 = float(rng.uniform(0, 360))
        angle = angle0 + signed * t / duration
        n_distractors = round(lerp(difficulty, 0, 3))
        colors = scene_colors(rng, video, 1 + n_distractors)
        target = Track("obj0", str(rng.choice(list(ORIENTED_SHAPES))), colors[0], radius,
                       start[0] + velocity[0] * t, start[1] + velocity[1] * t, angle,
                       np.ones(num_frames), np.ones(num_frames, dtype=bool), "target")
        plain = [s for s in SHAPES if s not in ORIENTED_SHAPES]
        others, other_events = distractor_tracks(rng, n_distractors, colors[1:], arena, video,
                                                 num_frames, shapes=plain, spin=True)
        turns = int(abs(signed) // 360)
        events = [Event("spin", 0.0, duration,
                        {"object": "obj0", "direction": spin, "degrees": round(signed, 2),
                         "full_turns": turns})]
        for k in range(1, turns + 1):
            at = duration * 360 * k / abs(signed)
            events.append(Event("full_turn", at, at, {"object": "obj0", "turn": k}))
        events += other_events
        events.sort(key=lambda e: (e.start_s, e.type))
        return Simulation(video, num_frames, others + [target], events, scene=arena.to_scene(),
                          facts={"spin": spin, "turns": turns})

    def ask(self, sim: Simulation, plan: Plan, rng: np.random.Generator,
            difficulty: int) -> Question:
        name = sim.track("obj0").name
        spin, turns = sim.facts["spin"], sim.facts["turns"]
        template = plan.template
        if template.name == "spin_direction":
            text = str(rng.choice([f"Is the {name} spinning clockwise or counter-clockwise?",
                                   f"In which direction does the {name} rotate?"]))
            options, letter = multiple_choice(SPIN_TEXT[spin], [SPIN_TEXT[s] for s in SPINS],
                                              plan.letter_index, rng, 3)
            return Question(text, "multiple_choice", letter, options[letter], options,
                            {"kind": "spin_direction", "object": "obj0"}, spin)
        if template.name == "spins_clockwise":
            value = "yes" if spin == "clockwise" else "no"
            text = f"Does the {name} rotate clockwise?"
            return Question(text, "yes_no", value, value, None,
                            {"kind": "spins_clockwise", "object": "obj0"}, value)
        text = str(rng.choice([f"How many full turns does the {name} make?",
                               f"How many complete rotations does the {name} make?"]))
        query = {"kind": "full_turns", "object": "obj0"}
        if template.is_multiple_choice:
            options, letter = multiple_choice(
                str(turns), self.count_options(plan, difficulty, turns, rng), plan.letter_index,
                rng, template.n_options)
            return Question(text, "multiple_choice", letter, options[letter], options, query,
                            turns)
        return Question(text, "number", turns, str(turns), None,
                        query, turns)

    def reversed_answer(self, record: dict) -> Any:
        spin = next(e["direction"] for e in record["timeline"]
                    if e["type"] == "spin" and e["object"] == record["query"]["object"])
        backwards = REVERSED_SPIN[spin]
        kind = record["query"]["kind"]
        if kind == "spin_direction":
            return backwards
        if kind == "spins_clockwise":
            return "yes" if backwards == "clockwise" else "no"
        return record["answer_value"]  # full turns are the same either way
