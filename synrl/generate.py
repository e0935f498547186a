"""Dataset generation: parallel, deterministic and resumable.

The folder layout and its writers are :mod:`synrl.dataset`'s. While a run is in progress
each finished sample also has `.parts/<id>.json`; every file appears under its final name
only through an atomic rename, so a run killed at any point leaves either a finished sample
or nothing, and rerunning the same command completes the set without duplicates.
"""

from __future__ import annotations

import json
import os
import shutil
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Callable, Iterable

import numpy as np

from synrl import __version__
from synrl.config import GenerateConfig, VideoOptions
from synrl.dataset import (MANIFEST, PARTS, VIDEOS, DatasetError, read_dataset_json, read_manifest, read_parts,
                           relative_video_path, remove_temp_files, video_path, write_dataset_json,
                           write_manifest, write_part)
from synrl.record import build_record, sample_id, sample_seed
from synrl.render.frames import render_frames
from synrl.render.shapes import parse_color
from synrl.render.video import EncoderSettings, VideoWriter
from synrl.suite import get_task
from synrl.suite.base import Question, Simulation, Task, TaskError, VideoSpec

__all__ = ["DatasetError", "SampleRequest", "build_sample", "generate", "write_video"]


def video_spec(options: VideoOptions) -> VideoSpec:
    return VideoSpec(width=options.width, height=options.height, fps=options.fps,
                     background=parse_color(options.background),
                     duration_scale=options.duration_scale)


@dataclass(frozen=True)
class SampleRequest:
    """Everything that determines one sample."""

    task_id: str
    split: str
    base_seed: int
    index: int
    difficulty: int
    question_types: tuple[str, ...]
    video: VideoOptions
    task_options: tuple[tuple[str, str], ...] = ()
    # Curriculum round (the paper's round 2: twice the duration and the operations or events
    # at the same pace); tasks declare the rounds they support (`Task.rounds`).
    round: int = 1

    @property
    def id(self) -> str:
        return sample_id(self.task_id, self.split, self.base_seed, self.index)

    @property
    def seed(self) -> int:
        return sample_seed(self.task_id, self.split, self.base_seed, self.index)


@dataclass
class BuiltSample:
    task: Task
    sim: Simulation
    question: Question
    record: dict[str, Any]


def build_sample(request: SampleRequest) -> BuiltSample:
    """Simulate and phrase one sample (no pixels yet). Pure: same request, same result."""
    task = get_task(request.task_id)
    rng = np.random.default_rng(request.seed)
    plan = task.plan(request.index, request.difficulty, request.question_types,
                     dict(request.task_options), stream=f"{request.split}|{request.base_seed}")
    if request.round != 1:
        if request.round not in task.rounds:
            raise TaskError(f"task {task.id!r} has no curriculum round {request.round}")
        plan = replace(plan, options={**plan.options, "round": request.round})
    spec = video_spec(request.video)
    sim = task.simulate(plan, rng, request.difficulty, spec)
    question = task.question(sim, plan, rng, request.difficulty)
    record = build_record(task, split=request.split, base_seed=request.base_seed,
                          index=request.index, seed=request.seed,
                          difficulty=request.difficulty, sim=sim, question=question,
                          video_path=relative_video_path(request.id))
    return BuiltSample(task, sim, question, record)


def encoder_settings(options: VideoOptions) -> EncoderSettings:
    return EncoderSettings(crf=options.crf, preset=options.preset)


def write_video(sim: Simulation, path: Path, options: VideoOptions,
                order: Iterable[int] | None = None) -> None:
    with VideoWriter(path, sim.video.width, sim.video.height, sim.video.fps,
                     encoder_settings(options)) as writer:
        for frame in render_frames(sim, order):
            writer.write(frame)


def generate_one(request: SampleRequest, out: Path) -> tuple[str, str | None]:
    """Write one sample's video and record part; returns (id, error or None)."""
    try:
        built = build_sample(request)
        write_video(built.sim, video_path(out, request.id), request.video)
        write_part(out, built.record)
        return request.id, None
    except Exception as exc:  # reported per sample; the run goes on and can be retried
        return request.id, f"{exc.__class__.__name__}: {exc}"


