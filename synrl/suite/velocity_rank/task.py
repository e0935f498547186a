"""`velocity_rank`: compare the speeds of several objects bouncing around the arena."""

from __future__ import annotations

import math
from itertools import permutations
from typing import Any, Mapping, Sequence

import numpy as np

from synrl.answers import canonical_list
from synrl.render.shapes import SHAPES
from synrl.suite.base import (Event, Plan, Question, Simulation, Task, TaskError, Template,
                              Track, VideoSpec, lerp, multiple_choice)
from synrl.suite.base import NEEDS_FRAMES
from synrl.suite.registry import register
from synrl.suite._shortterm.arena import (Arena, Bounce, bouncing_track, object_radius, scene_colors,
                               wall_contact_events)


# At most this share of an object's frames may overlap another object.
MAX_OVERLAP_FRACTION = 0.3


def max_overlap_fraction(tracks: Sequence[Track]) -> float:
    """The largest share of frames in which an object overlaps any other object."""
    worst = 0.0
    for a in tracks:
        hit = np.zeros(len(a.x), dtype=bool)
        for b in tracks:
            if b is not a:
                hit |= np.hypot(a.x - b.x, a.y - b.y) < a.radius + b.radius + 3
        worst = max(worst, float(hit.mean()))
    return worst


def object_count(difficulty: int) -> int:
    return round(lerp(difficulty, 3, 4))


def object_ids(difficulty: int) -> list[str]:
    return [f"obj{i}" for i in range(object_count(difficulty))]


def ranking(speeds: Mapping[str, float]) -> list[str]:
    """Object ids from fastest to slowest."""
    return sorted(speeds, key=lambda k: -speeds[k])


def answer_from_speeds(query: Mapping[str, Any], speeds: Mapping[str, float]) -> Any:
    """The answer value of `query` given each object's speed (simulated or measured)."""
    if query["kind"] == "fastest":
        return ranking({k: speeds[k] for k in query["objects"]})[0]
    if query["kind"] == "speed_ranking":
        return ranking({k: speeds[k] for k in query["objects"]})
    if query["kind"] == "faster":
        a, b = query["objects"]
        return "yes" if speeds[a] > speeds[b] else "no"
    raise KeyError(f"unknown velocity_rank query kind {query['kind']!r}")


