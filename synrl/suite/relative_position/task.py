"""`relative_position`: where one object is relative to another at the start and at the end,
how that relation changes, and whether one passes the other.

Every object moves in a straight lane, all lanes parallel (horizontal or vertical), so no
object ever hides another. Along the lanes the subject can be clearly left of / right of
(or above / below) the reference; when the two are nearly level along the lanes, the lane
offset decides the relation (above / below, or left / right).
"""

from __future__ import annotations

from itertools import permutations
from typing import Any, Sequence

import numpy as np

from synrl.render.shapes import SHAPES
from synrl.suite.base import (Event, Plan, Question, Simulation, Task, TaskError, Template,
                              Track, VideoSpec, lerp, multiple_choice, pivoted)
from synrl.suite.base import NEEDS_FRAMES, NEEDS_ORDER
from synrl.suite.registry import register
from synrl.suite._shortterm.arena import Arena, scene_colors

RELATIONS = ("left", "right", "above", "below")
OPPOSITE = {"left": "right", "right": "left", "above": "below", "below": "above"}
# Relation of a negative / positive offset along each screen axis (y points down).
AXIS_RELATIONS = {"x": ("left", "right"), "y": ("above", "below")}
OTHER_AXIS = {"x": "y", "y": "x"}
RELATION_PAIRS = tuple(permutations(RELATIONS, 2))
# Pixel sizes below are for a 448-px frame and scale with the frame.
REFERENCE_SIZE = 448
MAX_SPEED = 150.0  # px/s along a lane
LANE_CLEARANCE = 8.0  # px between the edges of objects in neighbouring lanes


def relation_of(dx: float, dy: float) -> str:
    """Relation of an offset (subject minus reference) by its dominant axis."""
    if abs(dx) >= abs(dy):
        return "left" if dx < 0 else "right"
    return "above" if dy < 0 else "below"


def relation_option(relation: str, reference: str) -> str:
    return {"left": f"Left of the {reference}", "right": f"Right of the {reference}",
            "above": f"Above the {reference}", "below": f"Below the {reference}"}[relation]


def change_option(start: str, end: str) -> str:
    it = {"left": "left of it", "right": "right of it", "above": "above it",
          "below": "below it"}
    text = f"{it[start]} at the start, {it[end]} at the end"
    return text[0].upper() + text[1:]


def change_distractors(start: str, end: str, rng: np.random.Generator) -> list[str]:
    """Near-misses of a relation change, most plausible first: the reversed order, the
    swapped pair (the reference relative to the subject), one moment changed."""
    return [change_option(a, b) for a, b in change_pairs(start, end, rng)]


def change_pairs(start: str, end: str, rng: np.random.Generator) -> list[tuple[str, str]]:
    """The (start, end) pairs of `change_distractors`."""
    near = [(end, start), (OPPOSITE[start], OPPOSITE[end]), (OPPOSITE[end], OPPOSITE[start])]
    one = [(start, r) for r in RELATIONS if r not in (start, end)]
    one += [(r, end) for r in RELATIONS if r not in (start, end)]
    rng.shuffle(one)
    return [(a, b) for a, b in near + one if a != b]