@dataclass
class GenerateResult:
    out: Path
    written: int = 0
    skipped: int = 0
    failed: dict[str, str] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def _check_writable(out: Path) -> None:
    try:
        out.mkdir(parents=True, exist_ok=True)
        probe = out / f".write-test.{os.getpid()}"
        probe.write_text("")
        probe.unlink()
    except OSError as exc:
        raise DatasetError(f"cannot write to {out}: {exc.strerror or exc}") from exc


def _existing_records(out: Path) -> dict[str, dict[str, Any]]:
    """Finished samples: the manifest plus parts of an interrupted run, keyed by id. A record
    counts only if its video is there too."""
    records: dict[str, dict[str, Any]] = {}
    if (out / MANIFEST).exists():
        for record in read_manifest(out / MANIFEST):
            records[record["id"]] = record
    for record in read_parts(out):
        records[record["id"]] = record
    return {rid: r for rid, r in records.items() if (out / r["video"]["path"]).is_file()}


def _check_identity(out: Path, config: GenerateConfig) -> None:
    meta = read_dataset_json(out)
    if meta is None:
        return
    if meta.get("identity") != config.identity():
        raise DatasetError(
            f"{out} holds a dataset generated with other options "
            f"({json.dumps(meta.get('identity'), sort_keys=True)}); use another --out folder")


def _write_dataset_json(out: Path, config: GenerateConfig, counts: dict[str, int],
                        complete: bool) -> None:
    meta = {
        "generator": "synrl",
        "version": __version__,
        "identity": config.identity(),
        "command": {"tasks": config.tasks, "per_task": config.per_task,
                    "workers": config.workers},
        "counts": counts,
        "num_samples": sum(counts.values()),
        "complete": complete,
    }
    write_dataset_json(out, meta)


def finalize(out: Path, config: GenerateConfig, complete: bool) -> dict[str, int]:
    """Merge parts into the sorted manifest, then drop the parts."""
    records = _existing_records(out)
    write_manifest(out, records.values())
    counts: dict[str, int] = {}
    for rid in sorted(records):
        counts[records[rid]["task"]] = counts.get(records[rid]["task"], 0) + 1
    _write_dataset_json(out, config, counts, complete)
    shutil.rmtree(out / PARTS, ignore_errors=True)
    return counts


def requests_for(config: GenerateConfig) -> list[SampleRequest]:
    return [
        SampleRequest(task_id, config.split, config.seed, index, config.difficulty,
                      tuple(config.question_types), config.video,
                      tuple(sorted(config.task_options.items())), config.round)
        for task_id in config.tasks for index in range(config.per_task)
    ]


def generate(config: GenerateConfig,
             on_progress: Callable[[int, int], None] | None = None) -> GenerateResult:
    """Generate (or complete) the dataset described by `config`."""
    out = config.out
    _check_writable(out)
    _check_identity(out, config)
    remove_temp_files(out, out / VIDEOS, out / PARTS)
    (out / VIDEOS).mkdir(exist_ok=True)
    (out / PARTS).mkdir(exist_ok=True)
    done = _existing_records(out)
    _write_dataset_json(out, config, {}, complete=False)

    todo = [r for r in requests_for(config) if r.id not in done]
    result = GenerateResult(out, skipped=len(requests_for(config)) - len(todo))
    total = len(todo)
    if on_progress:
        on_progress(0, total)
    finished = 0

    def account(sample: tuple[str, str | None]) -> None:
        nonlocal finished
        rid, error = sample
        finished += 1
        if error is None:
            result.written += 1
        else:
            result.failed[rid] = error
        if on_progress:
            on_progress(finished, total)

    if config.workers == 1 or total <= 1:
        for request in todo:
            account(generate_one(request, out))
    else:
        with ProcessPoolExecutor(max_workers=min(config.workers, total)) as pool:
            futures = [pool.submit(generate_one, request, out) for request in todo]
            for future in as_completed(futures):
                account(future.result())
    result.counts = finalize(out, config, complete=not result.failed)
    return result
