"""Dataset generation: parallel, deterministic and resumable.

Layout of a dataset folder (SPEC.md): `manifest.jsonl` (sorted by id), `videos/<id>.mp4`,
`dataset.json`. While a run is in progress each finished sample also has `.parts/<id>.json`;
every file appears under its final name only through an atomic rename, so a run killed at any
point leaves either a finished sample or nothing, and rerunning the same command completes the
set without duplicates.
"""

from __future__ import annotations

import json
import os
import shutil
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable

import numpy as np

from synrl import __version__
from synrl.config import GenerateConfig, VideoOptions
from synrl.record import build_record, dumps, sample_id, sample_seed
from synrl.render.frames import render_frames
from synrl.render.shapes import parse_color
from synrl.render.video import EncoderSettings, VideoWriter
from synrl.suite import get_task
from synrl.suite.base import Question, Simulation, Task, VideoSpec

MANIFEST = "manifest.jsonl"
DATASET_JSON = "dataset.json"
PARTS = ".parts"
VIDEOS = "videos"


class DatasetError(Exception):
    """A dataset folder that cannot be written, read or extended as asked."""


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
                     dict(request.task_options))
    spec = video_spec(request.video)
    sim = task.simulate(plan, rng, request.difficulty, spec)
    question = task.ask(sim, plan, rng, request.difficulty)
    record = build_record(task, split=request.split, base_seed=request.base_seed,
                          index=request.index, seed=request.seed,
                          difficulty=request.difficulty, sim=sim, question=question,
                          video_path=f"{VIDEOS}/{request.id}.mp4")
    return BuiltSample(task, sim, question, record)


def encoder_settings(options: VideoOptions) -> EncoderSettings:
    return EncoderSettings(crf=options.crf, preset=options.preset)


def write_video(sim: Simulation, path: Path, options: VideoOptions,
                order: Iterable[int] | None = None) -> None:
    with VideoWriter(path, sim.video.width, sim.video.height, sim.video.fps,
                     encoder_settings(options)) as writer:
        for frame in render_frames(sim, order):
            writer.write(frame)


def _atomic_write_text(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def generate_one(request: SampleRequest, out: Path) -> tuple[str, str | None]:
    """Write one sample's video and record part; returns (id, error or None)."""
    try:
        built = build_sample(request)
        write_video(built.sim, out / VIDEOS / f"{request.id}.mp4", request.video)
        _atomic_write_text(out / PARTS / f"{request.id}.json", dumps(built.record))
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


def read_manifest(path: Path) -> list[dict[str, Any]]:
    records = []
    with open(path, encoding="utf-8") as fh:
        for number, line in enumerate(fh, 1):
            if line.strip():
                try:
                    records.append(json.loads(line))
                except json.JSONDecodeError as exc:
                    raise DatasetError(f"{path}:{number}: not a JSON record ({exc.msg})") from exc
    return records


def _existing_records(out: Path) -> dict[str, dict[str, Any]]:
    """Finished samples: the manifest plus parts of an interrupted run, keyed by id. A record
    counts only if its video is there too."""
    records: dict[str, dict[str, Any]] = {}
    if (out / MANIFEST).exists():
        for record in read_manifest(out / MANIFEST):
            records[record["id"]] = record
    parts = out / PARTS
    if parts.is_dir():
        for part in sorted(parts.glob("*.json")):
            try:
                record = json.loads(part.read_text(encoding="utf-8"))
            except (json.JSONDecodeError, UnicodeDecodeError):
                part.unlink()  # cannot happen through atomic renames; drop and regenerate
                continue
            records[record["id"]] = record
    return {rid: r for rid, r in records.items() if (out / r["video"]["path"]).is_file()}


def _check_identity(out: Path, config: GenerateConfig) -> None:
    meta_path = out / DATASET_JSON
    if not meta_path.exists():
        return
    try:
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise DatasetError(f"{meta_path} is not valid JSON: {exc.msg}") from exc
    if meta.get("identity") != config.identity():
        raise DatasetError(
            f"{out} holds a dataset generated with other options "
            f"({json.dumps(meta.get('identity'), sort_keys=True)}); use another --out folder")


def _remove_temp_files(out: Path) -> None:
    for folder in (out, out / VIDEOS, out / PARTS):
        if folder.is_dir():
            for tmp in folder.glob(".*.tmp"):
                tmp.unlink(missing_ok=True)


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
    _atomic_write_text(out / DATASET_JSON, json.dumps(meta, indent=2) + "\n")


def finalize(out: Path, config: GenerateConfig, complete: bool) -> dict[str, int]:
    """Merge parts into the sorted manifest, then drop the parts."""
    records = _existing_records(out)
    lines = [dumps(records[rid]) for rid in sorted(records)]
    _atomic_write_text(out / MANIFEST, "".join(line + "\n" for line in lines))
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
                      tuple(sorted(config.task_options.items())))
        for task_id in config.tasks for index in range(config.per_task)
    ]


def generate(config: GenerateConfig,
             on_progress: Callable[[int, int], None] | None = None) -> GenerateResult:
    """Generate (or complete) the dataset described by `config`."""
    out = config.out
    _check_writable(out)
    _check_identity(out, config)
    _remove_temp_files(out)
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
