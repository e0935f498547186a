"""What a task is: a pure function of (seed, index, difficulty, options) that returns a
simulation (tracks, timeline, states) and a question about it.

Rendering (`synrl.render`) and the dataset record (`synrl.record`) are separate steps over
this data, so the same simulation can be drawn forwards, backwards or at another size.
"""

from __future__ import annotations

import math
import zlib
from dataclasses import dataclass, field, replace
from typing import Any, Callable, ClassVar, Mapping, Sequence

import numpy as np

from synrl.scene import Event, Simulation, Track, VideoSpec  # noqa: F401  (the task API)

LETTERS = "ABCDEFGH"
DIFFICULTY_LEVELS = (1, 2, 3, 4, 5)

# What a question form needs of the video's frames (`Task.frame_needs`), from most to least:
NEEDS_ORDER = "order"  # the frames in their order (or which one is first / last)
NEEDS_FRAMES = "frames"  # several frames, in any order (a trail, a spread, a change)
STATIC = "static"  # any one frame
FRAME_NEEDS = (NEEDS_ORDER, NEEDS_FRAMES, STATIC)


class TaskError(ValueError):
    """Invalid task options or an impossible request."""


@dataclass
class Question:
    text: str
    answer_type: str  # multiple_choice | number | yes_no | list | interval
    answer: Any
    answer_text: str
    options: dict[str, str] | None
    # Machine-readable meaning of the question and its answer before phrasing; the audit
    # recomputes `answer_value` from pixels for the same `query`.
    query: dict[str, Any]
    answer_value: Any
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Template:
    """A question form. `values(difficulty)` lists the answer values the template can
    take; the engine cycles through them so that answers are balanced by construction."""

    name: str
    answer_type: str
    n_options: int = 4
    # A yes/no template offered as the two-option choice "A. Yes / B. No" (SynRL's examples):
    # the task asks its yes/no question and the engine turns the answer into the letter.
    yes_no_choice: bool = False
    # A multiple-choice count: its options are a window of consecutive counts (see
    # `count_window_values`), and the plan weighs its answers so no count is a shortcut.
    counts: bool = False

    @property
    def is_multiple_choice(self) -> bool:
        return self.answer_type == "multiple_choice"

    @property
    def letter_planned(self) -> bool:
        """Whether the plan chooses the right option's letter (a yes/no choice has its
        letter fixed by its answer: Yes is always A)."""
        return self.is_multiple_choice and not self.yes_no_choice


YES_NO_OPTIONS = {"A": "Yes", "B": "No"}


def yes_no_as_choice(question: "Question") -> "Question":
    """A yes/no question as the two-option multiple choice "A. Yes / B. No"; the query and
    `answer_value` ("yes" / "no") stay, so the auditor checks the same thing."""
    if question.answer_type != "yes_no":
        raise TaskError(f"a yes/no choice needs a yes/no question, not {question.answer_type!r}")
    letter = "A" if question.answer_value == "yes" else "B"
    return replace(question, answer_type="multiple_choice", answer=letter,
                   answer_text=YES_NO_OPTIONS[letter], options=dict(YES_NO_OPTIONS))


def _count_of(value: Any) -> int:
    """The count of a planned value (long-term plans pair it with the reveal)."""
    return int(value[-1] if isinstance(value, tuple) else value)


def _window_bounds(counts: Sequence[int], k: int) -> tuple[int, int]:
    low, high = min(counts), max(counts)
    return low, max(high, low + k - 1)


def count_window_values(values: Sequence[Any], k: int) -> list[Any]:
    """The planned values of a multiple-choice count, CLEVR-style: the options are a window
    of `k` consecutive counts drawn uniformly among the windows inside the template's range,
    then the answer uniformly inside the window. So each value comes as often as windows
    cover it (edge counts less often), and then every count, and every rank, is right
    exactly 1/k of the times it is offered: neither the option text nor its rank tells."""
    low, high = _window_bounds([_count_of(v) for v in values], k)
    out = []
    for value in values:
        c = _count_of(value)
        cover = sum(1 for first in range(low, high - k + 2) if first <= c < first + k)
        out += [value] * cover
    return out


