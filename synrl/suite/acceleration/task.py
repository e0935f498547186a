"""`acceleration`: when and how an object's speed changes.

The object bounces around the arena (bounces change its direction, never its speed) while
its speed follows a piecewise-linear profile: constant phases and phases of steady speeding
up or slowing down. Change times lie on a grid of half-second steps (at duration scale 1),
so that "at about 1.5 s" names one grid point and the pixel audit can tell it from its
neighbours. The clip's number of steps varies around the difficulty's, so that where a
change falls, as a fraction of the clip, is spread finely over samples (a blind guess
reads fractions).
"""

from __future__ import annotations

import math
from itertools import permutations
from typing import Any, Sequence

import numpy as np

from synrl.render.shapes import SHAPES
from synrl.suite.base import (Event, Plan, Question, Simulation, Task, Template, Track,
                              VideoSpec, lerp, multiple_choice)
from synrl.suite.base import NEEDS_ORDER
from synrl.suite.registry import register
from synrl.suite._shortterm.arena import (AXIS_WALLS, Arena, distractor_tracks, object_radius,
                               scene_colors)

PHASES = ("constant", "speeding_up", "slowing_down")
REVERSED_PHASE = {"constant": "constant", "speeding_up": "slowing_down",
                  "slowing_down": "speeding_up"}
PROFILES = tuple(permutations(PHASES, 2))
PHASE_TEXT = {"constant": "it keeps a constant speed", "speeding_up": "it speeds up",
              "slowing_down": "it slows down"}
# Seconds per grid step at duration scale 1; never under MIN_GRID_S, too fine to tell
# neighbours apart by eye.
GRID_S = 0.5
MIN_GRID_S = 0.4
# Grid steps of the clip: round(lerp(difficulty, *CLIP_STEPS)) plus or minus STEPS_SPREAD.
CLIP_STEPS = (10, 14)
STEPS_SPREAD = 2
# Change phases and splits are planned on a clip of REFERENCE_STEPS steps and scaled to the
# clip's own steps.
REFERENCE_STEPS = 10
# The onset question offers four consecutive grid slots, the first of them drawn from
# ONSET_FIRST_SLOTS; the plan balances which of the four is the onset (its rank), so the
# onset lies anywhere from slot 1 to 8 of the reference clip.
ONSET_RANKS = (0, 1, 2, 3)
ONSET_FIRST_SLOTS = (1, 2, 3, 4, 5)
# The change phase asked by "during which interval": every placement on the reference grid,
# one to three steps long, anywhere in the clip. Those centred in the middle 40% of the clip
# come a quarter as often as the others, so that a blind "middle of the video" guess (the
# middle half, or the typical length centred) rarely reaches IoU 0.5 (measured in the
# README); the older 20-80% placement let it on 56-69% of the questions.
INTERVAL_LENGTHS = (1, 2, 3)
MIDDLE = (0.3, 0.7)
MIDDLE_WEIGHT, OTHER_WEIGHT = 1, 4
# Reference steps of the profile's single split and of the change after an onset: spread so
# that where the speed changes follows from no wording.
PROFILE_SPLITS = (2, 3, 4, 5, 6, 7, 8)
ONSET_LENGTHS = (1, 2, 3, 4)
SUBSTEPS = 20  # integration steps per frame for the distance travelled


def profile_text(profile: Sequence[str]) -> str:
    """Option text of a two-phase profile: "First it speeds up, then it keeps a constant
    speed"."""
    return f"First {PHASE_TEXT[profile[0]]}, then {PHASE_TEXT[profile[1]]}"


def seconds_text(seconds: float) -> str:
    return f"At about {seconds:.1f} s"


def bouncing_positions(arena: Arena, radius: float, start: np.ndarray, heading: float,
                       distance: np.ndarray) -> np.ndarray:
    """Centres of an object travelling `distance` px (per frame) from `start` along `heading`,
    reflected by the walls."""
    unit = np.array([math.cos(heading), -math.sin(heading)])
    room = np.array([arena.width, arena.height]) - 2 * radius
    offset = start - np.array([arena.x0, arena.y0]) - radius
    unfolded = offset + np.outer(distance, unit)
    folded = room - np.abs(np.mod(unfolded, 2 * room) - room)
    return folded + np.array([arena.x0, arena.y0]) + radius


