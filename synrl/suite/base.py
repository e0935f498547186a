"""What a task is: a pure function of (seed, index, difficulty, options) that returns a
simulation (tracks, timeline, states) and a question about it.

Rendering (`synrl.render`) and the dataset record (`synrl.record`) are separate steps over
this data, so the same simulation can be drawn forwards, backwards or at another size.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, ClassVar, Mapping, Sequence

import numpy as np

from synrl.scene import Event, Simulation, Track, VideoSpec  # noqa: F401  (the task API)

LETTERS = "ABCDEFGH"
DIFFICULTY_LEVELS = (1, 2, 3, 4, 5)


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

    @property
    def is_multiple_choice(self) -> bool:
        return self.answer_type == "multiple_choice"


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

    def available_templates(self, question_types: Sequence[str] | None) -> list[Template]:
        """Templates whose form is allowed: "mc" keeps multiple choice, "open" the rest."""
        if not question_types:
            return list(self.templates)
        keep = []
        for template in self.templates:
            form = "mc" if template.is_multiple_choice else "open"
            if form in question_types:
                keep.append(template)
        return keep

    def plan(self, index: int, difficulty: int,
             question_types: Sequence[str] | None = None,
             options: Mapping[str, Any] | None = None) -> Plan:
        """Stratify by sample index: templates cycle, and within a template letters cycle
        every K samples and answer values every V samples.

        A shift after each lcm(K, V) block walks through the remaining (letter, value)
        pairs, so both marginals are exactly even over short runs and all pairs appear over
        K * V runs, which random draws cannot guarantee on small datasets.
        """
        templates = self.available_templates(question_types)
        if not templates:
            raise TaskError(f"task {self.id!r} has no question template of type(s) "
                            f"{', '.join(question_types or [])}")
        template = templates[index % len(templates)]
        j = index // len(templates)
        values = list(self.values(template, difficulty))
        k = template.n_options if template.is_multiple_choice else 1
        block = math.lcm(k, len(values))
        value = values[(j + j // block) % len(values)]
        return Plan(template, value, j % k, self.resolve_options(options or {}))


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
