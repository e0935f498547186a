"""Shared machinery of the long-term tasks (SynRL section 2.1.2, Figure 3).

Every long-term video is a state-transition sequence S0 -o1-> S1 ... -oT-> ST in three
phases: an initial reveal (about 2 s) showing S0 or a covered screen, each operation
animated (0.5-1 s, faster at higher difficulty), and a final reveal (about 2 s) showing ST or
a covered screen. Only one of S0 and ST is visible (`reveal`); the operations always are, the
intermediate states never.

A task supplies the state model (`new_story`, `apply`, `undo`), plausible wrong operations
(`perturb`), its questions (`pose`) and its staging (`stage`: tracks, scene geometry and the
`Animation` drawn by the "board" renderer). This module supplies the phases, the reveal
handling, the timeline and states of the record, and multiple-choice distractors made by
replaying plausible alternative operation sequences from the visible state.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, ClassVar, Sequence

import numpy as np

from synrl.answers import canonical_list
from synrl.render.boards import Animation, render_board
from synrl.render.frames import register_renderer
from synrl.render.gridboards import BoardGeometry, cell_name, parse_cell
from synrl.scene import sampled_run
from synrl.suite.base import (Event, Plan, Question, Simulation, Task, TaskError, Template, Track,
                              VideoSpec, lerp, multiple_choice)

register_renderer("board")(render_board)

REVEAL_CHOICES = ("mixed", "initial", "final")
LONG_TERM_OPTIONS = {"reveal": REVEAL_CHOICES}

INITIAL_REVEAL_S = 2.0
FINAL_REVEAL_S = 2.0
# Still, covered time between a reveal and the operations, so the change of phase is seen.
SETTLE_S = 0.5
# Still time after each operation, so consecutive operations are told apart.
GAP_S = 0.25
# The paper's floor for one operation. A viewer sampling 2 frames per second sees at least
# one frame of every operation that lasts this long (synrl.scene.sampled_run).
MIN_OP_S = 0.5


@dataclass
class Story:
    """The simulated sequence: `states[k]` is the state after k operations."""

    states: list[Any]
    ops: list[dict[str, Any]]
    reveal: str  # "initial" | "final": which of S0 and ST is shown
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def n(self) -> int:
        return len(self.ops)

    @property
    def visible_step(self) -> int:
        return 0 if self.reveal == "initial" else self.n

    @property
    def hidden_step(self) -> int:
        return self.n if self.reveal == "initial" else 0

    @property
    def mode(self) -> str:
        """Question mode of a question about the hidden state."""
        return "forward" if self.reveal == "initial" else "retrodiction"

    def when(self, step: int, noun: str = "operation") -> str:
        """How a question names the moment after `step` operations."""
        if step == 0:
            return f"at the start, before the first {noun}"
        if step == self.n:
            return "at the end of the video"
        return f"right after the {ordinal(step)} {noun}"


@dataclass(frozen=True)
class Ask:
    """What every question template of a long-term task starts from: the story, the plan,
    the planned answer (`want`), the task's preface (`pre`), and the hidden step with the
    words that name its moment (`when`)."""

    story: Story
    plan: Plan
    rng: np.random.Generator
    difficulty: int
    want: Any
    pre: str
    step: int
    when: str

    @property
    def name(self) -> str:
        """The template's name."""
        return self.plan.template.name


def ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


# -------------------------------------------------------------------------------- timing

@dataclass(frozen=True)
class Schedule:
    """Frame ranges of the three phases. `op_spans[k]` is the first and last frame of the
    k-th operation's animation (inclusive)."""

    fps: int
    reveal_frames: int
    op_spans: tuple[tuple[int, int], ...]
    final_start: int
    num_frames: int

    def completed(self, frame: int) -> int:
        """Operations finished by `frame` (an operation counts once its last frame is past)."""
        return sum(1 for _, last in self.op_spans if frame > last)

    def active(self, frame: int) -> tuple[int, float] | None:
        """(operation index, progress in [0, 1]) when an operation is animated at `frame`."""
        for k, (first, last) in enumerate(self.op_spans):
            if first <= frame <= last:
                return k, (frame - first) / max(1, last - first)
        return None

    def phase(self, frame: int) -> str:
        if frame < self.reveal_frames:
            return "initial"
        if frame >= self.final_start:
            return "final"
        return "operations"