def contact_events(object_id: str, arena: Arena, radius: float, start: np.ndarray,
                   heading: float, t: np.ndarray, distance: np.ndarray) -> list[Event]:
    """Wall contacts of the path of `bouncing_positions`, timed on the fine grid `t`."""
    unit = np.array([math.cos(heading), -math.sin(heading)])
    room = np.array([arena.width, arena.height]) - 2 * radius
    offset = start - np.array([arena.x0, arena.y0]) - radius
    events = []
    for axis, name in enumerate("xy"):
        cell = np.floor((offset[axis] + unit[axis] * distance) / room[axis]).astype(int)
        for k in np.flatnonzero(np.diff(cell)):
            boundary = max(cell[k], cell[k + 1])  # the multiple of the room length crossed
            side = "max" if boundary % 2 else "min"
            events.append(Event("wall_contact", float(t[k + 1]), float(t[k + 1]),
                                {"object": object_id, "wall": AXIS_WALLS[name][side]}))
    return events


def interval_values() -> tuple[tuple[int, int], ...]:
    """(start, end) reference steps of the asked change phase, each as often as its
    weight."""
    out = []
    for n in INTERVAL_LENGTHS:
        for a in range(REFERENCE_STEPS - n + 1):
            middle = MIDDLE[0] < (a + n / 2) / REFERENCE_STEPS < MIDDLE[1]
            out += [(a, a + n)] * (MIDDLE_WEIGHT if middle else OTHER_WEIGHT)
    return tuple(out)


