"""`event_order`: the order in which objects change colour, appear, stop or flash.

Every object moves back and forth in its own horizontal lane (so none ever hides another);
each of the participants has one event of the clip's kind at its own time, the other
objects (distractors) have none.
"""

from __future__ import annotations

from itertools import permutations
from typing import Any, Sequence

import numpy as np

from synrl.answers import canonical_list
from synrl.render.shapes import SHAPES, shape_name, usable_colors
from synrl.suite._shortterm.changes import change_times, nearest_colors
from synrl.suite.base import (Event, Plan, Question, Simulation, Task, TaskError, Template,
                              Track, VideoSpec, lerp, multiple_choice, pick_colors, pivoted)
from synrl.suite.base import NEEDS_ORDER
from synrl.suite.registry import register
from synrl.suite._shortterm.arena import Arena, Bounce

KINDS = ("change", "appear", "stop", "flash")
# Played backwards a colour change is still a colour change and a flash a flash, but an
# appearance is a disappearance and a stop a start.
REVERSED_KIND = {"change": "change", "flash": "flash", "appear": "disappear", "stop": "start",
                 "disappear": "appear", "start": "stop"}
EVENT_TYPE = {"change": "color_change", "appear": "appear", "stop": "stop", "flash": "flash"}
VERB = {"change": "change colour", "appear": "appear", "stop": "stop moving",
        "flash": "flash (blink off and back on)"}
VERB_3RD = {"change": "changes colour", "appear": "appears", "stop": "stops moving",
            "flash": "flashes (blinks off and back on)"}
EDGE_S = 0.5  # no event this close to either end of the clip
# Pixel sizes below are for a 448-px frame and scale with the frame.
REFERENCE_SIZE = 448
LANE_CLEARANCE = 8.0  # px between objects in neighbouring lanes


def participant_count(difficulty: int) -> int:
    return round(lerp(difficulty, 3, 4))


def balanced_permutations(n: int) -> list[tuple[int, ...]]:
    """All orders of n objects, arranged so that each run of n consecutive orders starts
    with every object once: short datasets stay balanced in who comes first."""
    by_first: dict[int, list[tuple[int, ...]]] = {}
    for perm in permutations(range(n)):
        by_first.setdefault(perm[0], []).append(perm)
    rounds = len(by_first[0])
    return [by_first[first][k] for k in range(rounds) for first in range(n)]