@register
class RelativePosition(Task):
    id = "relative_position"
    family = "short_term"
    primitive = "spatial_relation"
    description = ("Track where one moving object is relative to another: at the start, at "
                   "the end, how it changes, and whether one passes the other.")
    templates = (
        Template("relation_start", "multiple_choice", 4),
        Template("relation_end", "multiple_choice", 4),
        Template("relation_change", "multiple_choice", 4),
        Template("passed", "yes_no"),
    )
    # What answering needs of the frames (checked by `synrl probe`, reported by
    # `synrl stats`).
    frame_needs = {
        "relation_start": NEEDS_ORDER,
        "relation_end": NEEDS_ORDER,
        "relation_change": NEEDS_ORDER,
        "passed": NEEDS_FRAMES,
    }

    def values(self, template: Template, difficulty: int) -> Sequence:
        if template.name == "relation_change":
            return RELATION_PAIRS
        if template.name == "passed":
            return ("yes", "no")
        return RELATIONS

    # -- simulation -------------------------------------------------------------------

    def simulate(self, plan: Plan, rng: np.random.Generator, difficulty: int,
                 video: VideoSpec) -> Simulation:
        num_frames = video.frames_for(lerp(difficulty, 3.0, 5.0))
        duration = num_frames / video.fps
        arena = Arena.for_video(video)
        size = min(video.width, video.height)
        unit = size / REFERENCE_SIZE
        name = plan.template.name
        relations = self._planned_relations(plan, rng)
        # The dominant offset is at least `ratio` times the other one: the harder, the
        # closer to diagonal the two objects may be.
        ratio = lerp(difficulty, 2.5, 1.8)
        radii = [float(rng.uniform(0.04, 0.05) * size) for _ in range(2)]

        for _ in range(2000):
            layout = self._pair_layout(relations, plan.value if name == "passed" else None,
                                       radii, ratio, arena, duration, difficulty, unit, rng)
            if layout is not None:
                break
        else:
            raise TaskError("relative_position: cannot lay out the pair in this arena; use a "
                            "larger frame or a lower difficulty")
        axis, lanes, along = layout

        n_distractors = round(lerp(difficulty, 0, 3))
        colors = scene_colors(rng, video, 2 + n_distractors)
        lane_objects = [(lanes[0], radii[0]), (lanes[1], radii[1])]
        distractor_lanes = []
        for _ in range(n_distractors):
            radius = float(rng.uniform(0.035, 0.05) * size)
            lane = self._free_lane(axis, radius, lane_objects, arena, LANE_CLEARANCE * unit, rng)
            if lane is None:
                break
            lane_objects.append((lane, radius))
            distractor_lanes.append((lane, radius))

        t = np.arange(num_frames) / (num_frames - 1)
        tracks, events = [], []
        roles = ("target", "reference")
        for k, ((u0, u1), lane, radius) in enumerate(zip(along, lanes, radii)):
            tracks.append(self._lane_track(f"obj{k}", str(rng.choice(SHAPES)), colors[k],
                                           radius, axis, lane, u0, u1, t, roles[k]))
        for k, (lane, radius) in enumerate(distractor_lanes):
            lo, hi = self._along_bounds(axis, radius, arena)
            u0 = float(rng.uniform(lo, hi))
            reach = MAX_SPEED * unit * 0.8 * duration
            u1 = float(rng.uniform(max(lo, u0 - reach), min(hi, u0 + reach)))
            tracks.append(self._lane_track(f"obj{k + 2}", str(rng.choice(SHAPES)), colors[k + 2],
                                           radius, axis, lane, u0, u1, t, "distractor"))
        for track in tracks:
            events.append(Event("move", 0.0, duration, {
                "object": track.id, "axis": axis,
                "from": [round(float(track.x[0]), 2), round(float(track.y[0]), 2)],
                "to": [round(float(track.x[-1]), 2), round(float(track.y[-1]), 2)]}))
        subject, reference = tracks[0], tracks[1]
        dx, dy = subject.x - reference.x, subject.y - reference.y
        for at, frame in ((0.0, 0), (duration, num_frames - 1)):
            events.append(Event("relation", at, at, {
                "object": "obj0", "reference": "obj1",
                "relation": relation_of(float(dx[frame]), float(dy[frame]))}))
        offset = dx if axis == "x" else dy
        crossing = np.flatnonzero(np.sign(offset[1:]) != np.sign(offset[:-1]))
        for frame in crossing:
            # Linear motion: the exact time the offset along the lanes is zero.
            a, b = float(offset[frame]), float(offset[frame + 1])
            at = (frame + a / (a - b)) / video.fps
            events.append(Event("pass", at, at, {"object": "obj0", "reference": "obj1",
                                                 "axis": axis}))
        events.sort(key=lambda e: (e.start_s, e.type))
        return Simulation(video, num_frames, tracks, events, scene=arena.to_scene(),
                          facts={"axis": axis})

    @staticmethod
    def _planned_relations(plan: Plan, rng: np.random.Generator) -> tuple[str, str] | None:
        """(start, end) relations the clip must show, or None for the passing question."""
        name = plan.template.name
        if name == "relation_change":
            return tuple(plan.value)
        if name == "passed":
            return None
        # Mostly a different relation at the other moment: the question then needs the
        # right moment, not any frame.
        other = plan.value if rng.random() < 0.25 else str(
            rng.choice([r for r in RELATIONS if r != plan.value]))
        return (plan.value, other) if name == "relation_start" else (other, plan.value)

    @staticmethod
    def _along_bounds(axis: str, radius: float, arena: Arena) -> tuple[float, float]:
        if axis == "x":
            return arena.x0 + radius, arena.x1 - radius
        return arena.y0 + radius, arena.y1 - radius

    def _pair_layout(self, relations: tuple[str, str] | None, passes: str | None,
                     radii: list[float], ratio: float, arena: Arena, duration: float,
                     difficulty: int, unit: float, rng: np.random.Generator):
        """One random try at lanes and along-lane motion for subject and reference:
        (axis, (lane_subject, lane_reference), ((u0, u1) subject, (u0, u1) reference)) or
        None when the draw does not fit."""
        if relations is None:
            axis = str(rng.choice(["x", "y"]))
        else:
            # An axis fails when both relations are across the lanes and differ: the lane
            # offset cannot change sign.
            feasible = [a for a in ("x", "y")
                        if not (relations[0] in AXIS_RELATIONS[OTHER_AXIS[a]]
                                and relations[1] in AXIS_RELATIONS[OTHER_AXIS[a]]
                                and relations[0] != relations[1])]
            axis = str(rng.choice(feasible))
        along_rel, lane_rel = AXIS_RELATIONS[axis], AXIS_RELATIONS[OTHER_AXIS[axis]]
        gap = radii[0] + radii[1] + float(rng.uniform(1, 3)) * LANE_CLEARANCE * unit
        lane_sign = float(rng.choice([-1.0, 1.0]))
        offsets = []
        if relations is None:
            # Passing: the offset along the lanes changes sign (yes) or keeps it (no); one
            # end is near the other object and one far, in either order, so the answer is
            # the same played backwards.
            margin = lerp(difficulty, 70.0, 25.0) * unit
            near = float(rng.uniform(margin, margin + 60 * unit))
            far = float(rng.uniform(margin + 60 * unit, margin + 200 * unit))
            first_sign = float(rng.choice([-1.0, 1.0]))
            second_sign = -first_sign if passes == "yes" else first_sign
            sizes = (near, far) if rng.random() < 0.5 else (far, near)
            offsets = [first_sign * sizes[0], second_sign * sizes[1]]
        else:
            for relation in relations:
                if relation in along_rel:
                    sign = -1.0 if relation == along_rel[0] else 1.0
                    offsets.append(sign * float(rng.uniform(ratio * gap,
                                                            ratio * gap + 160 * unit)))
                else:
                    lane_sign = -1.0 if relation == lane_rel[0] else 1.0
                    offsets.append(float(rng.uniform(-gap / ratio, gap / ratio)))
        lo = [self._along_bounds(axis, r, arena) for r in radii]
        b0, b1 = (float(rng.uniform(*lo[1])) for _ in range(2))
        a0, a1 = b0 + offsets[0], b1 + offsets[1]
        if not (lo[0][0] <= a0 <= lo[0][1] and lo[0][0] <= a1 <= lo[0][1]):
            return None
        if max(abs(a1 - a0), abs(b1 - b0)) > MAX_SPEED * unit * duration:
            return None
        if max(abs(a1 - a0), abs(b1 - b0)) < 40.0 * unit:
            return None  # somebody must visibly move
        cross_lo = (arena.y0, arena.y1) if axis == "x" else (arena.x0, arena.x1)
        reference_lane = float(rng.uniform(cross_lo[0] + radii[1], cross_lo[1] - radii[1]))
        subject_lane = reference_lane + lane_sign * gap
        if not cross_lo[0] + radii[0] <= subject_lane <= cross_lo[1] - radii[0]:
            return None
        return axis, (subject_lane, reference_lane), ((a0, a1), (b0, b1))

    @staticmethod
    def _free_lane(axis: str, radius: float, taken: list[tuple[float, float]], arena: Arena,
                   clearance: float, rng: np.random.Generator) -> float | None:
        lo, hi = (arena.y0, arena.y1) if axis == "x" else (arena.x0, arena.x1)
        for _ in range(200):
            lane = float(rng.uniform(lo + radius, hi - radius))
            if all(abs(lane - other) >= radius + r + clearance for other, r in taken):
                return lane
        return None

    @staticmethod
    def _lane_track(track_id: str, shape: str, color: str, radius: float, axis: str,
                    lane: float, u0: float, u1: float, t: np.ndarray, role: str) -> Track:
        along = u0 + (u1 - u0) * t
        across = np.full(len(t), lane)
        x, y = (along, across) if axis == "x" else (across, along)
        return Track(track_id, shape, color, radius, x, y, np.zeros(len(t)), np.ones(len(t)),
                     np.ones(len(t), dtype=bool), role)

    # -- question ---------------------------------------------------------------------

    def ask(self, sim: Simulation, plan: Plan, rng: np.random.Generator,
            difficulty: int) -> Question:
        subject, reference = sim.track("obj0").name, sim.track("obj1").name
        start, end = (e.params["relation"] for e in sorted(
            (e for e in sim.timeline if e.type == "relation"), key=lambda e: e.start_s))
        template = plan.template
        query: dict[str, Any] = {"kind": template.name, "object": "obj0", "reference": "obj1"}
        if template.name == "passed":
            value = "yes" if any(e.type == "pass" for e in sim.timeline) else "no"
            text = str(rng.choice([
                f"Do the {subject} and the {reference} pass each other during the video?",
                f"Does one of the {subject} and the {reference} get past the other, so that "
                "they swap sides?"]))
            return Question(text, "yes_no", value, value, None, query, value)
        if template.name == "relation_change":
            text = str(rng.choice([
                f"How does the position of the {subject} relative to the {reference} change "
                "from the start to the end of the video?",
                f"Where is the {subject} relative to the {reference} at the start, and where "
                "at the end?"]))
            pairs = pivoted((start, end), lambda p: change_pairs(p[0], p[1], rng),
                            template.n_options, rng)
            options, letter = multiple_choice(change_option(start, end),
                                              [change_option(a, b) for a, b in pairs],
                                              plan.letter_index, rng, template.n_options)
            return Question(text, "multiple_choice", letter, options[letter], options, query,
                            [start, end])
        value = start if template.name == "relation_start" else end
        moment = "start" if template.name == "relation_start" else "end"
        text = str(rng.choice([
            f"Where is the {subject} relative to the {reference} at the {moment} of the video?",
            f"At the {moment} of the video, where is the {subject} compared with the "
            f"{reference}?"]))
        other = end if moment == "start" else start
        # All four relations are offered; the relation at the other moment and the swapped
        # pair come first among the near-misses.
        near = [other, OPPOSITE[value]] + list(RELATIONS)
        options, letter = multiple_choice(relation_option(value, reference),
                                          [relation_option(r, reference) for r in near],
                                          plan.letter_index, rng, template.n_options)
        return Question(text, "multiple_choice", letter, options[letter], options, query, value)

    def reversed_answer(self, record: dict) -> Any:
        # Backwards the start and end relations swap; passing stays passing.
        relations = sorted((e for e in record["timeline"] if e["type"] == "relation"),
                           key=lambda e: e["start_ms"])
        start, end = relations[0]["relation"], relations[-1]["relation"]
        kind = record["query"]["kind"]
        if kind == "relation_start":
            return end
        if kind == "relation_end":
            return start
        if kind == "relation_change":
            return [end, start]
        return record["answer_value"]
