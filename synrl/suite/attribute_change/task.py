"""`attribute_change`: an object changes its colour, size or shape; what changed, what it was
before, and how many times it changed."""

from __future__ import annotations

import math
from typing import Any, Sequence

import numpy as np

from synrl.render.shapes import SHAPES, shape_name, usable_colors
from synrl.suite.base import (Event, Plan, Question, Simulation, Task, TaskError, Template,
                              Track, VideoSpec, lerp, multiple_choice)
from synrl.suite.base import NEEDS_FRAMES, NEEDS_ORDER
from synrl.suite.registry import register
from synrl.suite._shortterm.arena import Arena, Bounce
from synrl.suite._shortterm.changes import EDGE_S, change_times, nearest_colors

ATTRIBUTES = ("color", "size", "shape")
ATTRIBUTE_TEXT = {"color": "Its colour", "size": "Its size", "shape": "Its shape"}
ATTRIBUTE_WORD = {"color": "colour", "size": "size", "shape": "shape"}
# Shapes an object may change between: outlines far enough apart for a viewer to name at a
# glance (and for the audit's outline classifier).
CHANGE_SHAPES = ("circle", "square", "triangle", "star")
# Colour answers are balanced over the colours usable on the default background; another
# background substitutes a usable colour for an unusable planned one.
ANSWER_COLORS = tuple(usable_colors(VideoSpec().background, VideoSpec().wall))
# Pixel sizes below are for a 448-px frame and scale with the frame.
REFERENCE_SIZE = 448
MIN_SEPARATION_PX = 6.0  # gap kept between any two objects, so none ever hides another


def max_changes(difficulty: int) -> int:
    return round(lerp(difficulty, 4, 6))


def drifting_paths(rng: np.random.Generator, arena: Arena, reach: Sequence[float],
                   num_frames: int, fps: int, speed: tuple[float, float], separation: float,
                   tries: int = 400) -> list[tuple[np.ndarray, np.ndarray]]:
    """Bouncing paths (x, y per frame) of objects with the given reach (largest drawn
    radius) that never come closer than `separation` px to each other."""
    t = np.arange(num_frames) / fps
    for attempt in range(tries):
        # Objects slow down on later attempts: a crowded arena still finds a layout.
        scale = 1.0 - attempt / tries
        paths = []
        for r in reach:
            coords = []
            for low, length in ((arena.x0, arena.width - 2 * r), (arena.y0, arena.height - 2 * r)):
                v = float(rng.uniform(*speed)) * scale * (1 if rng.random() < 0.5 else -1)
                coords.append(low + r + Bounce(float(rng.uniform(0, length)), v,
                                               length).positions(t))
            paths.append((coords[0], coords[1]))
        if all(np.min(np.hypot(paths[i][0] - paths[j][0], paths[i][1] - paths[j][1]))
               >= reach[i] + reach[j] + separation
               for i in range(len(reach)) for j in range(i + 1, len(reach))):
            return paths
    raise TaskError(f"cannot place {len(reach)} objects without overlaps in this arena")