@register
class VelocityRank(Task):
    id = "velocity_rank"
    family = "short_term"
    primitive = "speed"
    description = "Tell which object moves fastest, or rank several objects by speed."
    templates = (
        Template("fastest", "multiple_choice", 3),
        Template("ranking", "multiple_choice", 4),
        Template("ranking_open", "list"),
        Template("faster_than", "yes_no"),
    )
    # What answering needs of the frames (checked by `synrl probe`, reported by
    # `synrl stats`).
    frame_needs = {
        "fastest": NEEDS_FRAMES,
        "ranking": NEEDS_FRAMES,
        "ranking_open": NEEDS_FRAMES,
        "faster_than": NEEDS_FRAMES,
    }

    def values(self, template: Template, difficulty: int) -> Sequence:
        ids = object_ids(difficulty)
        if template.name == "fastest":
            return ids
        if template.name == "faster_than":
            return ("yes", "no")
        return tuple(permutations(ids))

    def simulate(self, plan: Plan, rng: np.random.Generator, difficulty: int,
                 video: VideoSpec) -> Simulation:
        ids = object_ids(difficulty)
        name = plan.template.name
        if name == "fastest":
            rest = [i for i in ids if i != plan.value]
            order = [plan.value] + [rest[k] for k in rng.permutation(len(rest))]
        elif name == "faster_than":
            order = [ids[k] for k in rng.permutation(len(ids))]
        else:
            order = list(plan.value)
        # Neighbouring ranks differ by `ratio`: the harder, the closer the speeds.
        ratio = lerp(difficulty, 1.7, 1.25)
        # Centroid jitter does not shrink with the frame, so neither do speeds below 80%.
        unit = max(min(video.width, video.height) / 448, 0.8)
        slowest = float(rng.uniform(55, 75)) * unit
        speeds = {oid: slowest * ratio ** (len(order) - 1 - rank) * float(rng.uniform(0.97, 1.03))
                  for rank, oid in enumerate(order)}

        num_frames = video.frames_for(lerp(difficulty, 3.0, 5.0))
        duration = num_frames / video.fps
        arena = Arena.for_video(video)
        colors = scene_colors(rng, video, len(ids))
        shapes = [str(rng.choice(list(SHAPES))) for _ in ids]
        radii = [object_radius(video, rng) for _ in ids]
        # Speeds are judged by watching each object move; one that spends much of the clip
        # overlapping another cannot be judged (nor measured), so such layouts are redrawn.
        for _ in range(100):
            tracks, events = [], []
            for i, oid in enumerate(ids):
                radius = radii[i]
                heading = float(rng.uniform(0, 2 * math.pi))
                axes = []
                for component, length in ((math.cos(heading), arena.width - 2 * radius),
                                          (-math.sin(heading), arena.height - 2 * radius)):
                    axes.append(Bounce(float(rng.uniform(0, length)), speeds[oid] * component,
                                       length))
                track = bouncing_track(oid, shapes[i], colors[i], radius, arena, axes[0],
                                       axes[1], num_frames, video.fps, "target")
                tracks.append(track)
                events.append(Event("motion", 0.0, duration,
                                    {"object": oid, "speed_px_s": round(speeds[oid], 2),
                                     "speed_rank": order.index(oid) + 1,
                                     "heading_deg": round(math.degrees(heading), 1)}))
                events += wall_contact_events(track, axes[0], axes[1], duration)
            if max_overlap_fraction(tracks) <= MAX_OVERLAP_FRACTION:
                break
        else:
            raise TaskError("velocity_rank: cannot place the objects without long overlaps; "
                            "use a larger frame or a lower difficulty")
        events.sort(key=lambda e: (e.start_s, e.type, e.params["object"]))
        facts = {"speeds": speeds}
        if name == "faster_than":
            a, b = (ids[k] for k in rng.choice(len(ids), size=2, replace=False))
            if (speeds[a] > speeds[b]) != (plan.value == "yes"):
                a, b = b, a
            facts["pair"] = [a, b]
        return Simulation(video, num_frames, tracks, events, scene=arena.to_scene(),
                          facts=facts)

    def ask(self, sim: Simulation, plan: Plan, rng: np.random.Generator,
            difficulty: int) -> Question:
        speeds = sim.facts["speeds"]
        ids = [t.id for t in sim.tracks]
        names = {t.id: t.name for t in sim.tracks}
        template = plan.template
        if template.name == "fastest":
            query = {"kind": "fastest", "objects": ids}
            value = answer_from_speeds(query, speeds)
            text = str(rng.choice(["Which object moves fastest?",
                                   "Which of the objects has the highest speed?"]))
            # The next fastest objects are the hardest to tell apart from the fastest.
            options, letter = multiple_choice(
                f"The {names[value]}", [f"The {names[i]}" for i in ranking(speeds)[1:]],
                plan.letter_index, rng, template.n_options)
            return Question(text, "multiple_choice", letter, options[letter], options, query,
                            value)
        if template.name == "faster_than":
            a, b = sim.facts["pair"]
            query = {"kind": "faster", "objects": [a, b]}
            value = answer_from_speeds(query, speeds)
            text = f"Is the {names[a]} moving faster than the {names[b]}?"
            return Question(text, "yes_no", value, value, None, query, value)
        query = {"kind": "speed_ranking", "objects": ids}
        order = answer_from_speeds(query, speeds)
        text = "Order the objects from fastest to slowest."
        if template.name == "ranking_open":
            answer = canonical_list([names[i] for i in order])
            return Question(text + " Name each by its colour and shape.", "list", answer,
                            ", ".join(answer), None, query, order,
                            extra={"answer_ordered": True})
        # Any other order is a plausible misreading; drawing them at random gives the right
        # order no structural tell (such as being the one order close to all the others).
        others = [list(p) for p in permutations(ids) if list(p) != order]
        picks = [others[k] for k in rng.permutation(len(others))]
        options, letter = multiple_choice(
            order_text(order, names), [order_text(p, names) for p in picks], plan.letter_index,
            rng, template.n_options)
        return Question(text, "multiple_choice", letter, options[letter], options, query, order)

    def reversed_answer(self, record: dict) -> Any:
        # Speeds do not depend on the direction of time.
        speeds = {e["object"]: e["speed_px_s"] for e in record["timeline"]
                  if e["type"] == "motion"}
        return answer_from_speeds(record["query"], speeds)


def order_text(order: Sequence[str], names: Mapping[str, str]) -> str:
    text = ", ".join(names[i] for i in order)
    return text[0].upper() + text[1:]
