"""Run the probe: per task, build the train and test sets, train one classifier per
condition and score it per question form."""

from __future__ import annotations

import time
import zlib
from collections import Counter
from dataclasses import asdict, dataclass, field
from typing import Any, Callable, Sequence

import numpy as np

from synrl.probe.conditions import ORDERED, REVERSED, SHUFFLED, SINGLE, TRAINED
from synrl.probe.data import MAX_SLOTS, ProbeSample, build_samples
from synrl.probe.model import (Encoded, ModelConfig, model_input, one_hot, parameter_count,
                               predict, train)
from synrl.probe.report import Cell, FormResult, Report, verdict
from synrl.stats import compute
from synrl.suite import get_task


@dataclass(frozen=True)
class ProbeConfig:
    tasks: tuple[str, ...]
    per_task: int = 600  # training samples per task
    test_per_task: int = 300
    size: int = 64
    render_size: int | None = None  # draw clips this large, then shrink them to `size`
    frames: int = 16
    seed: int = 0  # base seed of the generated sets and of training
    difficulties: tuple[int, ...] = (1, 2, 3, 4, 5)
    threads: int = 1
    forms: tuple[str, ...] | None = None  # templates to probe (default: every MC form)
    conditions: tuple[str, ...] = TRAINED  # conditions to train under (ordered is needed)
    model: ModelConfig = field(default_factory=ModelConfig)

    def __post_init__(self) -> None:
        if not self.tasks:
            raise ValueError("no task to probe")
        if self.per_task < 2 or self.test_per_task < 1:
            raise ValueError("the probe needs at least 2 training and 1 test samples per task")
        if self.frames < 2:
            raise ValueError("--frames must be at least 2 (ordered vs shuffled needs several)")
        if ORDERED not in self.conditions or not set(self.conditions) <= set(TRAINED):
            raise ValueError(f"conditions must include {ORDERED!r} and be among "
                             f"{', '.join(TRAINED)}")
        if self.threads < 1:
            raise ValueError("--threads must be at least 1")

    def as_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["tasks"] = list(self.tasks)
        out["difficulties"] = list(self.difficulties)
        out["forms"] = None if self.forms is None else list(self.forms)
        out["conditions"] = list(self.conditions)
        return out


def _seed(*key: object) -> int:
    return zlib.crc32("|".join(map(str, key)).encode())


def encode(samples: Sequence[ProbeSample], classes: Sequence[str],
           questions: Sequence[str]) -> Encoded:
    clips = np.stack([model_input(s.frames, s.slot_colors, s.slot_used) for s in samples])
    index = {c: i for i, c in enumerate(classes)}
    return Encoded(clips=clips,
                   question=one_hot([f"{s.form}|{s.variant}" for s in samples], questions),
                   labels=np.array([index.get(s.label, -1) for s in samples], np.int64))


def _cell(hits: np.ndarray) -> Cell:
    return Cell(int(hits.sum()), int(hits.size))


def _text_baseline(records: list[dict[str, Any]]) -> dict[str, Any]:
    """The best text-only baseline of `synrl stats` on these records (one form)."""
    row = compute(records).form_rows[0]
    return {"name": row.best.name, "accuracy": round(row.best.accuracy, 2),
            "chance": round(row.chance, 2), "n": row.n}


def probe_task(task_id: str, config: ProbeConfig,
               log: Callable[[str], None] = lambda _: None) -> tuple[list[FormResult], dict]:
    """Per question form of `task_id`: accuracy under each condition, chance, the text-only
    baseline, the reversal flip agreement, and the verdict on the declared frame need."""
    task = get_task(task_id)
    kwargs = dict(seed=config.seed, size=config.size, frames=config.frames,
                  difficulties=config.difficulties, forms=config.forms,
                  render_size=config.render_size)
    started = time.process_time()
    train_set = build_samples(task_id, "train", config.per_task, **kwargs)
    test_set = build_samples(task_id, "test", config.test_per_task, **kwargs)
    classes = sorted({s.label for s in train_set})
    questions = sorted({f"{s.form}|{s.variant}" for s in train_set})
    train_enc = encode(train_set, classes, questions)
    test_enc = encode(test_set, classes, questions)
    log(f"{task_id}: {len(train_set)} train / {len(test_set)} test clips, {len(classes)} "
        f"classes, {time.process_time() - started:.0f} s CPU to build")

    predictions: dict[str, np.ndarray] = {}
    params = 0
    for condition in config.conditions:
        begun = time.process_time()
        model = train(train_enc, condition, len(classes), config.model,
                      _seed(config.seed, task_id, condition), config.threads)
        params = parameter_count(model)
        predictions[condition] = predict(model, test_enc, condition,
                                         _seed(config.seed, task_id, condition, "test"))
        if condition == ORDERED:
            predictions[REVERSED] = predict(model, test_enc, REVERSED, 0)
        log(f"{task_id}: {condition} trained and scored in {time.process_time() - begun:.0f} s CPU")

    index = {c: i for i, c in enumerate(classes)}
    forms = [t.name for t in task.all_templates() if any(s.form == t.name for s in test_set)]
    results = []
    for form in dict.fromkeys(forms):
        rows = np.array([i for i, s in enumerate(test_set) if s.form == form])
        train_labels = Counter(s.label for s in train_set if s.form == form)
        majority = min(train_labels, key=lambda c: (-train_labels[c], c))
        truth = test_enc.labels[rows]
        cells = {c: _cell(predictions[c][rows] == truth) for c in config.conditions}
        chance = _cell(np.array([test_set[i].label == majority for i in rows]))
        flipped = [i for i in rows if test_set[i].reversed_label not in (None, test_set[i].label)]
        reverse = None
        if flipped:
            known = [i for i in flipped if test_set[i].reversed_label in index]
            want = np.array([index[test_set[i].reversed_label] for i in known], np.int64)
            got = predictions[REVERSED][known] if known else np.zeros(0, np.int64)
            reverse = {"flipping": len(flipped), "scored": len(known),
                       "agree": int((got == want).sum()),
                       "kept": int((got == test_enc.labels[known]).sum()) if known else 0}
        need = task.frame_need(form)
        result = FormResult(task=task_id, form=form, need=need, n_train=sum(train_labels.values()),
                            n_test=len(rows), classes=len(train_labels), chance=chance,
                            conditions=cells, reversed=reverse,
                            text=_text_baseline([test_set[i].record for i in rows]))
        result.verdict = verdict(result)
        results.append(result)
    info = {"task": task_id, "train": len(train_set), "test": len(test_set),
            "classes": len(classes), "questions": len(questions), "parameters": params,
            "skipped": {"train": config.per_task - len(train_set),
                        "test": config.test_per_task - len(test_set)}}
    return results, {**info, "cpu_s": round(time.process_time() - started, 1)}


def run_probe(config: ProbeConfig, log: Callable[[str], None] = lambda _: None) -> Report:
    """The probe over every task of `config`; the report records the data, model and seeds."""
    results: list[FormResult] = []
    tasks = []
    for task_id in config.tasks:
        forms, info = probe_task(task_id, config, log)
        results += forms
        tasks.append(info)
    return Report(config=config.as_dict(), model=config.model.describe(),
                  slots=MAX_SLOTS, tasks=tasks, results=results)


__all__ = ["ProbeConfig", "probe_task", "run_probe", "ORDERED", "SHUFFLED", "SINGLE"]
