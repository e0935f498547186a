"""`collision_count`: how often a ball touches the arena walls."""

from __future__ import annotations

from typing import Any, Sequence

import numpy as np

from synrl.suite.base import (Plan, Question, Simulation, Task, TaskError, Template, VideoSpec,
                              lerp, multiple_choice)
from synrl.suite.base import NEEDS_ORDER
from synrl.suite.registry import register
from synrl.suite._shortterm.arena import (AXIS_WALLS, Arena, Bounce, bouncing_track, distractor_tracks,
                               object_radius, scene_colors, wall_contact_events)

WALLS = ("top", "bottom", "left", "right")
# Contacts closer than this (in time) to each other or to the clip's ends are rejected:
# they could not be counted by watching, nor measured from the pixels.
MIN_GAP_S = 0.3
# Per-axis speed limits in pixels per frame: below 1 a turning point is not measurable,
# above 19 a contact falls between frames too far from the wall to see.
MIN_AXIS_STEP, MAX_AXIS_STEP = 1.0, 19.0


@register
class CollisionCount(Task):
    id = "collision_count"
    family = "short_term"
    primitive = "counting"
    description = "Count how many times a ball touches the arena walls while bouncing."
    templates = (
        Template("wall_contacts", "multiple_choice", 4, counts=True),
        Template("wall_contacts_open", "number"),
        Template("axis_contacts", "multiple_choice", 4, counts=True),
        Template("first_wall", "multiple_choice", 4),
    )
    # What answering needs of the frames (checked by `synrl probe`, reported by
    # `synrl stats`).
    frame_needs = {
        "wall_contacts": NEEDS_ORDER,
        "wall_contacts_open": NEEDS_ORDER,
        "axis_contacts": NEEDS_ORDER,
        "first_wall": NEEDS_ORDER,
    }

    def values(self, template: Template, difficulty: int) -> Sequence:
        if template.name == "first_wall":
            return WALLS
        if template.name == "axis_contacts":
            return range(0, 4)
        low, high = round(lerp(difficulty, 1, 3)), round(lerp(difficulty, 4, 8))
        return range(low, high + 1)

    def simulate(self, plan: Plan, rng: np.random.Generator, difficulty: int,
                 video: VideoSpec) -> Simulation:
        num_frames = video.frames_for(lerp(difficulty, 3.0, 6.0))
        duration = num_frames / video.fps
        arena = Arena.for_video(video)
        n_distractors = round(lerp(difficulty, 0, 3))
        colors = scene_colors(rng, video, 1 + n_distractors)
        radius = object_radius(video, rng)
        lengths = {"x": arena.width - 2 * radius, "y": arena.height - 2 * radius}

        for _ in range(1000):
            per_axis, asked_axis = self._axis_counts(plan, rng)
            bounces = {axis: self._bounce_with(per_axis[axis], lengths[axis], duration,
                                               video.fps, rng)
                       for axis in ("x", "y")}
            if None in bounces.values():
                continue
            contacts = sorted(
                [(t, AXIS_WALLS[axis][side]) for axis in ("x", "y")
                 for t, side in bounces[axis].contacts(duration)]
            )
            if self._well_separated([t for t, _ in contacts], duration) and self._satisfies(
                    plan, contacts):
                break
        else:
            raise TaskError(f"collision_count: cannot build a clip for {plan.value!r} in "
                            f"{duration:.1f} s; use a longer duration or lower difficulty")

        target = bouncing_track("obj0", "circle", colors[0], radius, arena, bounces["x"],
                                bounces["y"], num_frames, video.fps, "target")
        others, other_events = distractor_tracks(rng, n_distractors, colors[1:], arena, video,
                                                 num_frames)
        events = wall_contact_events(target, bounces["x"], bounces["y"], duration) + other_events
        events.sort(key=lambda e: (e.start_s, e.params["object"]))
        # The target is drawn last so that no distractor ever hides it.
        return Simulation(video, num_frames, others + [target], events, scene=arena.to_scene(),
                          facts={"asked_axis": asked_axis})

    @staticmethod
    def _axis_counts(plan: Plan, rng: np.random.Generator) -> tuple[dict[str, int], str | None]:
        """Contacts wanted per axis, and the axis a per-axis question asks about."""
        name = plan.template.name
        if name == "axis_contacts":
            axis = "x" if rng.random() < 0.5 else "y"
            other = "y" if axis == "x" else "x"
            return {axis: int(plan.value), other: int(rng.integers(0, 4))}, axis
        total = int(rng.integers(1, 5)) if name == "first_wall" else int(plan.value)
        nx = int(rng.integers(0, total + 1))
        return {"x": nx, "y": total - nx}, None

    @staticmethod
    def _bounce_with(count: int, length: float, duration: float, fps: int,
                     rng: np.random.Generator) -> Bounce | None:
        """A bounce that meets exactly `count` walls within `duration` (constructive)."""
        p0 = float(rng.uniform(0.1, 0.9) * length)
        direction = 1 if rng.random() < 0.5 else -1
        to_first = length - p0 if direction > 0 else p0
        if count == 0:
            low, high = 0.3 * to_first, 0.85 * to_first
        else:
            low, high = to_first + (count - 1) * length, to_first + count * length
        travel = low + float(rng.uniform(0.15, 0.85)) * (high - low)
        speed = travel / duration
        if not MIN_AXIS_STEP * fps <= speed <= MAX_AXIS_STEP * fps:
            return None
        return Bounce(p0, direction * speed, length)

    @staticmethod
    def _well_separated(times: list[float], duration: float) -> bool:
        if any(t < MIN_GAP_S or t > duration - MIN_GAP_S for t in times):
            return False
        return all(b - a >= MIN_GAP_S for a, b in zip(times, times[1:]))

    @staticmethod
    def _satisfies(plan: Plan, contacts: list[tuple[float, str]]) -> bool:
        if plan.template.name == "first_wall":
            return bool(contacts) and contacts[0][1] == plan.value
        return True

    def ask(self, sim: Simulation, plan: Plan, rng: np.random.Generator,
            difficulty: int) -> Question:
        target = sim.track("obj0")
        name = target.name
        contacts = [e.params["wall"] for e in sim.timeline
                    if e.type == "wall_contact" and e.params["object"] == "obj0"]
        template = plan.template
        if template.name == "first_wall":
            value = contacts[0]
            text = str(rng.choice([f"Which wall does the {name} hit first?",
                                   f"The {name} bounces around the box. Which wall does it "
                                   "touch first?"]))
            options, letter = multiple_choice(
                wall_text(value), [wall_text(w) for w in rng.permutation(WALLS)],
                plan.letter_index, rng, template.n_options)
            return Question(text, "multiple_choice", letter, options[letter], options,
                            {"kind": "first_wall", "object": "obj0"}, value)

        if template.name == "axis_contacts":
            walls = list(AXIS_WALLS[sim.facts["asked_axis"]].values())
            value = sum(w in walls for w in contacts)
            text = (f"How many times does the {name} touch the {walls[0]} or the {walls[1]} "
                    "wall?")
        else:
            value = len(contacts)
            walls = list(WALLS)
            text = str(rng.choice([f"How many times does the {name} touch a wall?",
                                   f"The {name} bounces inside the box. How many times does it "
                                   "hit the walls in total?"]))
        query = {"kind": "wall_contacts", "object": "obj0", "walls": walls}
        if template.is_multiple_choice:
            options, letter = multiple_choice(
                str(value), self.count_options(plan, difficulty, value, rng), plan.letter_index, rng,
                template.n_options)
            return Question(text, "multiple_choice", letter, options[letter], options, query,
                            value)
        return Question(text, "number", value, str(value), None,
                        query, value)

    def reversed_answer(self, record: dict) -> Any:
        # Backwards, the same contacts happen in the opposite order.
        if record["query"]["kind"] == "first_wall":
            walls = [e["wall"] for e in record["timeline"]
                     if e["type"] == "wall_contact" and e["object"] == record["query"]["object"]]
            return walls[-1]
        return record["answer_value"]


def wall_text(wall: str) -> str:
    return f"The {wall} wall"
