"""Building "when" questions from a simulation's timeline.

A task's namer (registered from ``<task>/when.py``) lists :class:`Moment` s: a timeline
event and the words that name it without its time ("When does the red circle touch the top
wall{nth}?"). This module turns events into answer intervals, disambiguates events that
share a name by their order ("for the second time"), picks the asked moment so that asked
intervals spread over the whole clip, and phrases the open (``answer_type: interval``) or
multiple-choice form.

Instantaneous events (a wall contact, a colour change, a full turn) have no extent of their
own: their answer is a window of :data:`INSTANT_WINDOW_S` centred on the recorded contact
and clipped to the clip. Half a second is one sampling period at :data:`SAMPLED_FPS` (2 fps,
what the visibility contract guarantees a viewer sees), so a model that samples the video
that way has exactly one frame inside the window and can place it; it is also wide enough
that a prediction one frame off keeps an IoU above 0.9, and narrow enough that a guess
one sampling period off scores IoU 0.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from synrl.registry import Registry
from synrl.scene import SAMPLED_FPS, Event, Simulation
from synrl.suite.base import LETTERS, Question, TaskError
from synrl.suite.registry import load_modules

INSTANT_WINDOW_S = 1.0 / SAMPLED_FPS
# An event lasting most of the clip ("the circle spins", "the object moves") says nothing
# about when: such events are not asked about.
MAX_CLIP_SHARE = 0.6
# The asked moment's midpoint is stratified over these slices of the clip (fractions of
# its duration): tenths, except that the two central tenths make one slice. Every slice is
# asked equally often, so the middle fifth of the clip is no more likely than any tenth:
# a blind "middle of the video" guess then hits (IoU >= 0.5) well under 10% of the time,
# which equal tenths (a fifth of all questions in the middle) would not guarantee.
SLICE_EDGES = (0.0, 0.1, 0.2, 0.3, 0.4, 0.6, 0.7, 0.8, 0.9, 1.0)
POSITION_SLICES = len(SLICE_EDGES) - 1
# Distractor intervals of the multiple-choice form overlap the answer by less than this IoU.
MAX_DISTRACTOR_IOU = 0.3
N_OPTIONS = 4
ORDINAL_WORDS = ("first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth",
                 "ninth", "tenth")
NTH = "{nth}"


@dataclass(frozen=True)
class Moment:
    """One nameable event: its index in ``sim.timeline``, the question that asks for it
    (with ``{nth}`` where " for the second time" goes when several events share the
    question) and the clause a chain of thought states it with ("the red circle touches
    the top wall")."""

    event: int
    question: str
    clause: str
    # "start" / "end": the moment asked is that edge of a lasting event ("When does the
    # circle start moving?"), an instant like a contact; None: the event itself.
    edge: str | None = None


Namer = Callable[[Simulation], list[Moment]]

NAMERS: Registry[Namer] = Registry("when namer", loader=lambda: load_modules("when"))


def register_namer(task_id: str) -> Callable[[Namer], Namer]:
    """Decorator registering the "when" namer of ``task_id`` (in ``<task>/when.py``)."""
    return NAMERS.register(task_id)


def namer_for(task_id: str) -> Namer:
    namer = NAMERS.find(task_id)
    if namer is None:
        raise TaskError(f"task {task_id!r} asks no 'when' questions: its timeline has no event "
                        "that starts and ends inside the clip (leave it out with --tasks, or "
                        "add a when.py to its folder)")
    return namer


def ordinal_word(n: int) -> str:
    if n <= len(ORDINAL_WORDS):
        return ORDINAL_WORDS[n - 1]
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def iou(a: Sequence[float], b: Sequence[float]) -> float:
    inter = max(0.0, min(a[1], b[1]) - max(a[0], b[0]))
    union = max(a[1], b[1]) - min(a[0], b[0])
    return inter / union if union > 0 else float(a == b)


def instant_time(event: Event, edge: str | None) -> float:
    """The time of an instantaneous moment: the event's, or that of its ``edge``."""
    return float(event.end_s if edge == "end" else event.start_s)


def event_interval(event: Event, sim: Simulation,
                   edge: str | None = None) -> tuple[float, float, bool]:
    """(start_s, end_s, instantaneous) of the answer for ``event`` (or for its ``edge``),
    rounded to 10 ms."""
    duration = sim.duration_s
    if edge is not None or event.end_s - event.start_s < 1.0 / sim.video.fps:
        at = float(instant_time(event, edge))
        start = max(0.0, at - INSTANT_WINDOW_S / 2)
        end = min(duration, at + INSTANT_WINDOW_S / 2)
        return round(start, 2), round(end, 2), True
    return round(float(event.start_s), 2), round(float(min(event.end_s, duration)), 2), False


@dataclass(frozen=True)
class Candidate:
    """A moment that can be asked: its question with the ordinal filled in, the answer
    interval, and which occurrence of its question it is."""

    moment: Moment
    event: Event
    text: str
    clause: str
    start: float
    end: float
    instant: bool
    occurrence: int
    occurrences: int
    # Every occurrence of the same question, in time order (a chain of thought counts them).
    siblings: tuple[tuple[float, float], ...] = ()

    @property
    def interval(self) -> list[float]:
        return [self.start, self.end]


def candidates(task_id: str, sim: Simulation) -> list[Candidate]:
    """Every askable moment of ``sim``: named by the task, shorter than MAX_CLIP_SHARE of
    the clip, and told apart from same-named events by order. Same-named events at the
    same frames (a corner hit is two wall contacts) are ambiguous and left out."""
    duration = sim.duration_s
    groups: dict[str, list[tuple[Moment, Event, tuple[float, float, bool]]]] = {}
    for moment in namer_for(task_id)(sim):
        event = sim.timeline[moment.event]
        interval = event_interval(event, sim, moment.edge)
        groups.setdefault(moment.question, []).append((moment, event, interval))
    out = []
    frame = 1.0 / sim.video.fps
    last = (sim.num_frames - 1) * frame
    for question, members in groups.items():
        members.sort(key=lambda m: (m[2][0], m[2][1]))
        n = len(members)
        siblings = tuple((m[2][0], m[2][1]) for m in members)
        for k, (moment, event, (start, end, instant)) in enumerate(members):
            close = [o for o in members if o is not members[k]
                     and abs(o[2][0] - start) < frame and abs(o[2][1] - end) < frame]
            if close or end - start > MAX_CLIP_SHARE * duration or end <= start:
                continue
            # An instant on the first or last frame is marked by nothing the video shows.
            at = instant_time(event, moment.edge)
            if instant and not frame <= at <= last - frame:
                continue
            nth = f" for the {ordinal_word(k + 1)} time" if n > 1 else ""
            when = f" the {ordinal_word(k + 1)} time" if n > 1 else ""
            out.append(Candidate(moment, event, question.replace(NTH, nth),
                                 moment.clause.replace(NTH, when), start, end, instant, k + 1, n,
                                 siblings if n > 1 else ()))
    out.sort(key=lambda c: (c.start, c.end, c.text))
    return out


def _permutation(n: int, *key: object) -> list[int]:
    seed = zlib.crc32("|".join(map(str, key)).encode())
    return [int(i) for i in np.random.default_rng(seed).permutation(n)]


def _slice_distance(duration: float, task_id: str, stream: str,
                    index: int) -> Callable[[Candidate], float]:
    """How far (seconds) a moment's midpoint lies from the slice of the clip planned for
    sample ``index``: the slice follows a seeded permutation of the SLICE_EDGES slices per
    block of samples, so asked intervals cover the clip evenly whenever events allow."""
    block, offset = divmod(index, POSITION_SLICES)
    target = _permutation(POSITION_SLICES, task_id, stream, "when-slice", block)[offset]
    lo, hi = SLICE_EDGES[target] * duration, SLICE_EDGES[target + 1] * duration

    def distance(c: Candidate) -> float:
        mid = (c.start + c.end) / 2
        return max(0.0, lo - mid, mid - hi)
    return distance


def pick(found: Sequence[Candidate], duration: float, task_id: str, stream: str, index: int,
         rng: np.random.Generator, strict: bool = False) -> Candidate | None:
    """The asked moment: one drawn at random among the moments nearest the slice of the
    clip planned for sample ``index``. ``strict``: None unless a moment lies in the slice."""
    distance = _slice_distance(duration, task_id, stream, index)
    best = min(distance(c) for c in found)
    if strict and best > 0:
        return None
    pool = [c for c in found if distance(c) <= best + 1e-9]
    return pool[int(rng.integers(0, len(pool)))]


def interval_text(interval: Sequence[float]) -> str:
    return f"{interval[0]:.2f} - {interval[1]:.2f} s"


def distractor_intervals(sim: Simulation, truth: Candidate, found: Sequence[Candidate],
                         rng: np.random.Generator) -> list[list[float]]:
    """Wrong intervals taken from the same video, none overlapping the answer by
    MAX_DISTRACTOR_IOU or more, in this order of preference: the other nameable moments,
    any other event, the windows around other events' starts and ends, then the answer's
    own near-misses (the same span mirrored in time, or moved by one to three times its
    length: a viewer who counted one or more events off)."""
    duration = sim.duration_s
    named = [c.interval for c in found if c is not truth]
    others, edges = [], []
    for event in sim.timeline:
        start, end, instant = event_interval(event, sim)
        clipped = instant and end - start < INSTANT_WINDOW_S - 0.005
        if end > start and end - start <= MAX_CLIP_SHARE * duration and not clipped:
            others.append([start, end])
        if end - start >= 1.0 / sim.video.fps:
            for edge in ("start", "end"):
                a, b, _ = event_interval(event, sim, edge)
                if 0 < a and b < duration:
                    edges.append([a, b])
    length = truth.end - truth.start
    near = [[round(duration - truth.end, 2), round(duration - truth.start, 2)]]
    near += [[round(truth.start + d, 2), round(truth.end + d, 2)]
             for d in (k * length for k in (-1, 1, -2, 2, -3, 3))
             if truth.start + d >= 0 and truth.end + d <= duration]
    pool: list[list[float]] = []
    for group in (named, others, edges, near):
        for i in rng.permutation(len(group)):
            interval = group[int(i)]
            if interval not in pool and iou(interval, truth.interval) < MAX_DISTRACTOR_IOU \
                    and all(iou(interval, p) < 0.5 for p in pool):
                pool.append(interval)
    return pool


def when_question(task_id: str, sim: Simulation, form: str, index: int, stream: str,
                  rng: np.random.Generator, strict: bool = False) -> Question | None:
    """The "when" question of sample ``index`` (its rank among the run's "when" samples of
    this task) in ``form`` ("when" or "when_mc"), or None when ``sim`` has nothing to ask
    (no nameable event, none in the planned slice of the clip when ``strict``, or too few
    distinct intervals for the options)."""
    found = candidates(task_id, sim)
    if not found:
        return None
    chosen = pick(found, sim.duration_s, task_id, stream, index, rng, strict)
    if chosen is None:
        return None
    query = _query(chosen, form)
    if form == "when":
        value = chosen.interval
        return Question(chosen.text, "interval", value, interval_text(value), None, query, value)
    pool = distractor_intervals(sim, chosen, found, rng)
    if len(pool) < N_OPTIONS - 1 and not strict:
        # A long event in a short clip with few others (one turn at difficulty 1) leaves no
        # three intervals apart from it: ask the nearest moment that has them instead.
        distance = _slice_distance(sim.duration_s, task_id, stream, index)
        for other in sorted((c for c in found if c is not chosen), key=distance):
            pool = distractor_intervals(sim, other, found, rng)
            if len(pool) >= N_OPTIONS - 1:
                return _options_question(task_id, sim, other, index, stream, rng, pool)
    if len(pool) < N_OPTIONS - 1:
        return None
    return _options_question(task_id, sim, chosen, index, stream, rng, pool)


def _query(chosen: Candidate, form: str) -> dict[str, Any]:
    query: dict[str, Any] = {
        "kind": "when", "form": "open" if form == "when" else "mc", "event": chosen.moment.event,
        "event_type": chosen.event.type, "occurrence": chosen.occurrence,
        "occurrences": chosen.occurrences, "instant": chosen.instant, "clause": chosen.clause}
    if chosen.moment.edge is not None:
        query["edge"] = chosen.moment.edge
    if chosen.instant:
        query.update({"at_s": round(instant_time(chosen.event, chosen.moment.edge), 3),
                      "window_s": INSTANT_WINDOW_S})
    if chosen.siblings:
        query["occurrence_intervals"] = [list(i) for i in chosen.siblings]
    if "object" in chosen.event.params:
        query["object"] = chosen.event.params["object"]
    return query


def _options_question(task_id: str, sim: Simulation, chosen: Candidate, index: int, stream: str,
                      rng: np.random.Generator, pool: list[list[float]]) -> Question:
    query = _query(chosen, "when_mc")
    value = chosen.interval
    block, offset = divmod(index, N_OPTIONS)
    letter_index = _permutation(N_OPTIONS, task_id, stream, "when-letter", block)[offset]
    wrong = [pool[i] for i in range(N_OPTIONS - 1)]
    wrong = [wrong[int(i)] for i in rng.permutation(len(wrong))]
    intervals = wrong[:letter_index] + [value] + wrong[letter_index:]
    options = {LETTERS[i]: interval_text(v) for i, v in enumerate(intervals)}
    letter = LETTERS[letter_index]
    query["option_intervals"] = {LETTERS[i]: v for i, v in enumerate(intervals)}
    return Question(chosen.text, "multiple_choice", letter, options[letter], options, query,
                    value)


# Attempts at a simulation with something to ask before giving up on a sample; the first
# STRICT_ATTEMPTS want a moment inside the planned slice of the clip (tasks with one or two
# events, which tend to happen mid-clip, are simulated again rather than asked mid-clip).
# Simulating is cheap next to drawing: 16 attempts left 3 of 800 samples without a question
# (a pass or a corner is absent from many plans of relative_position and trajectory_shape);
# 32 found one for each.
ATTEMPTS = 48
STRICT_ATTEMPTS = 8


def when_sample(task_id: str, form: str, index: int, stream: str, rng: np.random.Generator,
                simulate: Callable[[int], Simulation]) -> tuple[Simulation, Question]:
    """Simulate (``simulate(plan_index)``) until the video has a moment to ask about: plan
    ``index``, then the next plans (a circle traced at difficulty 1 has no corner)."""
    for attempt in range(ATTEMPTS):
        sim = simulate(index + attempt)
        question = when_question(task_id, sim, form, index, stream, rng,
                                 strict=attempt < STRICT_ATTEMPTS)
        if question is not None:
            return sim, question
    raise TaskError(f"task {task_id!r}: no simulation with an event to ask 'when' about "
                    f"({form}) in {ATTEMPTS} attempts")


__all__ = ["ATTEMPTS", "Candidate", "INSTANT_WINDOW_S", "MAX_CLIP_SHARE", "Moment", "NAMERS",
           "candidates", "event_interval", "iou", "pick", "register_namer",
           "when_question", "when_sample"]