@register
class Acceleration(Task):
    id = "acceleration"
    family = "short_term"
    primitive = "acceleration"
    description = "Tell when an object starts to speed up or slow down, and how its speed changes."
    templates = (
        Template("onset", "multiple_choice", 4),
        Template("profile", "multiple_choice", 4),
        Template("interval", "interval"),
    )
    # What answering needs of the frames (checked by `synrl probe`, reported by
    # `synrl stats`).
    frame_needs = {
        "onset": NEEDS_ORDER,
        "profile": NEEDS_ORDER,
        "interval": NEEDS_ORDER,
    }

    def values(self, template: Template, difficulty: int) -> Sequence:
        if template.name == "onset":
            return ONSET_RANKS
        if template.name == "profile":
            return PROFILES
        return interval_values()

    def simulate(self, plan: Plan, rng: np.random.Generator, difficulty: int,
                 video: VideoSpec) -> Simulation:
        step_frames = max(math.ceil(MIN_GRID_S * video.fps),
                          round(GRID_S * video.duration_scale * video.fps))
        steps = round(lerp(difficulty, *CLIP_STEPS)) + int(
            rng.integers(-STEPS_SPREAD, STEPS_SPREAD + 1))
        num_frames = steps * step_frames
        duration = num_frames / video.fps
        step = step_frames / video.fps

        def knot(reference: float) -> int:
            """The clip's grid step nearest to a step of the reference clip."""
            return int(math.floor(reference * steps / REFERENCE_STEPS + 0.5))

        ratio = lerp(difficulty, 2.5, 1.6) * float(rng.uniform(0.95, 1.05))
        unit = min(video.width, video.height) / 448
        # The centroid jitter after H.264 is ~0.3 px whatever the frame size, so speeds shrink
        # with small frames only down to 80%: slower, the change times blur in the pixels.
        slow = float(rng.uniform(85, 115)) * max(unit, 0.8)

        # Phases (start, end, kind) of the speed profile, back to back.
        name = plan.template.name
        if name == "profile":
            first, second = plan.value
            split = knot(int(rng.choice(PROFILE_SPLITS))) * step
            phases = [(0.0, split, first), (split, duration, second)]
        else:
            if name == "onset":
                onset_slots = knot(int(rng.choice(ONSET_FIRST_SLOTS))) + np.arange(
                    len(ONSET_RANKS))
                start = int(onset_slots[plan.value]) * step
                length = max(1, knot(int(rng.choice(ONSET_LENGTHS))))
                end = min(int(onset_slots[plan.value]) + length, steps) * step
            else:
                first = knot(plan.value[0])
                start, end = first * step, max(first + 1, knot(plan.value[1])) * step
            change = "speeding_up" if rng.random() < 0.5 else "slowing_down"
            # A change at the very start or end of the clip has no constant phase there.
            phases = [p for p in [(0.0, start, "constant"), (start, end, change),
                                  (end, duration, "constant")] if p[1] > p[0]]
        # Speeds at the knots: a change multiplies or divides the speed by `ratio`, and the
        # whole profile is lifted so that its slowest point is `slow`.
        levels = [0.0]
        for _, _, phase in phases:
            levels.append(levels[-1] + {"constant": 0.0, "speeding_up": 1.0,
                                        "slowing_down": -1.0}[phase])
        speeds = [slow * ratio ** (level - min(levels)) for level in levels]
        knots_t = [p[0] for p in phases] + [duration]

        fine_t = np.linspace(0.0, duration, num_frames * SUBSTEPS + 1)
        fine_v = np.interp(fine_t, knots_t, speeds)
        fine_s = np.concatenate([[0.0], np.cumsum((fine_v[1:] + fine_v[:-1]) / 2
                                                  * np.diff(fine_t))])
        frame_t = np.arange(num_frames) / video.fps
        distance = np.interp(frame_t, fine_t, fine_s)

        arena = Arena.for_video(video)
        radius = object_radius(video, rng)
        heading = float(rng.uniform(0, 2 * math.pi))
        start_xy = np.array([arena.x0, arena.y0]) + radius + rng.uniform(0, 1, size=2) * (
            np.array([arena.width, arena.height]) - 2 * radius)
        xy = bouncing_positions(arena, radius, start_xy, heading, distance)

        n_distractors = round(lerp(difficulty, 0, 3))
        colors = scene_colors(rng, video, 1 + n_distractors)
        target = Track("obj0", str(rng.choice(list(SHAPES))), colors[0], radius, xy[:, 0],
                       xy[:, 1], np.zeros(num_frames), np.ones(num_frames),
                       np.ones(num_frames, dtype=bool), "target")
        others, other_events = distractor_tracks(rng, n_distractors, colors[1:], arena, video,
                                                 num_frames, speed=(60 * unit, 160 * unit))
        events = [Event("speed_phase", t0, t1,
                        {"object": "obj0", "change": phase,
                         "from_speed_px_s": round(speeds[k], 2),
                         "to_speed_px_s": round(speeds[k + 1], 2)})
                  for k, (t0, t1, phase) in enumerate(phases)]
        in_clip = fine_t <= frame_t[-1]
        events += contact_events("obj0", arena, radius, start_xy, heading, fine_t[in_clip],
                                 fine_s[in_clip])
        events += other_events
        events.sort(key=lambda e: (e.start_s, e.type, e.params["object"]))
        facts = {"phases": phases, "grid_s": step}
        if name == "onset":
            facts["onset_slots"] = [int(k) for k in onset_slots]
        return Simulation(video, num_frames, others + [target], events, scene=arena.to_scene(),
                          facts=facts)

    def ask(self, sim: Simulation, plan: Plan, rng: np.random.Generator,
            difficulty: int) -> Question:
        name = sim.track("obj0").name
        phases = sim.facts["phases"]
        step = sim.facts["grid_s"]
        template = plan.template
        if template.name == "profile":
            profile = (phases[0][2], phases[1][2])
            text = str(rng.choice([f"How does the speed of the {name} change during the video?",
                                   f"Which describes how the {name} moves?"]))
            others = [profile_text(PROFILES[i]) for i in rng.permutation(len(PROFILES))]
            options, letter = multiple_choice(profile_text(profile), others, plan.letter_index,
                                              rng, template.n_options)
            return Question(text, "multiple_choice", letter, options[letter], options,
                            {"kind": "speed_profile", "object": "obj0"}, list(profile))
        start, end, change = next(p for p in phases if p[2] != "constant")
        verb = "speed up" if change == "speeding_up" else "slow down"
        if template.name == "onset":
            text = f"When does the {name} start to {verb}?"
            # The four onset slots: the true one and its neighbours on the grid, one of which
            # is often where the change ends.
            options, letter = multiple_choice(
                seconds_text(start), [seconds_text(s * step) for s in sim.facts["onset_slots"]],
                plan.letter_index, rng, template.n_options)
            return Question(text, "multiple_choice", letter, options[letter], options,
                            {"kind": "change_onset", "object": "obj0", "grid_s": round(step, 4)},
                            round(start, 2))
        value = [round(start, 2), round(end, 2)]
        text = f"During which time interval does the {name} {verb}?"
        return Question(text, "interval", value, f"{value[0]:.1f} - {value[1]:.1f} s", None,
                        {"kind": "change_interval", "object": "obj0", "grid_s": round(step, 4)},
                        value)

    def reversed_answer(self, record: dict) -> Any:
        # Backwards, the phases come in the opposite order and every speed-up becomes a
        # slow-down; a change over [t0, t1] happens over [D - t1, D - t0].
        query = record["query"]
        phases = [e for e in record["timeline"]
                  if e["type"] == "speed_phase" and e["object"] == query["object"]]
        if query["kind"] == "speed_profile":
            return [REVERSED_PHASE[e["change"]] for e in reversed(phases)]
        duration = record["video"]["duration_ms"] / 1000
        changing = [e for e in phases if e["change"] != "constant"]
        start = round(duration - changing[-1]["end_ms"] / 1000, 2)
        end = round(duration - changing[0]["start_ms"] / 1000, 2)
        return start if query["kind"] == "change_onset" else [start, end]
