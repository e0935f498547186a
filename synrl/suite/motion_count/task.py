"""`motion_count`: count discrete movements (jumps, slides) of an object standing on the floor.

Side view: every object stands on the arena's bottom wall in its own lane, and now and then
jumps (a parabolic hop) or slides (an eased move along the floor), resting in between.
"""

from __future__ import annotations

from typing import Any, Sequence

import numpy as np

from synrl.render.shapes import SHAPES, unit_polygon
from synrl.suite.base import (Event, Plan, Question, Simulation, Task, Template, Track,
                              VideoSpec, lerp, multiple_choice)
from synrl.suite.base import NEEDS_ORDER
from synrl.suite.registry import register
from synrl.suite._shortterm.arena import Arena, object_radius, scene_colors

MOTIONS = ("jump", "slide")
MOTION_TEXT = {"jump": "It jumps", "slide": "It slides along the floor"}
# Rest before the first and after the last movement. Rests between movements last
# `rest_seconds`: shorter ones could not be told apart by a viewer, nor by the pixel audit
# (which needs a few still frames).
EDGE_REST_S = 0.3
LANE_PAD_PX = 2.0


def max_count(difficulty: int) -> int:
    return round(lerp(difficulty, 4, 7))


def rest_seconds(difficulty: int) -> float:
    return lerp(difficulty, 0.5, 0.3)


def movement_seconds(difficulty: int) -> tuple[float, float]:
    """Shortest and longest duration of one movement: quicker when harder."""
    return lerp(difficulty, 0.5, 0.38), lerp(difficulty, 0.65, 0.5)


def rest_height(shape: str, radius: float) -> float:
    """Distance from an upright shape's centre (area centroid) down to its lowest point."""
    return -float(unit_polygon(shape)[:, 1].min()) * radius


def schedule(kinds: Sequence[str], duration: float, rest: float,
             rng: np.random.Generator, difficulty: int) -> list[tuple[str, float, float]]:
    """(kind, start_s, end_s) of each movement: random lengths, rests of at least `rest`
    between movements, and at least EDGE_REST_S before the first and after the last."""
    lengths = [float(rng.uniform(*movement_seconds(difficulty))) for _ in kinds]
    free = duration - sum(lengths) - 2 * EDGE_REST_S - rest * max(len(kinds) - 1, 0)
    shares = rng.dirichlet(np.full(len(kinds) + 1, 2.0)) * max(free, 0.0)
    out, t = [], EDGE_REST_S + shares[0]
    for k, (kind, length) in enumerate(zip(kinds, lengths)):
        out.append((kind, t, t + length))
        t += length + rest + shares[k + 1]
    return out


def needed_duration(counts: Sequence[int], rest: float, difficulty: int) -> float:
    """Seconds that fit `max(counts)` movements of the longest length with their rests."""
    most = max(counts)
    return most * movement_seconds(difficulty)[1] + rest * (most - 1) + 2 * EDGE_REST_S + 0.5


def floor_motion(object_id: str, kinds: Sequence[str], lane: tuple[float, float],
                 floor: float, num_frames: int, fps: int, rest: float, arena_height: float,
                 rng: np.random.Generator, difficulty: int) -> tuple[np.ndarray, np.ndarray,
                                                                     list[Event]]:
    """Per-frame centre (x, y) of an object standing at height `floor` in the lane
    [lo, hi] of centre positions, making `kinds` movements, and the movement events."""
    lo, hi = lane
    t = np.arange(num_frames) / fps
    x = np.full(num_frames, float(rng.uniform(lo, hi)))
    y = np.full(num_frames, floor)
    events = []
    for kind, start, end in schedule(kinds, num_frames / fps, rest, rng, difficulty):
        x0 = float(x[min(int(np.ceil(start * fps)), num_frames - 1)])
        if kind == "slide":
            # Far enough to be seen: at least 45% of the lane's free width.
            ends = [v for v in (lo, hi) if abs(v - x0) >= 0.45 * (hi - lo)]
            end_x = ends[int(rng.integers(len(ends)))]
            target_x = x0 + float(np.sign(end_x - x0) * rng.uniform(
                0.45 * (hi - lo), abs(end_x - x0)))
        else:
            target_x = float(np.clip(x0 + rng.uniform(-0.3, 0.3) * (hi - lo), lo, hi))
        during = (t >= start) & (t < end)
        tau = (t[during] - start) / (end - start)
        params: dict[str, Any] = {"object": object_id,
                                  "from_x": round(x0, 2), "to_x": round(target_x, 2)}
        if kind == "jump":
            height = float(rng.uniform(lerp(difficulty, 0.3, 0.2),
                                       lerp(difficulty, 0.45, 0.35))) * arena_height
            x[during] = x0 + (target_x - x0) * tau
            y[during] = floor - height * 4 * tau * (1 - tau)
            params["height_px"] = round(height, 1)
        else:
            x[during] = x0 + (target_x - x0) * tau * tau * (3 - 2 * tau)
        x[t >= end] = target_x
        events.append(Event(kind, start, end, params))
    return x, y, events


