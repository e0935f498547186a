"""Running a model over a benchmark into a resumable predictions file.

A run folder holds ``run.json`` (every setting, recorded), ``predictions.jsonl`` (one line
per completion, appended as each arrives) and, after scoring, ``metrics.json``,
``report.md``, ``scores.jsonl`` and ``charts/``. Lines are appended by
:class:`synrl.dataset.JsonlAppender`: a kill can at most leave an unterminated last line,
which the next run cuts off before appending. A rerun skips every (id, k) already answered
and retries the failed ones.
"""

from __future__ import annotations

import json
import random
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from synrl import __version__
from synrl.dataset import JsonlAppender, atomic_write_json, repair_tail
from synrl.eval.backends import Backend, Completion, Request, make_backend
from synrl.eval.benchmarks import load_benchmark
from synrl.eval.benchmarks.grounding_common import grounded_pair_id
from synrl.eval.config import RunConfig
from synrl.eval.sample import EvalSample

RUN_JSON = "run.json"
PREDICTIONS = "predictions.jsonl"


class RunError(Exception):
    """A run folder that cannot be used as asked."""


def read_predictions(path: Path) -> dict[tuple[str, int], dict[str, Any]]:
    """The latest prediction per (id, k); an unterminated last line is ignored."""
    found: dict[tuple[str, int], dict[str, Any]] = {}
    if not path.exists():
        return found
    data = path.read_bytes()
    complete = data[: data.rfind(b"\n") + 1]
    for n, line in enumerate(complete.decode("utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except ValueError as exc:
            raise RunError(f"{path}:{n}: corrupt line ({exc})") from exc
        found[(str(row["id"]), int(row["k"]))] = row
    return found


def _check_run_json(out: Path, config: RunConfig) -> None:
    path = out / RUN_JSON
    if not path.exists():
        return
    previous = json.loads(path.read_text())
    settings = RunConfig.model_validate(previous["config"]).prediction_settings()
    if settings != config.prediction_settings():
        raise RunError(f"{out} holds a run with other settings (see its {RUN_JSON}); use another --out")


def write_run_json(out: Path, config: RunConfig, **extra: Any) -> None:
    path = out / RUN_JSON
    previous = json.loads(path.read_text()) if path.exists() else {}
    data = {"synrl_version": __version__, "model": config.model_label(), "config": config.model_dump(mode="json"),
            "created": previous.get("created", time.strftime("%Y-%m-%dT%H:%M:%S%z")), **extra}
    atomic_write_json(path, data)


def load_run_config(out: Path) -> RunConfig:
    path = out / RUN_JSON
    if not path.exists():
        raise RunError(f"{out} is not a run folder (no {RUN_JSON})")
    return RunConfig.model_validate(json.loads(path.read_text())["config"])


def stratified_limit(samples: list[EvalSample], limit: int, seed: int = 0) -> list[EvalSample]:
    """``limit`` items drawn without replacement, stratified over the first breakdown key.

    Each stratum (e.g. MVBench's task, Video-MME's duration) gets ``limit`` times its share of
    the items, rounded by largest remainder (ties to the earlier stratum); items inside a
    stratum are drawn with ``random.Random(seed)``. The two halves of a grounded-QA item
    (``<id>/qa``, ``<id>/ground``) count as one item and stay together. The result keeps the
    benchmark's order, so the same seed always gives the same questions.
    """
    units: dict[str, list[EvalSample]] = {}
    for sample in samples:
        pair = grounded_pair_id(sample.id)
        units.setdefault(pair[0] if pair else sample.id, []).append(sample)
    if limit <= 0 or limit >= len(units):
        return samples
    strata: dict[str, list[str]] = {}
    for key, members in units.items():
        groups = members[0].groups
        strata.setdefault(next(iter(groups.values()), "") if groups else "", []).append(key)
    total = len(units)
    shares = {name: limit * len(keys) / total for name, keys in strata.items()}
    quota = {name: int(share) for name, share in shares.items()}
    by_remainder = sorted(strata, key=lambda name: -(shares[name] - quota[name]))
    for name in by_remainder[: limit - sum(quota.values())]:
        quota[name] += 1
    rng = random.Random(seed)
    chosen: set[str] = set()
    for name in sorted(strata):
        chosen.update(rng.sample(strata[name], quota[name]))
    return [s for key, members in units.items() if key in chosen for s in members]


def load_samples(config: RunConfig) -> list[EvalSample]:
    samples = load_benchmark(config.benchmark, config.data, config.options)
    return stratified_limit(samples, config.limit, config.limit_seed) if config.limit else samples


@dataclass
class RunResult:
    """What one invocation did."""

    questions: int
    requested: int
    written: int
    failed: int


def run_predictions(config: RunConfig, out: Path, backend: Backend | None = None,
                    on_progress: Callable[[int, int], None] | None = None) -> RunResult:
    """Answer every (question, k) of ``config`` not yet answered in ``out``."""
    out.mkdir(parents=True, exist_ok=True)
    _check_run_json(out, config)
    samples = load_samples(config)
    write_run_json(out, config, questions=len(samples))
    path = out / PREDICTIONS
    repair_tail(path)
    done = read_predictions(path)
    pending = [Request(sample, k) for sample in samples for k in range(config.samples)
               if (row := done.get((sample.id, k))) is None or row.get("completion") is None]
    result = RunResult(len(samples), len(pending), 0, 0)
    if not pending:
        return result
    own = backend is None
    backend = backend or make_backend(config)
    try:
        with JsonlAppender(path) as writer:
            for completion in _run(backend, pending):
                writer.append(completion.to_dict())
                result.written += 1
                result.failed += completion.text is None
                if on_progress:
                    on_progress(result.written, len(pending))
    finally:
        if own:
            backend.close()
    return result


def _run(backend: Backend, pending: Iterable[Request]) -> Iterable[Completion]:
    yield from backend.run(pending)