def make_schedule(video: VideoSpec, n_ops: int, op_seconds: float,
                  phases: float = 1.0) -> Schedule:
    """Frames of the reveals, settles and operations. `phases` stretches the reveals and
    settles only (round 2 doubles them along with the operation count); an operation
    never gets fewer frames than `sampled_run`, whatever the slow-motion scale."""
    reveal = video.frames_for(INITIAL_REVEAL_S * phases)
    settle = video.frames_for(SETTLE_S * phases)
    op = max(video.frames_for(op_seconds), sampled_run(video.fps))
    gap = video.frames_for(GAP_S)
    t = reveal + settle
    spans = []
    for _ in range(n_ops):
        spans.append((t, t + op - 1))
        t += op + gap
    final_start = t - gap + settle
    return Schedule(video.fps, reveal, tuple(spans), final_start,
                    final_start + video.frames_for(FINAL_REVEAL_S * phases))


# ------------------------------------------------------------------------------ questions

def choice_question(plan: Plan, rng: np.random.Generator, text: str, correct: str,
                    distractors: Sequence[str], query: dict[str, Any], value: Any,
                    extra: dict[str, Any] | None = None) -> Question | None:
    """A multiple-choice question, or None when there are too few distinct distractors."""
    try:
        options, letter = multiple_choice(correct, list(distractors), plan.letter_index, rng,
                                          plan.template.n_options)
    except TaskError:
        return None
    return Question(text, "multiple_choice", letter, options[letter], options, query, value,
                    dict(extra or {}))


def number_question(text: str, value: int, query: dict[str, Any]) -> Question:
    return Question(text, "number", int(value), str(int(value)), None,
                    query, int(value))


def yes_no_question(text: str, value: str, query: dict[str, Any]) -> Question:
    return Question(text, "yes_no", value, value, None, query, value)


def list_question(text: str, items: Sequence[str], ordered: bool, query: dict[str, Any],
                  answer_text: str | None = None) -> Question:
    """An open list answer stored canonically (answers.canonical_list), with `answer_ordered`
    telling rewards and evaluation whether order matters."""
    answer = canonical_list(list(items), ordered)
    return Question(text, "list", answer, answer_text or ", ".join(items), None, query, answer,
                    {"answer_ordered": ordered})


def rank_balanced(truth: str, candidates: Sequence[str], n: int,
                  rng: np.random.Generator, key: Callable[[str], Any] = len) -> list[str]:
    """`n` wrong options from `candidates` (in their order of preference) with the truth at
    a uniformly random rank by `key` (the text length by default) among the options where
    the candidates allow it: when mistakes mostly add to an answer (a missed deletion), the
    shortest option would otherwise be right too often."""
    below = int(rng.integers(0, n + 1))
    small = [c for c in candidates if key(c) < key(truth)]
    large = [c for c in candidates if key(c) > key(truth)]
    same = [c for c in candidates if key(c) == key(truth)]
    picked = small[:below] + large[: n - below]
    for c in same + small[below:] + large[n - below:]:
        if len(picked) >= n:
            break
        picked.append(c)
    return picked