@register
class AttributeChange(Task):
    id = "attribute_change"
    family = "short_term"
    primitive = "attribute"
    description = ("Notice an object's colour, size or shape change: what changed, what it "
                   "was before, and how many times it changed.")
    templates = (
        Template("what_changed", "multiple_choice", 3),
        Template("color_before", "multiple_choice", 4),
        Template("shape_before", "multiple_choice", 4),
        Template("change_count", "multiple_choice", 4, counts=True),
        Template("change_count_open", "number"),
        Template("grew", "yes_no"),
    )
    # What answering needs of the frames (checked by `synrl probe`, reported by
    # `synrl stats`).
    frame_needs = {
        "what_changed": NEEDS_FRAMES,
        "color_before": NEEDS_ORDER,
        "shape_before": NEEDS_ORDER,
        "change_count": NEEDS_ORDER,
        "change_count_open": NEEDS_ORDER,
        "grew": NEEDS_ORDER,
    }

    def values(self, template: Template, difficulty: int) -> Sequence:
        name = template.name
        if name == "what_changed":
            return ATTRIBUTES
        if name == "color_before":
            return ANSWER_COLORS
        if name == "shape_before":
            return CHANGE_SHAPES
        if name == "grew":
            return ("yes", "no")
        return range(1, max_changes(difficulty) + 1)

    # -- simulation -------------------------------------------------------------------

    def simulate(self, plan: Plan, rng: np.random.Generator, difficulty: int,
                 video: VideoSpec) -> Simulation:
        num_frames = video.frames_for(lerp(difficulty, 3.5, 5.0))
        duration = num_frames / video.fps
        fps = video.fps
        arena = Arena.for_video(video)
        size = min(video.width, video.height)
        colors = usable_colors(video.background, video.wall)
        name = plan.template.name

        attribute, count, first = self._what_changes(plan, rng, colors)
        times = change_times(rng, count, duration, lerp(difficulty, 0.7, 0.4))
        frames = [int(round(t * fps)) for t in times]

        # The target's sequence of values of the changing attribute, one per segment.
        color0 = first if attribute == "color" and first else str(rng.choice(colors))
        shape0 = first if attribute == "shape" and first else str(rng.choice(CHANGE_SHAPES))
        # Harder: the new colour is one of the few nearest the old one in the palette.
        pool = nearest_colors(color0, colors)[: max(2, round(lerp(difficulty, 7, 2)))]
        color_set = [color0] + [str(c) for c in rng.choice(pool, size=min(2, count),
                                                           replace=False)]
        ratio = lerp(difficulty, 1.9, 1.35)  # size step: the harder, the smaller
        big_first = plan.value == "no" if name == "grew" else bool(rng.random() < 0.5)
        sequence: list[Any] = [{"color": color0, "shape": shape0}.get(
            attribute, ratio if big_first else 1.0)]
        for _ in range(count):
            if attribute == "color":
                sequence.append(str(rng.choice([c for c in color_set if c != sequence[-1]])))
            elif attribute == "shape":
                sequence.append(str(rng.choice([s for s in CHANGE_SHAPES
                                                if s != sequence[-1]])))
            else:
                sequence.append(1.0 if sequence[-1] == ratio else ratio)

        base_radius = float(rng.uniform(0.035, 0.042) * size) if attribute == "size" else float(
            rng.uniform(0.042, 0.055) * size)
        target_colors = [color0] * num_frames
        target_shapes = [shape0] * num_frames
        target_scale = np.ones(num_frames)
        events = []
        bounds = [0] + frames + [num_frames]
        for k, value in enumerate(sequence):
            lo, hi = bounds[k], bounds[k + 1]
            if attribute == "color":
                target_colors[lo:hi] = [value] * (hi - lo)
            elif attribute == "shape":
                target_shapes[lo:hi] = [value] * (hi - lo)
            else:
                target_scale[lo:hi] = value
            if k:
                events.append(self._change_event("obj0", attribute, sequence[k - 1], value,
                                                 frames[k - 1] / fps))

        # Distractors: other colours and shapes than any the target takes, so "the star" or
        # "the red object" always names the target; from difficulty 3 one of them (a decoy)
        # changes too.
        spare_colors = [c for c in colors if c not in set(target_colors)]
        spare_shapes = [s for s in SHAPES if s not in set(target_shapes)]
        n_distractors = min(round(lerp(difficulty, 1, 3)), len(spare_colors) - 1)
        decoy = difficulty >= 3 and n_distractors >= 1
        picked = [str(c) for c in rng.choice(spare_colors, size=n_distractors + decoy,
                                             replace=False)]
        others: list[Track] = []
        reach = [base_radius * float(target_scale.max())]
        for i in range(n_distractors):
            radius = float(rng.uniform(0.035, 0.05) * size)
            track = Track.still(f"obj{i + 1}", str(rng.choice(spare_shapes)), picked[i], radius,
                                0.0, 0.0, num_frames)
            others.append(track)
            reach.append(radius)
        if decoy:
            events += self._decoy_change(others[0], picked[-1], ratio, times, duration,
                                         rng, fps, difficulty)
            reach[1] = others[0].radius * float(others[0].scale.max())

        px = size / REFERENCE_SIZE
        paths = drifting_paths(rng, arena, reach, num_frames, fps,
                               (15.0 * px, lerp(difficulty, 45.0, 80.0) * px),
                               MIN_SEPARATION_PX * px)
        target = Track("obj0", shape0, color0, base_radius, paths[0][0], paths[0][1],
                       np.zeros(num_frames), target_scale, np.ones(num_frames, dtype=bool),
                       "target", colors=target_colors, shapes=target_shapes)
        for track, (x, y) in zip(others, paths[1:]):
            track.x, track.y = x, y
        events.sort(key=lambda e: (e.start_s, e.params["object"]))
        return Simulation(video, num_frames, others + [target], events, scene=arena.to_scene(),
                          facts={"attribute": attribute, "sequence": sequence})

    @staticmethod
    def _what_changes(plan: Plan, rng: np.random.Generator,
                      colors: Sequence[str]) -> tuple[str, int, Any]:
        """(attribute that changes, number of changes, planned first value or None)."""
        name = plan.template.name
        if name == "what_changed":
            return plan.value, 1, None
        if name == "color_before":
            color = plan.value if plan.value in colors else colors[
                ANSWER_COLORS.index(plan.value) % len(colors)]
            return "color", 1, color
        if name == "shape_before":
            return "shape", 1, plan.value
        if name == "grew":
            return "size", 1, None
        return str(rng.choice(ATTRIBUTES)), int(plan.value), None

    @staticmethod
    def _change_event(object_id: str, attribute: str, before: Any, after: Any,
                      at: float) -> Event:
        if attribute == "size":
            return Event("size_change", at, at, {
                "object": object_id, "from_scale": round(float(before), 3),
                "to_scale": round(float(after), 3),
                "change": "bigger" if after > before else "smaller"})
        return Event(f"{attribute}_change", at, at,
                     {"object": object_id, "from": before, "to": after})

    def _decoy_change(self, track: Track, spare_color: str, ratio: float,
                      target_times: list[float], duration: float, rng: np.random.Generator,
                      fps: int, difficulty: int) -> list[Event]:
        """Make a distractor change its colour or size once, away from the target's
        changes in time."""
        gap = lerp(difficulty, 0.7, 0.4)
        for _ in range(200):
            at = float(rng.uniform(EDGE_S, duration - EDGE_S))
            if all(abs(at - t) >= gap for t in target_times):
                break
        else:
            return []
        frame = int(round(at * fps))
        n = len(track.x)
        if rng.random() < 0.5:
            track.colors = [track.color] * frame + [spare_color] * (n - frame)
            return [self._change_event(track.id, "color", track.color, spare_color,
                                       frame / fps)]
        grow = bool(rng.random() < 0.5)
        before, after = (1.0, ratio) if grow else (ratio, 1.0)
        # Its two sizes straddle the size it was given.
        track.radius = track.radius / math.sqrt(ratio)
        track.scale = np.where(np.arange(n) < frame, before, after)
        return [self._change_event(track.id, "size", before, after, frame / fps)]

    # -- question ---------------------------------------------------------------------

    def ask(self, sim: Simulation, plan: Plan, rng: np.random.Generator,
            difficulty: int) -> Question:
        target = sim.track("obj0")
        attribute, sequence = sim.facts["attribute"], sim.facts["sequence"]
        template = plan.template
        color0, shape0 = target.color, shape_name(target.shape)
        scene_colors = [t.color for t in sim.tracks if t.id != "obj0"]
        query = {"kind": template.name, "object": "obj0"}

        if template.name == "what_changed":
            text = str(rng.choice([
                f"Watch the {color0} {shape0} from the start of the video. What changes "
                "about it?",
                f"Something about the {color0} {shape0} (as it looks at the start) changes "
                "during the video. What is it?"]))
            options, letter = multiple_choice(
                ATTRIBUTE_TEXT[attribute], [ATTRIBUTE_TEXT[a] for a in ATTRIBUTES],
                plan.letter_index, rng, template.n_options)
            return Question(text, "multiple_choice", letter, options[letter], options, query,
                            attribute)

        if template.name in ("color_before", "shape_before"):
            before, after = sequence[0], sequence[-1]
            if template.name == "color_before":
                text = str(rng.choice([f"What colour was the {shape0} before it changed?",
                                       f"The {shape0} changes colour once. What colour was it "
                                       "before the change?"]))
                # Near-misses: the colour it turned into, colours seen in the scene, then
                # the palette neighbours of the true colour.
                near = [after] + scene_colors + nearest_colors(before, ANSWER_COLORS)
            else:
                text = str(rng.choice([
                    f"The {color0} object changes shape once. What shape was it before the "
                    "change?",
                    f"What shape did the {color0} object have before it changed?"]))
                near = [after] + [str(s) for s in rng.permutation(CHANGE_SHAPES)]
            options, letter = multiple_choice(
                capital(before), [capital(v) for v in near], plan.letter_index, rng,
                template.n_options)
            return Question(text, "multiple_choice", letter, options[letter], options, query,
                            before)

        if template.name == "grew":
            grew = sequence[-1] > sequence[0]
            value = "yes" if grew else "no"
            text = str(rng.choice([
                f"Is the {target.name} bigger at the end of the video than at the start?",
                f"Does the {target.name} end up larger than it started?"]))
            return Question(text, "yes_no", value, value, None, query, value)

        count = len(sequence) - 1
        word = ATTRIBUTE_WORD[attribute]
        ref = {"color": f"the {shape0}", "shape": f"the {color0} object",
               "size": f"the {target.name}"}[attribute]
        text = str(rng.choice([f"How many times does {ref} change {word}?",
                               f"Count the {word} changes of {ref}. How many are there?"]))
        query = {"kind": "change_count", "object": "obj0", "attribute": attribute}
        if template.is_multiple_choice:
            options, letter = multiple_choice(
                str(count), self.count_options(plan, difficulty, count, rng), plan.letter_index,
                rng, template.n_options)
            return Question(text, "multiple_choice", letter, options[letter], options, query,
                            count)
        return Question(text, "number", count, str(count), None,
                        query, count)

    def reversed_answer(self, record: dict) -> Any:
        # Backwards, the same changes happen in the opposite order: "before" becomes the
        # final value, growing becomes shrinking, the kind and number of changes stay.
        query = record["query"]
        kind = query["kind"]
        mine = [e for e in record["timeline"] if e["object"] == query["object"]]
        if kind == "color_before":
            return [e for e in mine if e["type"] == "color_change"][-1]["to"]
        if kind == "shape_before":
            return [e for e in mine if e["type"] == "shape_change"][-1]["to"]
        if kind == "grew":
            sizes = [e for e in mine if e["type"] == "size_change"]
            return "yes" if sizes[0]["from_scale"] > sizes[-1]["to_scale"] else "no"
        return record["answer_value"]


def capital(value: str) -> str:
    """Option text of a colour or shape name: "Red", "Star", "T shape"."""
    text = shape_name(value) if value in SHAPES else value
    return text[0].upper() + text[1:]
