"""Text-only shortcut statistics of a set of records (`synrl stats`).

A sample is temporal only if it cannot be answered without the video. This module measures
how far simple rules that read the question's options (never the video) get: priors on the
option text, its numeric rank, its length, its similarity to the other options, the answer
letter, and the most frequent answer of an open question form. Each is learned on one half
of the records and scored on the other (two folds over a seeded split, so every record is
scored once by a rule that never saw it) and reported next to chance.

Ties are scored as a uniform random pick among the tied options (fractional credit), so a
rule that cannot decide scores exactly chance instead of whatever the first letter gives.
"""

from __future__ import annotations

import hashlib
import math
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from functools import lru_cache
from typing import Any, Callable, Iterable, Sequence

import numpy as np

from synrl.config import VideoOptions

__all__ = ["Baseline", "Row", "Stats", "build_records", "compute", "form_of"]

DEFAULT_THRESHOLD = 3.0  # points above chance a baseline may reach
MC_BASELINES = ("option_text_prior", "numeric_rank_prior", "longest_option", "shortest_option",
                "most_similar_option", "letter_prior")
OPEN_BASELINES = ("most_frequent_answer",)
# Interval answers ("when" questions): the share of blind guesses at IoU >= INTERVAL_IOU
# (R@0.5), which may not exceed INTERVAL_LIMIT percent whatever the threshold.
INTERVAL_BASELINES = ("middle_half", "middle_typical_length", "question_prior")
INTERVAL_IOU = 0.5
INTERVAL_LIMIT = 10.0
# Box answers (tracking questions): the share of blind answers whose mean box IoU over the
# asked times reaches BOX_IOU; limited to INTERVAL_LIMIT percent like intervals.
BOX_BASELINES = ("first_frame_box", "box_prior")
BOX_IOU = 0.5


def form_of(record: dict[str, Any]) -> str:
    """The question form of a record: its query kind and answer type (the same query kind
    asked as a number and as multiple choice are two forms)."""
    kind = (record.get("query") or {}).get("kind", "?")
    return f"{kind}/{record['answer_type']}"


def _answer_key(record: dict[str, Any]) -> str:
    value = record.get("answer_value", record.get("answer"))
    return str(value)


def _number(text: str) -> float | None:
    try:
        value = float(str(text).strip())
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def _fold(record: dict[str, Any], split_seed: int) -> int:
    digest = hashlib.blake2b(f"{split_seed}|{record['id']}".encode(), digest_size=4).digest()
    return digest[0] & 1


# ------------------------------------------------------------------------- option scores

def _numeric_ranks(options: dict[str, str]) -> dict[str, int] | None:
    values = {k: _number(v) for k, v in options.items()}
    if any(v is None for v in values.values()):
        return None
    ordered = sorted(set(values.values()))
    return {k: ordered.index(v) for k, v in values.items()}


def _similarity(options: dict[str, str]) -> dict[str, float]:
    """How close each option is to the others: minus the summed absolute difference for
    numbers, the summed difflib ratio for text. An option built as one edit of the truth
    makes the truth the most similar one."""
    numbers = {k: _number(v) for k, v in options.items()}
    if all(v is not None for v in numbers.values()):
        return {k: -sum(abs(v - w) for j, w in numbers.items() if j != k)
                for k, v in numbers.items()}
    return {k: sum(SequenceMatcher(None, v, w).ratio() for j, w in options.items() if j != k)
            for k, v in options.items()}


def _credit(scores: dict[str, float], answer: str) -> float:
    """Expected accuracy of picking the highest score, ties broken uniformly."""
    best = max(scores.values())
    top = [k for k, s in scores.items() if s == best]
    return 1.0 / len(top) if answer in top else 0.0