def interleave(kinds: Sequence[str], answers: Sequence[Any]) -> tuple[tuple[str, Any], ...]:
    """Every (kind, answer) pair once, ordered so that each run of len(kinds) values has
    every kind with different answers: the plan walks this list in order, and a short
    dataset then varies both."""
    step = max(1, len(answers) // len(kinds))
    return tuple((kind, answers[(m + k * step) % len(answers)])
                 for m in range(len(answers)) for k, kind in enumerate(kinds))


@register
class EventOrder(Task):
    id = "event_order"
    family = "short_term"
    primitive = "ordering"
    description = ("Put discrete events in order: which objects change colour, appear, stop "
                   "or flash first, and in what sequence.")
    templates = (
        Template("order", "multiple_choice", 4),
        Template("order_open", "list"),
        Template("first", "multiple_choice", 3),
    )
    # What answering needs of the frames (checked by `synrl probe`, reported by
    # `synrl stats`).
    frame_needs = {
        "order": NEEDS_ORDER,
        "order_open": NEEDS_ORDER,
        "first": NEEDS_ORDER,
    }

    def values(self, template: Template, difficulty: int) -> Sequence:
        n = participant_count(difficulty)
        if template.name == "first":
            return interleave(KINDS, list(range(n)))
        return interleave(KINDS, balanced_permutations(n))

    # -- simulation -------------------------------------------------------------------

    def simulate(self, plan: Plan, rng: np.random.Generator, difficulty: int,
                 video: VideoSpec) -> Simulation:
        kind = plan.value[0]
        n = participant_count(difficulty)
        if plan.template.name == "first":
            rest = [k for k in range(n) if k != plan.value[1]]
            order = [plan.value[1]] + [int(k) for k in rng.permutation(rest)]
        else:
            order = list(plan.value[1])
        num_frames = video.frames_for(lerp(difficulty, 3.5, 5.5))
        fps = video.fps
        duration = num_frames / fps
        arena = Arena.for_video(video)
        size = min(video.width, video.height)
        colors = usable_colors(video.background, video.wall)
        n_distractors = round(lerp(difficulty, 0, 2))
        if kind == "change":
            # Every object's colours are its own: each participant needs two.
            n_distractors = min(n_distractors, len(colors) - 2 * n)
        total = n + n_distractors
        if total > len(colors) or (kind == "change" and n_distractors < 0):
            raise TaskError(f"event_order: {total} objects need more distinct colours than "
                            "this background allows")

        lane_height = arena.height / total
        participant_lanes = sorted(int(k) for k in rng.choice(total, size=n, replace=False))
        lanes = participant_lanes + [k for k in range(total) if k not in participant_lanes]
        palette = pick_colors(rng, total, colors)
        shapes = [str(s) for s in rng.choice(SHAPES, size=total, replace=False)]
        px = size / REFERENCE_SIZE
        radius_cap = 0.5 * (lane_height - LANE_CLEARANCE * px)
        t = np.arange(num_frames) / fps
        tracks = []
        for i, lane in enumerate(lanes):
            radius = min(float(rng.uniform(0.035, 0.045) * size), radius_cap)
            length = arena.width - 2 * radius
            speed = float(rng.uniform(50, 120)) * px * (1 if rng.random() < 0.5 else -1)
            x = arena.x0 + radius + Bounce(float(rng.uniform(0, length)), speed,
                                           length).positions(t)
            y = np.full(num_frames, arena.y0 + (lane + 0.5) * lane_height)
            tracks.append(Track(f"obj{i}", shapes[i], palette[i], radius, x, y,
                                np.zeros(num_frames), np.ones(num_frames),
                                np.ones(num_frames, dtype=bool),
                                "target" if i < n else "distractor"))

        flash_s = lerp(difficulty, 0.4, 0.17)
        edge = EDGE_S + (flash_s if kind == "flash" else 0.0)
        times = change_times(rng, n, duration, lerp(difficulty, 0.8, 0.35), edge)
        spare = [c for c in colors if c not in palette]
        events = []
        for k, slot in enumerate(order):
            track = tracks[slot]
            frame = int(round(times[k] * fps))
            at = frame / fps
            params: dict[str, Any] = {"object": track.id}
            end = at
            if kind == "change":
                # Harder: the new colour is close to the old one in the palette.
                pool = nearest_colors(track.color, spare)[: max(1, round(lerp(difficulty, 6, 1)))]
                new = str(rng.choice(pool))
                spare.remove(new)
                track.colors = [track.color] * frame + [new] * (num_frames - frame)
                params.update({"from": track.color, "to": new})
            elif kind == "appear":
                track.visible[:frame] = False
            elif kind == "stop":
                track.x[frame:] = track.x[frame]
            else:
                blink = max(2, int(round(flash_s * fps)))
                track.visible[frame : frame + blink] = False
                end = (frame + blink) / fps
            events.append(Event(EVENT_TYPE[kind], at, end, params))
        events.sort(key=lambda e: e.start_s)
        return Simulation(video, num_frames, tracks, events, scene=arena.to_scene(),
                          facts={"kind": kind, "order": [f"obj{k}" for k in order],
                                 "participants": n})

    # -- question ---------------------------------------------------------------------

    def ask(self, sim: Simulation, plan: Plan, rng: np.random.Generator,
            difficulty: int) -> Question:
        kind, order = sim.facts["kind"], sim.facts["order"]
        n = sim.facts["participants"]
        ids = [t.id for t in sim.tracks]
        # Objects that change colour are named by their shape alone (all shapes differ).
        names = {t.id: shape_name(t.shape) if kind == "change" else t.name for t in sim.tracks}
        template = plan.template
        query = {"kind": "event_order", "event": kind}
        noun = "shapes" if kind == "change" else "objects"
        if template.name == "first":
            value = {"event": kind, "first": order[0]}
            text = str(rng.choice([f"Which of the {noun} {VERB_3RD[kind]} first?",
                                   f"Several {noun} {VERB[kind]} one after another. Which one "
                                   "is first?"]))
            # Near-misses: the second, the last, then objects that never have the event.
            near = [order[1], order[-1]] + ids[n:] + order[2:]
            options, letter = multiple_choice(
                capital(names[order[0]]), [capital(names[i]) for i in near], plan.letter_index,
                rng, template.n_options)
            return Question(text, "multiple_choice", letter, options[letter], options,
                            query | {"ask": "first"}, value)

        value = {"event": kind, "order": list(order)}
        text = str(rng.choice([f"In what order do the {noun} {VERB[kind]}?",
                               f"Some of the {noun} {VERB[kind]}, one at a time. In which "
                               "order does this happen?"]))
        if template.is_multiple_choice:
            options, letter = multiple_choice(
                order_text(order, names),
                [order_text(o, names) for o in pivoted(
                    list(order), lambda o: order_distractors(o, ids, n, rng),
                    template.n_options, rng, near=len(order) + len(ids) - n)],
                plan.letter_index, rng, template.n_options)
            return Question(text, "multiple_choice", letter, options[letter], options,
                            query | {"ask": "order"}, value)
        answer = canonical_list([names[i] for i in order], ordered=True)
        example = "circle, square" if kind == "change" else "red circle, blue square"
        text += f" List only the {noun} that {VERB[kind]}, in order (for example: {example})."
        return Question(text, "list", answer, ", ".join(answer), None,
                        query | {"ask": "order"}, value, extra={"answer_ordered": True})

    def reversed_answer(self, record: dict) -> Any:
        # Backwards the events come in the opposite order, and appearing / stopping turn
        # into disappearing / starting to move.
        kind = record["query"]["event"]
        events = sorted((e for e in record["timeline"] if e["type"] == EVENT_TYPE[kind]),
                        key=lambda e: e["start_ms"])
        order = [e["object"] for e in events][::-1]
        if record["query"]["ask"] == "first":
            return {"event": REVERSED_KIND[kind], "first": order[0]}
        return {"event": REVERSED_KIND[kind], "order": order}


def order_distractors(order: list[str], ids: list[str], n: int,
                      rng: np.random.Generator) -> list[list[str]]:
    """Near-miss orders, most plausible first: the reversed order, one pair of neighbours
    swapped, the top-to-bottom order of the lanes, a bystander in place of a participant,
    then any other order."""
    near = [order[::-1]]
    swaps = []
    for k in range(len(order) - 1):
        swapped = list(order)
        swapped[k], swapped[k + 1] = swapped[k + 1], swapped[k]
        swaps.append(swapped)
    rng.shuffle(swaps)
    near += swaps + [ids[:n]]
    for bystander in ids[n:]:
        replaced = list(order)
        replaced[int(rng.integers(len(order)))] = bystander
        near.append(replaced)
    rest = [list(p) for p in permutations(order)]
    rng.shuffle(rest)
    return near + rest


def order_text(order: Sequence[str], names: dict[str, str]) -> str:
    return capital(", ".join(names[i] for i in order))


def capital(text: str) -> str:
    return text[0].upper() + text[1:]
