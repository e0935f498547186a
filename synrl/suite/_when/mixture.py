"""Question-type mixtures: which samples of a run are "when" samples.

``--question-types`` lists forms, each with an optional integer weight: ``mc``, ``open``
(the task's own templates), ``when`` (an open interval answer), ``when_mc`` (four interval
options) and ``track`` (an object's boxes at stated times, :mod:`synrl.suite._track`). ``mc,open,when`` makes a third of the samples "when" samples; ``mc,open,when:2``
half of them; ``when`` alone a grounding-only dataset. The weights of ``mc`` and ``open``
only set the share of the task's own questions: within it the templates cycle as before.

Samples are dealt by a smooth weighted round robin over sample indices, so every run of
``sum(weights)`` consecutive indices holds each form exactly ``weight`` times, and each
form gets its own dense index (0, 1, 2 ...) that the task's plan and the "when" picker
stratify over. A run without ``when`` forms is dealt exactly as before.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

BASE_FORMS = ("mc", "open")
WHEN_FORMS = ("when", "when_mc")
TRACK_FORMS = ("track",)
#: Forms asked by a question family shared by every task rather than by the task itself.
FAMILY_FORMS = WHEN_FORMS + TRACK_FORMS
FORMS = BASE_FORMS + FAMILY_FORMS
#: What `synrl generate` asks when not told: the tasks' own questions, no "when" ones.
DEFAULT_QUESTION_TYPES = BASE_FORMS
MAX_WEIGHT = 100


class MixtureError(ValueError):
    """A question-type list that names an unknown form or a bad weight."""


@dataclass(frozen=True)
class Mixture:
    """Parsed ``--question-types``: the task's own forms and the weights of the shares."""

    base_types: tuple[str, ...]  # "mc" / "open" kept for the task's own templates
    weights: tuple[tuple[str, int], ...]  # ("base" | a family form, weight), weight > 0

    @property
    def has_when(self) -> bool:
        return any(name in WHEN_FORMS for name, _ in self.weights)

    @property
    def has_track(self) -> bool:
        return any(name in TRACK_FORMS for name, _ in self.weights)

    @property
    def has_family(self) -> bool:
        return any(name in FAMILY_FORMS for name, _ in self.weights)

    @property
    def period(self) -> int:
        return sum(w for _, w in self.weights)

    def sequence(self) -> list[str]:
        """One period of the smooth weighted round robin (nginx's): each step every form
        gains its weight, the richest form is dealt and pays the period back."""
        credit = {name: 0 for name, _ in self.weights}
        out = []
        for _ in range(self.period):
            for name, weight in self.weights:
                credit[name] += weight
            best = max(self.weights, key=lambda item: credit[item[0]])[0]
            credit[best] -= self.period
            out.append(best)
        return out

    def deal(self, index: int) -> tuple[str, int]:
        """(form, index among the samples of that form) of sample ``index``."""
        if not self.has_family:
            return "base", index
        seq = self.sequence()
        block, offset = divmod(index, len(seq))
        form = seq[offset]
        weight = dict(self.weights)[form]
        return form, block * weight + seq[:offset].count(form)


def parse_question_types(items: Sequence[str]) -> Mixture:
    """The mixture of ``items`` ("mc", "open", "when", "when_mc", "track", each optionally
    ``name:weight``); a clear error for anything else."""
    if not items:
        raise MixtureError(f"no question type given; use some of {', '.join(FORMS)}")
    base: list[str] = []
    base_weight = 0
    when: dict[str, int] = {}
    for item in items:
        name, _, weight_text = str(item).strip().partition(":")
        if name not in FORMS:
            raise MixtureError(f"unknown question type {name!r}; use some of {', '.join(FORMS)} "
                               "(each optionally NAME:WEIGHT, e.g. mc,open,when:2)")
        try:
            weight = int(weight_text) if weight_text else 1
        except ValueError:
            weight = 0
        if not 1 <= weight <= MAX_WEIGHT:
            raise MixtureError(f"question type {item!r}: the weight must be a whole number "
                               f"from 1 to {MAX_WEIGHT}")
        if name in base or name in when:
            raise MixtureError(f"question type {name!r} is listed twice")
        if name in BASE_FORMS:
            base.append(name)
            base_weight += weight
        else:
            when[name] = weight
    weights = ([("base", base_weight)] if base else []) + list(when.items())
    return Mixture(tuple(base), tuple(weights))