@dataclass
class _Prior:
    """P(right | feature) counts learned on one fold, Laplace-smoothed."""

    right: Counter = field(default_factory=Counter)
    offered: Counter = field(default_factory=Counter)

    def learn(self, feature: Any, correct: bool) -> None:
        self.offered[feature] += 1
        self.right[feature] += int(correct)

    def score(self, feature: Any, base: float) -> float:
        return (self.right[feature] + base) / (self.offered[feature] + 1)


def _mc_features(record: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Per option letter: the features the priors condition on."""
    options = record["options"]
    k = len(options)
    ranks = _numeric_ranks(options)
    return {letter: {"text": (k, text), "rank": (k, ranks[letter]) if ranks else None,
                     "letter": (k, letter)}
            for letter, text in options.items()}


def _mc_baselines(train: Sequence[dict[str, Any]], test: Sequence[dict[str, Any]]
                  ) -> dict[str, list[float]]:
    """Per baseline, the credit of each test record (all records of one task and form)."""
    priors = {name: _Prior() for name in ("text", "rank", "letter")}
    for record in train:
        for letter, feats in _mc_features(record).items():
            for name, prior in priors.items():
                if feats[name] is not None:
                    prior.learn(feats[name], letter == record["answer"])
    out: dict[str, list[float]] = {name: [] for name in MC_BASELINES}
    for record in test:
        options, answer = record["options"], record["answer"]
        base = 1.0 / len(options)
        feats = _mc_features(record)
        out["option_text_prior"].append(_credit(
            {k: priors["text"].score(f["text"], base) for k, f in feats.items()}, answer))
        if any(f["rank"] is None for f in feats.values()):
            out["numeric_rank_prior"].append(base)  # not applicable: a blind guess
        else:
            out["numeric_rank_prior"].append(_credit(
                {k: priors["rank"].score(f["rank"], base) for k, f in feats.items()}, answer))
        out["letter_prior"].append(_credit(
            {k: priors["letter"].score(f["letter"], base) for k, f in feats.items()}, answer))
        out["longest_option"].append(_credit({k: len(v) for k, v in options.items()}, answer))
        out["shortest_option"].append(_credit({k: -len(v) for k, v in options.items()}, answer))
        out["most_similar_option"].append(_credit(_similarity(options), answer))
        spans = (record.get("query") or {}).get("option_intervals")
        if spans:  # interval options: the one nearest the middle of the clip
            middle = record["video"]["duration_ms"] / 2000
            out.setdefault("middle_option", []).append(_credit(
                {k: -abs((a + b) / 2 - middle) for k, (a, b) in spans.items()}, answer))
    return out


def _open_baselines(train: Sequence[dict[str, Any]], test: Sequence[dict[str, Any]]
                    ) -> dict[str, list[float]]:
    """The most frequent answer of the form at the record's difficulty (the video's length
    tells the difficulty, and a form's declared values may grow with it)."""
    counts: dict[Any, Counter] = defaultdict(Counter)
    for r in train:
        counts[r.get("difficulty")][_answer_key(r)] += 1
    credits = []
    for r in test:
        seen = counts.get(r.get("difficulty"))
        if not seen:
            credits.append(0.0)
            continue
        best = max(seen.values())
        top = {a for a, c in seen.items() if c == best}
        credits.append((1.0 / len(top)) if _answer_key(r) in top else 0.0)
    return {"most_frequent_answer": credits}


def _interval(value: Any) -> tuple[float, float] | None:
    try:
        start, end = (float(v) for v in value)
    except (TypeError, ValueError):
        return None
    return start, end


def _iou(a: tuple[float, float], b: tuple[float, float]) -> float:
    inter = max(0.0, min(a[1], b[1]) - max(a[0], b[0]))
    union = max(a[1], b[1]) - min(a[0], b[0])
    return inter / union if union > 0 else 0.0


def _question_key(record: dict[str, Any]) -> tuple[Any, ...]:
    """What the words of a "when" question tell without the video: the kind of event, the
    edge asked ("start moving"), the ordinal ("for the second time") and the difficulty
    (which sets the clip's length)."""
    query = record.get("query") or {}
    ordinal = query.get("occurrence") if (query.get("occurrences") or 1) > 1 else 0
    return (query.get("event_type"), query.get("edge"), ordinal, record.get("difficulty"))


def _interval_baselines(train: Sequence[dict[str, Any]], test: Sequence[dict[str, Any]]
                        ) -> dict[str, list[float]]:
    """Blind guesses of an interval answer, scored at IoU >= INTERVAL_IOU: the middle half
    of the clip, the middle of the clip with the form's median answer length, and the
    median answer (as fractions of the clip) of questions that read the same
    (:func:`_question_key`), all learned on the other fold, as a model that never watches
    would learn them."""
    lengths = sorted(b - a for a, b in filter(None, (_interval(r.get("answer_value"))
                                                     for r in train)))
    typical = lengths[len(lengths) // 2] if lengths else 0.0
    seen: dict[tuple[Any, ...], list[tuple[float, float]]] = defaultdict(list)
    for r in train:
        interval = _interval(r.get("answer_value"))
        if interval is not None:
            duration = r["video"]["duration_ms"] / 1000
            seen[_question_key(r)].append((interval[0] / duration, interval[1] / duration))
    credits: dict[str, list[float]] = {name: [] for name in INTERVAL_BASELINES}
    for r in test:
        truth = _interval(r.get("answer_value"))
        duration = r["video"]["duration_ms"] / 1000
        guesses = {"middle_half": (duration / 4, 3 * duration / 4),
                   "middle_typical_length": (duration / 2 - typical / 2,
                                             duration / 2 + typical / 2)}
        prior = seen.get(_question_key(r))
        if prior:
            guesses["question_prior"] = (float(np.median([a for a, _ in prior])) * duration,
                                         float(np.median([b for _, b in prior])) * duration)
        for name in INTERVAL_BASELINES:
            guess = guesses.get(name)
            hit = truth is not None and guess is not None and _iou(guess, truth) >= INTERVAL_IOU
            credits[name].append(1.0 if hit else 0.0)
    return credits


def _box_baselines(train: Sequence[dict[str, Any]], test: Sequence[dict[str, Any]]
                   ) -> dict[str, list[float]]:
    """Blind answers to a tracking question, scored at mean box IoU >= BOX_IOU: the box the
    question gives (or the object's first-frame box) repeated at every time, as if nothing
    moved; and the median box (as fractions of the frame) per asked time and frame size,
    learned on the other fold."""
    from synrl.answers import box_iou

    def scaled(r: dict[str, Any]) -> np.ndarray:
        return np.asarray([r["video"]["width"], r["video"]["height"]] * 2, dtype=np.float64)

    seen: dict[tuple[Any, ...], list[np.ndarray]] = defaultdict(list)
    for r in train:
        for t, box in zip(r["query"]["times_s"], r["answer_value"]):
            seen[(t, r["video"]["width"], r["video"]["height"])].append(np.asarray(box) / scaled(r))
    credits: dict[str, list[float]] = {name: [] for name in BOX_BASELINES}
    for r in test:
        truth = r["answer_value"]
        guesses = {"first_frame_box": [r["query"]["first_box"]] * len(truth)}
        prior = [seen.get((t, r["video"]["width"], r["video"]["height"]))
                 for t in r["query"]["times_s"]]
        if all(prior):
            guesses["box_prior"] = [np.median(p, axis=0) * scaled(r) for p in prior]
        for name in BOX_BASELINES:
            guess = guesses.get(name)
            hit = guess is not None and np.mean(
                [box_iou(g, b) for g, b in zip(guess, truth)]) >= BOX_IOU
            credits[name].append(1.0 if hit else 0.0)
    return credits


# ------------------------------------------------------------------------------- tables

@dataclass
class Baseline:
    name: str
    accuracy: float  # percent

    def excess(self, chance: float) -> float:
        return self.accuracy - chance


@dataclass
class Row:
    """One task (form "mc" or "open": all its forms of that kind) or one task and form."""

    task: str
    form: str
    n: int
    chance: float  # percent
    baselines: list[Baseline]
    letters: Counter
    answers: Counter
    # What the form needs of the frames, as its task declares (`Task.frame_needs`): "order",
    # "frames", "static"; forms of several templates list each need; "" if undeclared.
    frame_need: str = ""

    @property
    def best(self) -> Baseline:
        return max(self.baselines, key=lambda b: b.accuracy)

    def failing(self, threshold: float) -> bool:
        if self.form.split("/")[-1] in ("interval", "box"):
            return self.best.accuracy > INTERVAL_LIMIT
        return self.best.accuracy - self.chance > threshold

    def as_dict(self) -> dict[str, Any]:
        total = sum(self.answers.values()) or 1
        return {"task": self.task, "form": self.form, "n": self.n,
                "chance": round(self.chance, 2),
                "baselines": {b.name: round(b.accuracy, 2) for b in self.baselines},
                "best": self.best.name, "excess": round(self.best.accuracy - self.chance, 2),
                "frame_need": self.frame_need,
                "letters": dict(sorted(self.letters.items())),
                "answers": {a: round(100 * c / total, 1)
                            for a, c in self.answers.most_common(12)}}


@dataclass
class Stats:
    rows: list[Row]  # per task and kind ("mc" / "open")
    form_rows: list[Row]  # per task and form
    threshold: float

    @property
    def failures(self) -> list[Row]:
        return [row for row in self.rows if row.failing(self.threshold)]

    def as_dict(self) -> dict[str, Any]:
        return {"threshold": self.threshold,
                "tasks": [r.as_dict() for r in self.rows],
                "forms": [r.as_dict() for r in self.form_rows],
                "failures": [f"{r.task}/{r.form}" for r in self.failures]}


def _chance(records: Sequence[dict[str, Any]], answer_space: dict[Any, int]) -> float:
    """Mean probability of a uniform guess: 1/options, or 1/(distinct answers of the form
    at the record's difficulty)."""
    total = 0.0
    for r in records:
        if r["answer_type"] == "multiple_choice":
            total += 1.0 / len(r["options"])
        elif r["answer_type"] in ("interval", "box"):
            continue  # no finite answer space: hits of blind guesses, limited on their own
        else:
            total += 1.0 / max(1, answer_space[(form_of(r), r.get("difficulty"))])
    return 100.0 * total / max(1, len(records))


def _row(task: str, form: str, records: list[dict[str, Any]], credits: dict[str, list[float]],
         answer_space: dict[Any, int]) -> Row:
    baselines = [Baseline(name, 100.0 * sum(v) / max(1, len(v))) for name, v in credits.items()]
    letters = Counter(r["answer"] for r in records if r["answer_type"] == "multiple_choice")
    answers = Counter(_answer_key(r) for r in records)
    return Row(task, form, len(records), _chance(records, answer_space), baselines, letters,
               answers)


def compute(records: Iterable[dict[str, Any]], threshold: float = DEFAULT_THRESHOLD,
            split_seed: int = 0) -> Stats:
    """Shortcut statistics of `records`: per task and per task and form, the answer, letter
    and value distributions and the baselines' accuracy (two folds of a seeded split)."""
    by_form: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
    for record in records:
        if record["answer_type"] == "multiple_choice" and not record.get("options"):
            raise ValueError(f"record {record.get('id')}: multiple choice without options")
        by_form[(record["task"], form_of(record))].append(record)
    answer_space: dict[Any, int] = {}
    for (_, form), recs in by_form.items():
        for difficulty in {r.get("difficulty") for r in recs}:
            answer_space[(form, difficulty)] = len(
                {_answer_key(r) for r in recs if r.get("difficulty") == difficulty})

    form_rows: list[Row] = []
    per_task: dict[tuple[str, str], tuple[list, dict[str, list[float]]]] = {}
    for (task, form), recs in sorted(by_form.items()):
        mc = recs[0]["answer_type"] == "multiple_choice"
        interval = recs[0]["answer_type"] == "interval"
        box = recs[0]["answer_type"] == "box"
        score: Callable = (_mc_baselines if mc else _interval_baselines if interval else
                           _box_baselines if box else _open_baselines)
        folds = ([r for r in recs if _fold(r, split_seed) == 0],
                 [r for r in recs if _fold(r, split_seed) == 1])
        credits: dict[str, list[float]] = defaultdict(list)
        ordered: list[dict[str, Any]] = []
        for train, test in ((folds[0], folds[1]), (folds[1], folds[0])):
            for name, values in score(train, test).items():
                credits[name] += values
            ordered += test
        form_rows.append(_row(task, form, ordered, dict(credits), answer_space))
        kind = "mc" if mc else "interval" if interval else "box" if box else "open"
        all_recs, all_credits = per_task.setdefault((task, kind), ([], defaultdict(list)))
        all_recs += ordered
        for name, values in credits.items():
            all_credits[name] += values
    rows = [_row(task, kind, recs, dict(credits), answer_space)
            for (task, kind), (recs, credits) in sorted(per_task.items())]
    needs = frame_needs_of_forms(sorted({task for task, _ in by_form}))
    for row in form_rows:
        row.frame_need = needs.get((row.task, row.form), "")
    return Stats(rows, form_rows, threshold)


def frame_needs_of_forms(tasks: Sequence[str]) -> dict[tuple[str, str], str]:
    """(task, form) -> the declared frame need of the templates asking that form. Records
    do not name their template, so one record per template is simulated (no pixels) to see
    which form it asks; a task that is not registered is left out."""
    out: dict[tuple[str, str], str] = {}
    for task_id in tasks:
        out.update({(task_id, form): need for form, need in _task_frame_needs(task_id).items()})
    return out


@lru_cache(maxsize=None)
def _task_frame_needs(task_id: str) -> dict[str, str]:
    from synrl.generate import SampleRequest, build_sample
    from synrl.suite import get_task
    from synrl.suite.base import TaskError

    try:
        task = get_task(task_id)
    except (LookupError, TaskError):  # records of a task this install does not know
        return {}
    needs: dict[str, set[str]] = defaultdict(set)
    for index, template in enumerate(task.all_templates()):
        need = task.frame_need(template.name)
        if need is not None:
            request = SampleRequest(task_id, "train", 0, index, 1, ("mc", "open"), VideoOptions())
            needs[form_of(build_sample(request).record)].add(need)
    return {form: "|".join(sorted(n)) for form, n in needs.items()}


# ------------------------------------------------------------------- records, no pixels

def build_records(tasks: Sequence[str], per_task: int, *, split: str = "train", seed: int = 0,
                  difficulties: Sequence[int] = (1, 2, 3, 4, 5),
                  question_types: Sequence[str] = ("mc", "open"),
                  video: VideoOptions | None = None,
                  task_options: dict[str, str] | None = None) -> list[dict[str, Any]]:
    """Records of `per_task` samples per task, simulated and phrased but never rendered
    (a few milliseconds each). The indices are cut into one contiguous run per difficulty,
    so each run is the start of what `synrl generate --difficulty d` writes."""
    from synrl.generate import SampleRequest, build_sample

    video = video or VideoOptions()
    options = tuple(sorted((task_options or {}).items()))
    records = []
    for task_id in tasks:
        for index in range(per_task):
            difficulty = difficulties[index * len(difficulties) // per_task]
            request = SampleRequest(task_id, split, seed, index, difficulty,
                                    tuple(question_types), video, options)
            records.append(build_sample(request).record)
    return records
