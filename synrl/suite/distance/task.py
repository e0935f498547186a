"""`distance`: which pair of moving objects is closest or farthest at the start or when the
motion stops, and whether two objects get closer together or farther apart.

Objects hold still for a moment at the start and at the end and move in straight lines in
between, so "at the start" and "when the motion stops" are moments a viewer can see.
"""

from __future__ import annotations

import math
from itertools import combinations
from typing import Any, Sequence

import numpy as np

from synrl.render.shapes import SHAPES
from synrl.suite.base import (Event, Plan, Question, Simulation, Task, TaskError, Template,
                              Track, VideoSpec, lerp, multiple_choice)
from synrl.suite.base import NEEDS_ORDER
from synrl.suite.registry import register
from synrl.suite._shortterm.arena import Arena, scene_colors

TRENDS = ("closer", "farther", "same")
TREND_TEXT = {"closer": "They get closer together", "farther": "They get farther apart",
              "same": "They stay the same distance apart"}
REVERSED_TREND = {"closer": "farther", "farther": "closer", "same": "same"}
MOMENTS = ("start", "end")
HOLD_S = 0.4  # still at both ends of the clip
# Pixel sizes below are for a 448-px frame and scale with the frame.
REFERENCE_SIZE = 448
MAX_SPEED = 150.0  # px/s
CLEARANCE_PX = 6.0  # objects never come closer than this, edge to edge
# At the moment not asked about, the extreme pair still stands out by this factor, so the
# time-reversed question (which asks about that moment) has a clear answer too.
OTHER_MOMENT_MARGIN = 1.12


def object_count(difficulty: int) -> int:
    return round(lerp(difficulty, 4, 6))


def extreme_pair(points: Sequence[tuple[float, float]], ids: Sequence[str],
                 which: str) -> tuple[list[str], float]:
    """The closest (or farthest) pair of ids, and how much it stands out: the ratio of the
    runner-up's distance to its distance (inverted for farthest), >= 1."""
    ranked = sorted((math.dist(points[i], points[j]), i, j)
                    for i, j in combinations(range(len(points)), 2))
    if which == "farthest":
        ranked = ranked[::-1]
    (d1, i, j), (d2, _, _) = ranked[0], ranked[1]
    margin = d2 / d1 if which == "closest" else d1 / d2
    return [ids[i], ids[j]], margin


def positions_at(tracks: Sequence[Any], frame: int) -> list[tuple[float, float]]:
    return [(float(t["x"][frame]), float(t["y"][frame])) if isinstance(t, dict)
            else (float(t.x[frame]), float(t.y[frame])) for t in tracks]


def min_clearance(paths: np.ndarray, radii: np.ndarray) -> float:
    """Smallest edge-to-edge distance between any two objects over all frames.
    `paths` is (objects, frames, 2)."""
    best = math.inf
    for i, j in combinations(range(len(paths)), 2):
        gap = np.min(np.hypot(*(paths[i] - paths[j]).T)) - radii[i] - radii[j]
        best = min(best, float(gap))
    return best