def count_window(value: int, counts: Sequence[int], k: int,
                 rng: np.random.Generator) -> list[str]:
    """The wrong options of a count question: a window of `k` consecutive counts inside the
    range of `counts` holding `value`, uniform among such windows (see
    `count_window_values`, which plans the answers to match)."""
    value = int(value)
    low, high = _window_bounds([int(c) for c in counts] + [value], k)
    firsts = [f for f in range(low, high - k + 2) if f <= value < f + k]
    first = firsts[int(rng.integers(0, len(firsts)))]
    return [str(c) for c in range(first, first + k) if c != value]


def _seeded_permutation(n: int, *key: object) -> list[int]:
    """A permutation of range(n) that depends only on `key` (stable across processes and
    Python versions: crc32, not hash())."""
    seed = zlib.crc32("|".join(map(str, key)).encode())
    return [int(i) for i in np.random.default_rng(seed).permutation(n)]


@dataclass(frozen=True)
class Plan:
    """The balanced choices made before simulating: which template, which answer value,
    which letter holds the right option; plus the task options of the run."""

    template: Template
    value: Any
    letter_index: int
    options: Mapping[str, Any] = field(default_factory=dict)


class Task:
    """Base class of every task. Subclasses set the class attributes, list their templates
    and implement `values`, `simulate` and `ask`."""

    id: ClassVar[str]
    family: ClassVar[str]  # "short_term" | "long_term"
    primitive: ClassVar[str]
    description: ClassVar[str]
    templates: ClassVar[tuple[Template, ...]]
    # Task-specific options (`synrl generate --option name=value`) with their defaults and
    # allowed values; e.g. {"reveal": ("initial", "final")}: the first value is the default.
    option_choices: ClassVar[Mapping[str, tuple[Any, ...]]] = {}
    # Curriculum rounds the task can generate (`synrl generate --round N`); round 2 doubles
    # the duration and the operations or events at the same pace (the paper's second round).
    rounds: ClassVar[tuple[int, ...]] = (1,)
    # Per template name, what answering needs of the frames: one of FRAME_NEEDS (a yes/no
    # choice twin shares its template's). Declared by the task like its reversal mapping;
    # `synrl probe` measures it (ordered vs shuffled vs one frame), `synrl stats` shows it.
    frame_needs: ClassVar[Mapping[str, str]] = {}

    def frame_need(self, template: str) -> str | None:
        """The declared frame need of template `template`, None if the task declares none."""
        need = self.frame_needs.get(template)
        if need is not None and need not in FRAME_NEEDS:
            raise TaskError(f"task {self.id!r}: frame need {need!r} of template {template!r} "
                            f"is not one of {', '.join(FRAME_NEEDS)}")
        return need

    def resolve_options(self, options: Mapping[str, Any]) -> dict[str, Any]:
        """This task's options from a run's options (others are ignored), validated."""
        resolved = {}
        for name, choices in self.option_choices.items():
            value = options.get(name, choices[0])
            if value not in choices:
                raise TaskError(f"option {name}={value!r} for task {self.id!r}: use one of "
                                f"{', '.join(map(str, choices))}")
            resolved[name] = value
        return resolved

    def values(self, template: Template, difficulty: int) -> Sequence[Any]:
        raise NotImplementedError

    def simulate(self, plan: Plan, rng: np.random.Generator, difficulty: int,
                 video: VideoSpec) -> Simulation:
        raise NotImplementedError

    def ask(self, sim: Simulation, plan: Plan, rng: np.random.Generator,
            difficulty: int) -> Question:
        raise NotImplementedError

    def reversed_answer(self, record: dict[str, Any]) -> Any:
        """The `answer_value` the record's question would have if the video were played
        backwards (direction legs swap and invert, accelerating <-> decelerating, clockwise
        <-> counter-clockwise, counts unchanged). Used by `synrl audit --reverse`; tasks
        without a meaningful reversal raise NotImplementedError."""
        raise NotImplementedError(f"task {self.id!r} declares no reversal mapping")

    # -- shared machinery -------------------------------------------------------------

    def all_templates(self) -> list[Template]:
        """The task's templates, each yes/no one followed by its two-option choice twin."""
        out = []
        for template in self.templates:
            out.append(template)
            if template.answer_type == "yes_no":
                out.append(replace(template, answer_type="multiple_choice", n_options=2,
                                   yes_no_choice=True))
        return out

    def available_templates(self, question_types: Sequence[str] | None) -> list[Template]:
        """Templates whose form is allowed: "mc" keeps multiple choice, "open" the rest."""
        if not question_types:
            return self.all_templates()
        keep = []
        for template in self.all_templates():
            form = "mc" if template.is_multiple_choice else "open"
            if form in question_types:
                keep.append(template)
        return keep

    def plan(self, index: int, difficulty: int,
             question_types: Sequence[str] | None = None,
             options: Mapping[str, Any] | None = None, stream: str = "") -> Plan:
        """Stratify by sample index: templates cycle; answer values and letters follow
        seeded permutations, one per block, so both are exactly balanced block by block
        and the order depends on `stream` (split and base seed: every run is balanced and
        differently ordered).

        Values: within a template, each block of V samples takes every answer value once.
        Letters: the task's multiple-choice samples with K options, counted across its
        templates, cycle through a seeded order of the K letters (shifted by one after each
        lcm(templates, K) block and by a per-task offset). Every K consecutive such samples
        of a task take every letter once, and every K samples of one template do too, so no
        question form prefers a letter; the per-task offsets make the tasks' partial last
        blocks of a run of 8 per task take the letters in turn, so the run is balanced too.
        """
        templates = self.available_templates(question_types)
        if not templates:
            raise TaskError(f"task {self.id!r} has no question template of type(s) "
                            f"{', '.join(question_types or [])}")
        position = index % len(templates)
        template = templates[position]
        j = index // len(templates)
        values = list(self.values(template, difficulty))
        if template.counts and template.is_multiple_choice:
            values = count_window_values(values, template.n_options)
        v = len(values)
        value = values[_seeded_permutation(v, self.id, stream, template.name, "value",
                                           j // v)[j % v]]
        letter = 0
        if template.letter_planned:
            k = template.n_options
            same = [i for i, t in enumerate(templates) if t.letter_planned and t.n_options == k]
            c = len(same)
            m = c * j + same.index(position)  # the sample's rank among them in the task
            # One shift per lcm(c, k) block: a template whose c shares a factor with k
            # would otherwise only ever see some residues.
            residue = (m + m // math.lcm(c, k) + self.letter_offset(k, question_types)) % k
            letter = _seeded_permutation(k, stream, "letters", k)[residue]
        return Plan(template, value, letter, self.resolve_options(options or {}))

    def letters_planned(self, question_types: Sequence[str] | None, k: int,
                        samples: int) -> int:
        """How many of the first `samples` plans hold a planned letter among `k` options."""
        templates = self.available_templates(question_types)
        if not templates:
            return 0
        return sum(1 for i in range(samples)
                   if templates[i % len(templates)].letter_planned
                   and templates[i % len(templates)].n_options == k)

    def letter_offset(self, k: int, question_types: Sequence[str] | None) -> int:
        """Where this task's cycle of `k` letters starts: the built-in tasks' offsets tile
        a run of LETTER_TILE_SAMPLES per task (see `synrl.suite.registry.letter_offsets`);
        a task from elsewhere gets one from its id."""
        from synrl.suite.registry import letter_offsets

        offsets = letter_offsets(k, tuple(question_types or ()))
        return offsets.get(self.id, zlib.crc32(self.id.encode()))

    def count_options(self, plan: Plan, difficulty: int, value: int,
                      rng: np.random.Generator) -> list[str]:
        """Wrong options of a count template (`Template.counts`): a window of counts around
        `value` drawn the way the plan weighed the answers."""
        counts = [_count_of(v) for v in self.values(plan.template, difficulty)]
        return count_window(value, counts, plan.template.n_options, rng)

    def question(self, sim: Simulation, plan: Plan, rng: np.random.Generator,
                 difficulty: int) -> Question:
        """`ask`, then the plan's form: a yes/no choice template gets its letters."""
        question = self.ask(sim, plan, rng, difficulty)
        return yes_no_as_choice(question) if plan.template.yes_no_choice else question


def lerp(difficulty: int, easy: float, hard: float) -> float:
    """Interpolate a parameter between its level-1 and level-5 values."""
    t = (min(max(difficulty, 1), 5) - 1) / 4
    return easy + (hard - easy) * t


def multiple_choice(correct: str, distractors: Sequence[str], letter_index: int,
                    rng: np.random.Generator, n_options: int) -> tuple[dict[str, str], str]:
    """Options with `correct` at `letter_index` and the first unique distractors elsewhere
    (their order shuffled). Distractors must be plausible near-misses chosen by the task."""
    unique: list[str] = []
    for d in distractors:
        if d != correct and d not in unique:
            unique.append(d)
    if len(unique) < n_options - 1:
        raise TaskError(f"only {len(unique)} distinct distractors for {n_options} options")
    chosen = unique[: n_options - 1]
    order = rng.permutation(len(chosen))
    texts = [chosen[i] for i in order]
    texts.insert(letter_index, correct)
    options = {LETTERS[i]: text for i, text in enumerate(texts)}
    return options, LETTERS[letter_index]


def near_miss_counts(value: int, n: int, low: int = 0, *, rng: np.random.Generator) -> list[int]:
    """Wrong counts next to `value`: with it, a window of n + 1 consecutive counts (none
    below `low`) holding `value` at a random place, so the right answer is not always, say,
    the second smallest option."""
    first = int(rng.integers(max(low, value - n), value + 1))
    return [c for c in range(first, first + n + 1) if c != value]


def pivoted(truth: Any, neighbours: Callable[[Any], Sequence[Any]], n_options: int,
            rng: np.random.Generator, near: int | None = None) -> list[Any]:
    """Wrong answers for the options, centred on a pivot: the truth one time in `n_options`,
    else one of its `near` most plausible near-misses; the pivot's own near-misses (the
    truth is one of them, one slip away), in random order, fill the set. `neighbours`
    should be symmetric (b is a near-miss of a when a is one of b). Near-misses of the truth alone make
    the truth the option most similar to all others; around a pivot, the centre of the set
    is right only one time in `n_options`, like any option."""
    first = [v for v in neighbours(truth) if v != truth]
    if rng.random() < 1.0 / n_options or not first:
        return _shuffled(first, rng)
    pool = first[: near or len(first)]
    pivot = pool[int(rng.integers(0, len(pool)))]
    # Shuffled: with the most plausible near-misses always first, the pivot's set would
    # be built differently from the truth's and a rule could tell which one is the centre.
    return [pivot] + _shuffled([v for v in neighbours(pivot) if v != truth and v != pivot],
                               rng)


def _shuffled(items: Sequence[Any], rng: np.random.Generator) -> list[Any]:
    return [items[i] for i in rng.permutation(len(items))]


def pick_colors(rng: np.random.Generator, n: int, allowed: Sequence[str]) -> list[str]:
    if n > len(allowed):
        raise TaskError(f"{n} objects need {n} distinct colours; only {len(allowed)} are "
                        "usable with this background")
    return [allowed[i] for i in rng.choice(len(allowed), size=n, replace=False)]


def fold(u: np.ndarray | float, length: float) -> np.ndarray | float:
    """Map an unfolded 1-D coordinate into [0, length] as a ball bouncing between walls."""
    if length <= 0:
        return np.zeros_like(u) if isinstance(u, np.ndarray) else 0.0
    m = np.mod(u, 2 * length)
    return length - np.abs(m - length)


def angle_of(vec: tuple[float, float]) -> float:
    return math.degrees(math.atan2(-vec[1], vec[0]))