@register
class MotionCount(Task):
    id = "motion_count"
    family = "short_term"
    primitive = "counting"
    description = ("Count the discrete movements (jumps, slides) of an object that rests "
                   "between them.")
    templates = (
        Template("jumps", "multiple_choice", 4, counts=True),
        Template("jumps_open", "number"),
        Template("movements", "multiple_choice", 4, counts=True),
        Template("first_motion", "multiple_choice", 2),
    )
    # What answering needs of the frames (checked by `synrl probe`, reported by
    # `synrl stats`).
    frame_needs = {
        "jumps": NEEDS_ORDER,
        "jumps_open": NEEDS_ORDER,
        "movements": NEEDS_ORDER,
        "first_motion": NEEDS_ORDER,
    }

    def values(self, template: Template, difficulty: int) -> Sequence:
        if template.name == "first_motion":
            return MOTIONS
        return range(1, max_count(difficulty) + 1)

    def _kinds(self, plan: Plan, rng: np.random.Generator, difficulty: int) -> list[str]:
        """The target's movements in order."""
        name = plan.template.name
        if name == "first_motion":
            other = "slide" if plan.value == "jump" else "jump"
            rest = [other] + [str(k) for k in rng.choice(MOTIONS, int(rng.integers(0, 3)))]
            rng.shuffle(rest)
            return [plan.value] + rest
        if name == "movements":
            jumps = int(rng.integers(0, int(plan.value) + 1))
            kinds = ["jump"] * jumps + ["slide"] * (int(plan.value) - jumps)
        else:
            # From difficulty 3 the object also slides, which a jump count must leave out.
            slides = int(rng.integers(1, 3)) if difficulty >= 3 else 0
            kinds = ["jump"] * int(plan.value) + ["slide"] * slides
        rng.shuffle(kinds)
        return kinds

    def simulate(self, plan: Plan, rng: np.random.Generator, difficulty: int,
                 video: VideoSpec) -> Simulation:
        n_others = round(lerp(difficulty, 0, 3))
        rest = rest_seconds(difficulty)
        plans = [self._kinds(plan, rng, difficulty)]
        for _ in range(n_others):
            # Other objects move too, with their own counts: counting the wrong one misleads.
            count = int(rng.integers(1, max_count(difficulty) + 1))
            slides = int(rng.integers(0, 3)) if difficulty >= 3 else 0
            kinds = ["jump"] * count + ["slide"] * slides
            rng.shuffle(kinds)
            plans.append(kinds)
        num_frames = video.frames_for(lerp(difficulty, 4.0, 7.0))
        # Never fewer frames than the movements need (short clips via --duration-scale).
        need = needed_duration([len(k) for k in plans], rest, difficulty)
        num_frames = max(num_frames, int(np.ceil(need * video.fps)))

        arena = Arena.for_video(video)
        colors = scene_colors(rng, video, len(plans))
        lane_width = arena.width / len(plans)
        lanes = rng.permutation(len(plans))
        tracks, events = [], []
        for i, kinds in enumerate(plans):
            radius = min(object_radius(video, rng), lane_width / 5)
            shape = str(rng.choice(list(SHAPES)))
            lo = arena.x0 + lanes[i] * lane_width + radius + LANE_PAD_PX
            hi = lo + lane_width - 2 * (radius + LANE_PAD_PX)
            floor = arena.y1 - rest_height(shape, radius)
            object_id = f"obj{i}"
            x, y, moves = floor_motion(object_id, kinds, (lo, hi), floor, num_frames,
                                       video.fps, rest, arena.height, rng, difficulty)
            events += moves
            tracks.append(Track(object_id, shape, colors[i], radius, x, y,
                                np.zeros(num_frames), np.ones(num_frames),
                                np.ones(num_frames, dtype=bool),
                                "target" if i == 0 else "distractor"))
        events.sort(key=lambda e: (e.start_s, e.params["object"]))
        # The target is drawn last, as in every short-term task (lanes never overlap anyway).
        return Simulation(video, num_frames, tracks[1:] + tracks[:1], events,
                          scene=arena.to_scene(), facts={"kinds": plans[0]})

    def ask(self, sim: Simulation, plan: Plan, rng: np.random.Generator,
            difficulty: int) -> Question:
        name = sim.track("obj0").name
        kinds = sim.facts["kinds"]
        template = plan.template
        if template.name == "first_motion":
            value = kinds[0]
            text = str(rng.choice([f"What does the {name} do first?",
                                   f"Which movement does the {name} make first?"]))
            options, letter = multiple_choice(MOTION_TEXT[value],
                                              [MOTION_TEXT[m] for m in MOTIONS],
                                              plan.letter_index, rng, template.n_options)
            return Question(text, "multiple_choice", letter, options[letter], options,
                            {"kind": "first_motion", "object": "obj0"}, value)
        if template.name == "movements":
            counted = list(MOTIONS)
            text = (f"How many separate movements does the {name} make? Count every jump and "
                    "every slide.")
        else:
            counted = ["jump"]
            text = str(rng.choice([f"How many times does the {name} jump?",
                                   f"How many jumps does the {name} make?"]))
        value = sum(k in counted for k in kinds)
        query = {"kind": "motion_count", "object": "obj0", "motions": counted}
        if template.is_multiple_choice:
            options, letter = multiple_choice(
                str(value), self.count_options(plan, difficulty, value, rng),
                plan.letter_index, rng, template.n_options)
            return Question(text, "multiple_choice", letter, options[letter], options, query,
                            value)
        return Question(text, "number", value, str(value), None,
                        query, value)

    def reversed_answer(self, record: dict) -> Any:
        # Backwards a jump is still a jump and a slide a slide, in the opposite order.
        query = record["query"]
        kinds = [e["type"] for e in record["timeline"]
                 if e["type"] in MOTIONS and e["object"] == query["object"]]
        if query["kind"] == "first_motion":
            return kinds[-1]
        return sum(k in query["motions"] for k in kinds)