def cell_distractors(truth: str, rows: int, cols: int, history: Sequence[str], n_options: int,
                     rng: np.random.Generator) -> list[str]:
    """Wrong cells for a "which cell" question, as a set centred on a pivot cell: the true
    cell one time in `n_options`, else a cell next to it (one the item really passed
    through first, as a viewer who missed the last move would answer); the pivot's nearest
    cells fill the set. Cells of one neighbourhood share a row letter or a column digit, so
    a set of the truth and its neighbours would make the truth the most similar option."""
    r, c = parse_cell(truth)
    adjacent = [cell_name(r + dr, c + dc) for dr, dc in ((0, 1), (1, 0), (0, -1), (-1, 0))
                if 0 <= r + dr < rows and 0 <= c + dc < cols]
    centre = truth
    if rng.random() >= 1.0 / n_options:
        seen = [h for h in dict.fromkeys(history) if h in adjacent]
        pool = seen or adjacent
        centre = pool[int(rng.integers(0, len(pool)))]
    cr, cc = parse_cell(centre)
    ties = rng.random(rows * cols)
    order = sorted(range(rows * cols),
                   key=lambda i: (abs(i // cols - cr) + abs(i % cols - cc), ties[i]))
    cells = [cell_name(*divmod(i, cols)) for i in order]
    return [x for x in cells if x != truth]


# --------------------------------------------------------------------------------- tasks

class LongTermTask(Task):
    """Base of the long-term tasks: phases, reveal, record states, alternative histories."""

    family = "long_term"
    option_choices = LONG_TERM_OPTIONS
    # Round 2 (`synrl generate --round 2`, the paper's second RL round): twice the
    # operations and twice the reveal and settle times at the same pace per operation, so
    # the video lasts twice as long with the same density of state transitions.
    # `--duration-scale` is a separate slow-motion knob that stretches every phase.
    rounds = (1, 2)
    # How questions name one step ("right after the 3rd operation").
    step_noun: ClassVar[str] = "operation"
    # Operation count at difficulty 1 and 5 (before the round-2 doubling).
    ops_easy: int = 3
    ops_hard: int = 12
    max_attempts: int = 500

    # -- hooks -----------------------------------------------------------------------

    def answer_values(self, template: Template, difficulty: int) -> Sequence[Any]:
        """Answer values a template is balanced over; ("any",) when its answer is open."""
        return ("any",)

    def new_story(self, rng: np.random.Generator, difficulty: int, n_ops: int, reveal: str,
                  plan: Plan) -> Story | None:
        raise NotImplementedError

    def apply(self, state: Any, op: dict[str, Any]) -> Any | None:
        """The state after `op`, or None when `op` cannot be applied (alternatives replay
        operations by position, so they may not fit)."""
        raise NotImplementedError

    def undo(self, state: Any, op: dict[str, Any]) -> Any | None:
        """The state before `op` given the state after it, or None."""
        raise NotImplementedError

    def perturb(self, op: dict[str, Any], before: Any,
                rng: np.random.Generator) -> list[dict[str, Any]]:
        """Plausible wrong versions of `op` (a wrong swap, the wrong end of the pile...)."""
        return []

    def preface(self, story: Story) -> str:
        """The sentence before every question: what the video shows and hides."""
        raise NotImplementedError

    def pose(self, story: Story, plan: Plan, rng: np.random.Generator,
             difficulty: int) -> Question | None:
        """The question of `plan`'s template about `story`, or None when this story cannot
        carry the planned answer (the engine draws another story). Dispatches to the task's
        `ask_<template name>` method with an :class:`Ask` context."""
        method = getattr(self, f"ask_{plan.template.name}", None)
        if method is None:
            raise TaskError(f"{self.id}: template {plan.template.name!r} has no "
                            f"ask_{plan.template.name} method")
        step = story.hidden_step
        return method(Ask(story, plan, rng, difficulty, self.planned(plan), self.preface(story),
                          step, story.when(step, self.step_noun)))

    def stage(self, story: Story, schedule: Schedule, video: VideoSpec, difficulty: int,
              rng: np.random.Generator) -> tuple[list[Track], dict[str, Any], Animation]:
        raise NotImplementedError

    def state_record(self, state: Any) -> dict[str, Any]:
        raise NotImplementedError

    def op_seconds(self, difficulty: int) -> float:
        """Nominal time of one operation; each video varies it by up to 15%, never below
        MIN_OP_S (see `pace`)."""
        return lerp(difficulty, 1.0, 0.6)

    def pace(self, difficulty: int, rng: np.random.Generator) -> float:
        """This video's time per operation: the difficulty's, varied by up to 15%, and at
        least the paper's 0.5 s at every difficulty."""
        return max(MIN_OP_S, self.op_seconds(difficulty) * float(rng.uniform(0.85, 1.15)))

    @staticmethod
    def round_of(plan: Plan) -> int:
        """Curriculum round of the plan (1, or 2 for the paper's second round)."""
        return int(plan.options.get("round", 1))

    # -- engine ----------------------------------------------------------------------

    def values(self, template: Template, difficulty: int) -> Sequence[Any]:
        # With reveal=mixed the visible state alternates with the answer value, so every
        # template has both variants in any run.
        return [(reveal, value) for value in self.answer_values(template, difficulty)
                for reveal in ("initial", "final")]

    @staticmethod
    def reveal_of(plan: Plan) -> str:
        forced = plan.options.get("reveal", "mixed")
        return plan.value[0] if forced == "mixed" else forced

    @staticmethod
    def planned(plan: Plan) -> Any:
        """The balanced answer value the plan asks for."""
        return plan.value[1]

    def op_count(self, rng: np.random.Generator, difficulty: int, plan: Plan) -> int:
        n = round(lerp(difficulty, self.ops_easy, self.ops_hard)) + int(rng.integers(0, 2))
        return self.round_of(plan) * n

    def simulate(self, plan: Plan, rng: np.random.Generator, difficulty: int,
                 video: VideoSpec) -> Simulation:
        reveal = self.reveal_of(plan)
        n_ops = self.op_count(rng, difficulty, plan)
        for _ in range(self.max_attempts):
            story = self.new_story(rng, difficulty, n_ops, reveal, plan)
            if story is None:
                continue
            question = self.pose(story, plan, rng, difficulty)
            if question is not None:
                break
        else:
            raise TaskError(f"{self.id}: no scenario found for template "
                            f"{plan.template.name!r} with value {plan.value!r}")
        question.query.setdefault("reveal", reveal)
        # Each video has its own pace around the difficulty's (operation speed varies).
        schedule = make_schedule(video, story.n, self.pace(difficulty, rng),
                                 phases=float(self.round_of(plan)))
        tracks, scene, animation = self.stage(story, schedule, video, difficulty, rng)
        states = [{"step": k, **self.state_record(s)} for k, s in enumerate(story.states)]
        return Simulation(video, schedule.num_frames, tracks, self.timeline(story, schedule),
                          states, {"reveal": reveal, **scene},
                          {"story": story, "schedule": schedule, "animation": animation,
                           "question": question},
                          renderer="board")

    def ask(self, sim: Simulation, plan: Plan, rng: np.random.Generator,
            difficulty: int) -> Question:
        return sim.facts["question"]

    def timeline(self, story: Story, schedule: Schedule) -> list[Event]:
        fps = schedule.fps
        events = [Event("initial_reveal", 0.0, (schedule.reveal_frames - 1) / fps,
                        {"visible": story.reveal == "initial", "state": 0})]
        for k, (op, (first, last)) in enumerate(zip(story.ops, schedule.op_spans)):
            params = {key: value for key, value in op.items() if key != "op"}
            events.append(Event(op["op"], first / fps, last / fps, {"step": k + 1, **params}))
        events.append(Event("final_reveal", schedule.final_start / fps,
                            (schedule.num_frames - 1) / fps,
                            {"visible": story.reveal == "final", "state": story.n}))
        return events

    def count_choice(self, plan: Plan, rng: np.random.Generator, difficulty: int, text: str,
                     value: int, query: dict[str, Any]) -> Question | None:
        """A multiple-choice count question over the template's planned range of counts."""
        options = self.count_options(plan, difficulty, value, rng)
        return choice_question(plan, rng, text, str(value), options, query, value)

    # -- alternative histories -------------------------------------------------------

    def replay(self, story: Story, ops: Sequence[dict[str, Any]]) -> list[Any] | None:
        """States of `ops` anchored at the story's visible state: forwards from S0 when S0
        is shown, backwards from ST when ST is shown. None if an operation does not fit."""
        if story.reveal == "initial":
            states = [story.states[0]]
            for op in ops:
                nxt = self.apply(states[-1], op)
                if nxt is None:
                    return None
                states.append(nxt)
            return states
        states = [story.states[-1]]
        for op in reversed(ops):
            prev = self.undo(states[0], op)
            if prev is None:
                return None
            states.insert(0, prev)
        return states

    def alternative_histories(self, story: Story, rng: np.random.Generator,
                              with_visible: bool = True) -> list[Story]:
        """Stories a viewer who made one plausible mistake would have in mind: one operation
        skipped, one done wrong, two neighbours in swapped order, the whole sequence
        reversed, or (sometimes) no operation at all, i.e. the visible state itself."""
        ops = story.ops
        candidates: list[list[dict[str, Any]]] = []
        for k in range(len(ops)):
            candidates.append(ops[:k] + ops[k + 1 :])
            for alt in self.perturb(ops[k], story.states[k], rng):
                candidates.append(ops[:k] + [alt] + ops[k + 1 :])
        for k in range(len(ops) - 1):
            candidates.append(ops[:k] + [ops[k + 1], ops[k]] + ops[k + 2 :])
        candidates = [candidates[i] for i in rng.permutation(len(candidates))]
        candidates.insert(int(rng.integers(0, min(3, len(candidates)) + 1)), list(ops[::-1]))
        # The visible state as an option is a classic trap, but always offering it would
        # let a model learn to rule it out; it is offered half of the time.
        if with_visible and rng.random() < 0.5:
            candidates.insert(int(rng.integers(0, min(2, len(candidates)) + 1)), [])
        stories = []
        for alt in candidates:
            states = self.replay(story, alt)
            if states is not None:
                stories.append(Story(states, alt, story.reveal, story.extra))
        return stories

    def distractor_values(self, story: Story, answer: Callable[[Story], Any],
                          rng: np.random.Generator, with_visible: bool = True,
                          n_options: int = 4) -> list[Any]:
        """Distinct answers of alternative histories, different from the true one.

        Answers of one-mistake variants of the true story all sit one step from the truth,
        which makes the truth the option most similar to the others. So the option set is
        centred on a pivot history instead: the true story one time in `n_options`, else one
        of its alternatives, whose own alternatives (the truth among them, one mistake
        away) fill the set. The centre of the options is then right only 1/n_options of
        the time, like any other option."""
        truth = answer(story)
        if rng.random() >= 1.0 / n_options:
            pivots = [(alt, value) for alt, value in self._alternative_answers(
                story, answer, rng, with_visible) if value != truth]
            if pivots:
                pivot, centre = pivots[int(rng.integers(0, len(pivots)))]
                out = [centre]
                for _, value in self._alternative_answers(pivot, answer, rng, with_visible):
                    if value != truth and value not in out:
                        out.append(value)
                if len(out) >= n_options - 1:
                    # The centre first, so it is one of the options; its neighbours at
                    # random (multiple_choice shuffles the options' order anyway).
                    return [centre] + [out[1:][i] for i in rng.permutation(len(out) - 1)]
        out = []
        for _, value in self._alternative_answers(story, answer, rng, with_visible):
            if value != truth and value not in out:
                out.append(value)
        return out

    def _alternative_answers(self, story: Story, answer: Callable[[Story], Any],
                             rng: np.random.Generator, with_visible: bool
                             ) -> list[tuple[Story, Any]]:
        out = []
        for alt in self.alternative_histories(story, rng, with_visible):
            try:
                value = answer(alt)
            except (IndexError, KeyError, ValueError):
                continue
            if value is not None:
                out.append((alt, value))
        return out


class BoardAnimation:
    """Frames of a story told on a lettered and numbered board (`grid_swap`,
    `sliding_puzzle`, `math_trail`): the story, its schedule, the board, and the size of the
    coordinate labels (`label_scale` of a cell)."""

    label_scale = 0.3

    def __init__(self, story: Story, schedule: Schedule, geometry: BoardGeometry):
        self.story, self.schedule, self.geometry = story, schedule, geometry
        self.label_size = max(8, round(self.label_scale * geometry.cell))

    def centre(self, index: int) -> tuple[int, int]:
        """Centre of the cell with row-major `index`."""
        return self.geometry.centre(*divmod(index, self.geometry.cols))


def stable_track(track_id: str, shape: str, color: str, radius: float, x: np.ndarray,
                 y: np.ndarray, visible: np.ndarray, role: str) -> Track:
    """A track of an upright object at integer pixel centres (see synrl.render.boards)."""
    n = len(x)
    return Track(track_id, shape, color, float(radius), np.asarray(x, dtype=float),
                 np.asarray(y, dtype=float), np.zeros(n), np.ones(n),
                 np.asarray(visible, dtype=bool), role)


def frame_size_scale(video: VideoSpec) -> float:
    """Scale of a long-term layout designed at 448x448."""
    return min(video.width, video.height) / 448.0