@register
class Distance(Task):
    id = "distance"
    family = "short_term"
    primitive = "distance"
    description = ("Judge distances between moving objects: the closest or farthest pair at a "
                   "moment, and whether two objects get closer or farther apart.")
    templates = (
        Template("closest_pair", "multiple_choice", 4),
        Template("farthest_pair", "multiple_choice", 4),
        Template("trend", "multiple_choice", 3),
        Template("got_closer", "yes_no"),
    )
    # What answering needs of the frames (checked by `synrl probe`, reported by
    # `synrl stats`).
    frame_needs = {
        "closest_pair": NEEDS_ORDER,
        "farthest_pair": NEEDS_ORDER,
        "trend": NEEDS_ORDER,
        "got_closer": NEEDS_ORDER,
    }

    def values(self, template: Template, difficulty: int) -> Sequence:
        if template.name in ("closest_pair", "farthest_pair"):
            # Pairs of object ids; ids are assigned to the objects at random.
            return tuple(combinations([f"obj{i}" for i in range(object_count(difficulty))], 2))
        if template.name == "trend":
            return TRENDS
        return ("yes", "no")

    # -- simulation -------------------------------------------------------------------

    def simulate(self, plan: Plan, rng: np.random.Generator, difficulty: int,
                 video: VideoSpec) -> Simulation:
        num_frames = video.frames_for(lerp(difficulty, 3.0, 5.0))
        fps = video.fps
        arena = Arena.for_video(video)
        size = min(video.width, video.height)
        px = size / REFERENCE_SIZE
        hold = max(1, int(round(HOLD_S * fps)))
        # 0 before the motion, 1 after it, linear in between.
        progress = np.clip((np.arange(num_frames) - hold) / max(1, num_frames - 1 - 2 * hold),
                           0.0, 1.0)
        move_s = (num_frames - 1 - 2 * hold) / fps
        name = plan.template.name
        if name in ("closest_pair", "farthest_pair"):
            n = object_count(difficulty)
            radii = rng.uniform(0.035, 0.045, size=n) * size
            moment = str(rng.choice(MOMENTS))
            which = "closest" if name == "closest_pair" else "farthest"
            starts, ends = self._pair_layout(plan.value, which, moment, radii, arena, move_s,
                                             progress, difficulty, px, rng)
            facts = {"moment": moment, "which": which}
        else:
            trend = plan.value if name == "trend" else (
                "closer" if plan.value == "yes" else str(rng.choice(["farther", "same"])))
            n = 2 + round(lerp(difficulty, 1, 3))
            radii = rng.uniform(0.035, 0.05, size=n) * size
            starts, ends = self._trend_layout(trend, radii, arena, move_s, progress,
                                              difficulty, px, rng)
            facts = {"trend": trend}

        colors = scene_colors(rng, video, n)
        shapes = rng.choice(list(SHAPES), size=n)
        tracks = []
        for i in range(n):
            xy = starts[i] + np.outer(progress, ends[i] - starts[i])
            if "trend" in facts:
                role = "target" if i < 2 else "distractor"
            else:
                role = "target"  # every object belongs to some pair
            tracks.append(Track(f"obj{i}", str(shapes[i]), colors[i], float(radii[i]), xy[:, 0],
                                xy[:, 1], np.zeros(num_frames), np.ones(num_frames),
                                np.ones(num_frames, dtype=bool), role))
        t0, t1 = hold / fps, (num_frames - 1 - hold) / fps
        events = [Event("move", t0, t1, {
            "object": t.id, "from": [round(float(t.x[0]), 2), round(float(t.y[0]), 2)],
            "to": [round(float(t.x[-1]), 2), round(float(t.y[-1]), 2)]}) for t in tracks]
        if "trend" in facts:
            d0 = math.dist(starts[0], starts[1])
            d1 = math.dist(ends[0], ends[1])
            events.append(Event("distance_change", t0, t1, {
                "objects": ["obj0", "obj1"], "start_px": round(d0, 2), "end_px": round(d1, 2),
                "trend": facts["trend"]}))
        events.sort(key=lambda e: (e.start_s, e.type))
        return Simulation(video, num_frames, tracks, events, scene=arena.to_scene(),
                          facts=facts)

    @staticmethod
    def _inside(points: np.ndarray, radii: np.ndarray, arena: Arena) -> bool:
        low = np.array([arena.x0, arena.y0]) + radii[:, None]
        high = np.array([arena.x1, arena.y1]) - radii[:, None]
        return bool(np.all(points >= low) and np.all(points <= high))

    def _pair_layout(self, pair: Sequence[str], which: str, moment: str, radii: np.ndarray,
                     arena: Arena, move_s: float, progress: np.ndarray, difficulty: int,
                     px: float, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
        """Start and end points where `pair` is the `which` pair at `moment` by a margin
        (smaller when harder), another pair is it at the other moment, and no two objects
        ever touch."""
        n = len(radii)
        ids = [f"obj{i}" for i in range(n)]
        margin = (lerp(difficulty, 1.5, 1.15) if which == "closest"
                  else lerp(difficulty, 1.3, 1.12))
        reach = MAX_SPEED * px * move_s
        for _ in range(2000):
            asked = self._extreme_layout(which, margin, radii, arena, CLEARANCE_PX * px, rng)
            if asked is None:
                continue
            for _ in range(40):
                other = self._displaced(asked, radii, reach, arena, rng)
                other_pair, other_stand_out = extreme_pair(other, ids, which)
                if other_pair == ids[:2] or other_stand_out < OTHER_MOMENT_MARGIN:
                    continue
                starts, ends = (asked, other) if moment == "start" else (other, asked)
                paths = starts[:, None, :] + progress[None, :, None] * (ends - starts)[:, None, :]
                if min_clearance(paths, radii) < CLEARANCE_PX * px:
                    continue
                # Objects 0 and 1 are the extreme pair; renumber so that it carries the
                # planned ids, the other objects in random order.
                wanted = [ids.index(i) for i in pair]
                order = np.empty(n, dtype=int)
                order[wanted] = [0, 1] if rng.random() < 0.5 else [1, 0]
                order[[k for k in range(n) if k not in wanted]] = 2 + rng.permutation(n - 2)
                radii[:] = radii[order]
                return starts[order], ends[order]
        raise TaskError(f"distance: cannot lay out {n} objects with the planned {which} pair; "
                        "use a lower difficulty or a larger frame")

    @staticmethod
    def _displaced(points: np.ndarray, radii: np.ndarray, reach: float, arena: Arena,
                   rng: np.random.Generator) -> np.ndarray:
        """Each point moved up to `reach` in a random direction, staying in the arena."""
        low = np.array([arena.x0, arena.y0]) + radii[:, None]
        high = np.array([arena.x1, arena.y1]) - radii[:, None]
        out = points.copy()
        for k in range(len(points)):
            for _ in range(100):
                step = reach * math.sqrt(rng.uniform(0.05, 1))
                candidate = points[k] + step * unit(rng.uniform(0, 2 * math.pi))
                if np.all(candidate >= low[k]) and np.all(candidate <= high[k]):
                    out[k] = candidate
                    break
        return out

    def _extreme_layout(self, which: str, margin: float, radii: np.ndarray, arena: Arena,
                        clearance: float, rng: np.random.Generator) -> np.ndarray | None:
        """Points where objects 0 and 1 are the closest (or farthest) pair by `margin`, or
        None when a draw fails."""
        n = len(radii)
        low = np.array([arena.x0, arena.y0]) + radii.max()
        high = np.array([arena.x1, arena.y1]) - radii.max()
        span = float(np.linalg.norm(high - low))
        first = low + rng.uniform(0, 1, size=2) * (high - low)
        if which == "closest":
            gap = float(rng.uniform(radii[0] + radii[1] + 3 * clearance, 0.3 * span))
        else:
            gap = float(rng.uniform(0.6, 0.95) * span)
        second = first + gap * unit(rng.uniform(0, 2 * math.pi))
        if np.any(second < low) or np.any(second > high):
            return None
        points = [first, second]
        for k in range(2, n):
            for _ in range(60):
                candidate = low + rng.uniform(0, 1, size=2) * (high - low)
                dist = np.array([np.linalg.norm(candidate - p) for p in points])
                touching = dist < radii[k] + radii[:k] + 2 * clearance
                if which == "closest":
                    fits = np.all(dist >= margin * gap)
                else:
                    fits = np.all(dist <= gap / margin)
                if fits and not touching.any():
                    points.append(candidate)
                    break
            else:
                return None
        return np.array(points)

    def _trend_layout(self, trend: str, radii: np.ndarray, arena: Arena, move_s: float,
                      progress: np.ndarray, difficulty: int, px: float,
                      rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
        """Start and end points where objects 0 and 1 get closer / farther (distance ratio
        nearer 1 when harder, changing monotonically) or keep their distance while both
        move; the others wander; no two objects ever touch."""
        n = len(radii)
        ratio_high = lerp(difficulty, 0.55, 0.78)
        low = np.array([arena.x0, arena.y0]) + radii.max()
        high = np.array([arena.x1, arena.y1]) - radii.max()
        reach = MAX_SPEED * px * move_s
        clearance = CLEARANCE_PX * px
        for _ in range(20000):
            d0 = float(rng.uniform(120, 280)) * px
            ratio = float(rng.uniform(ratio_high - 0.12, ratio_high))
            d1 = {"closer": d0 * ratio, "farther": d0 / ratio, "same": d0}[trend]
            a0 = low + rng.uniform(0, 1, size=2) * (high - low)
            theta0 = rng.uniform(0, 2 * math.pi)
            b0 = a0 + d0 * np.array([math.cos(theta0), math.sin(theta0)])
            if trend == "same":
                # Both move the same way: the distance holds although everything moves.
                shift = rng.uniform(80 * px, reach) * unit(rng.uniform(0, 2 * math.pi))
                a1, b1 = a0 + shift, b0 + shift
            else:
                b1 = b0 + rng.uniform(0, 0.6 * reach) * unit(rng.uniform(0, 2 * math.pi))
                theta1 = theta0 + rng.uniform(-0.9, 0.9)
                a1 = b1 - d1 * np.array([math.cos(theta1), math.sin(theta1)])
                start_offset, end_offset = b0 - a0, b1 - a1
                change = end_offset - start_offset
                # Monotone distance: |offset|^2 has the same slope sign at both ends.
                if np.sign(start_offset @ change) != np.sign(end_offset @ change):
                    continue
            if max(np.linalg.norm(a1 - a0), np.linalg.norm(b1 - b0)) > reach:
                continue
            if max(np.linalg.norm(a1 - a0), np.linalg.norm(b1 - b0)) < 60 * px:
                continue
            starts, ends = np.vstack([a0, b0]), np.vstack([a1, b1])
            if not (self._inside(starts, radii[:2], arena)
                    and self._inside(ends, radii[:2], arena)):
                continue
            paths = starts[:, None, :] + progress[None, :, None] * (ends - starts)[:, None, :]
            if min_clearance(paths, radii[:2]) < clearance:
                continue
            # The other objects wander one at a time wherever they keep clear of the rest.
            for k in range(2, n):
                for _ in range(60):
                    start = low + rng.uniform(0, 1, size=2) * (high - low)
                    end = self._displaced(start[None], radii[k : k + 1], reach, arena, rng)[0]
                    path = start + progress[:, None] * (end - start)
                    gaps = np.hypot(*(paths - path[None]).transpose(2, 0, 1)).min(axis=1)
                    if np.all(gaps - radii[:k] - radii[k] >= clearance):
                        starts, ends = np.vstack([starts, start]), np.vstack([ends, end])
                        paths = np.concatenate([paths, path[None]])
                        break
                else:
                    break
            else:
                return starts, ends
        raise TaskError("distance: cannot lay out the objects; use a lower difficulty or a "
                        "larger frame")

    # -- question ---------------------------------------------------------------------

    def ask(self, sim: Simulation, plan: Plan, rng: np.random.Generator,
            difficulty: int) -> Question:
        template = plan.template
        names = {t.id: t.name for t in sim.tracks}
        if template.name in ("closest_pair", "farthest_pair"):
            which, moment = sim.facts["which"], sim.facts["moment"]
            ids = [t.id for t in sim.tracks]
            frame = 0 if moment == "start" else sim.num_frames - 1
            other_frame = sim.num_frames - 1 - frame
            points = positions_at(sim.tracks, frame)
            value, _ = extreme_pair(points, ids, which)
            other_pair, _ = extreme_pair(positions_at(sim.tracks, other_frame), ids, which)
            when = ("at the start of the video" if moment == "start"
                    else "when the motion stops")
            relation = "closest to" if which == "closest" else "farthest from"
            text = str(rng.choice([
                f"Which two objects are {relation} each other {when}?",
                f"{when.capitalize()}, which pair of objects is the "
                f"{'closest together' if which == 'closest' else 'farthest apart'}?"]))
            near = pair_distractors(value, other_pair, points, ids, which)
            options, letter = multiple_choice(
                pair_text(value, names), [pair_text(p, names) for p in near],
                plan.letter_index, rng, template.n_options)
            return Question(text, "multiple_choice", letter, options[letter], options,
                            {"kind": f"{which}_pair", "moment": moment}, value)

        trend = sim.facts["trend"]
        a, b = names["obj0"], names["obj1"]
        query = {"kind": "distance_trend" if template.name == "trend" else "got_closer",
                 "object": "obj0", "reference": "obj1"}
        if template.name == "trend":
            text = str(rng.choice([
                f"Do the {a} and the {b} get closer together, get farther apart, or stay the "
                "same distance apart?",
                f"How does the distance between the {a} and the {b} change during the video?"]))
            options, letter = multiple_choice(TREND_TEXT[trend],
                                              [TREND_TEXT[t] for t in TRENDS],
                                              plan.letter_index, rng, template.n_options)
            return Question(text, "multiple_choice", letter, options[letter], options, query,
                            trend)
        value = "yes" if trend == "closer" else "no"
        text = str(rng.choice([
            f"Are the {a} and the {b} closer together when the motion stops than at the start?",
            f"Do the {a} and the {b} end up closer to each other than they began?"]))
        return Question(text, "yes_no", value, value, None, query, value)

    def reversed_answer(self, record: dict) -> Any:
        # Backwards the start and the end swap: the extreme pair of the other moment, and
        # closer <-> farther.
        query = record["query"]
        if query["kind"] in ("closest_pair", "farthest_pair"):
            tracks = record["tracks"]
            frame = record["video"]["num_frames"] - 1 if query["moment"] == "start" else 0
            pair, _ = extreme_pair(positions_at(tracks, frame), [t["id"] for t in tracks],
                                   query["kind"].split("_")[0])
            return pair
        trend = next(e["trend"] for e in record["timeline"] if e["type"] == "distance_change")
        backwards = REVERSED_TREND[trend]
        if query["kind"] == "got_closer":
            return "yes" if backwards == "closer" else "no"
        return backwards


def pair_distractors(value: list[str], other_pair: list[str],
                     points: Sequence[tuple[float, float]], ids: Sequence[str],
                     which: str) -> list[list[str]]:
    """Near-miss pairs: the pair that is extreme at the other moment, then the runners-up
    at the asked moment. Each object of the answer appears in at most one wrong option
    while that is possible, so "the object most options share" is no clue."""
    ranked = sorted(combinations(range(len(ids)), 2),
                    key=lambda p: math.dist(points[p[0]], points[p[1]]),
                    reverse=which == "farthest")
    candidates = [other_pair] + [[ids[i], ids[j]] for i, j in ranked]
    candidates = [c for c in candidates if c != value]
    chosen: list[list[str]] = []
    uses = {obj: 0 for obj in value}
    for candidate in candidates:
        if candidate not in chosen and all(uses.get(obj, 0) < 1 for obj in candidate):
            chosen.append(candidate)
            for obj in candidate:
                if obj in uses:
                    uses[obj] += 1
    return chosen + [c for c in candidates if c not in chosen]


def unit(angle: float) -> np.ndarray:
    return np.array([math.cos(angle), math.sin(angle)])


def pair_text(pair: Sequence[str], names: dict[str, str]) -> str:
    """Option text of a pair: "The red circle and the blue square"."""
    return f"The {names[pair[0]]} and the {names[pair[1]]}"
