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
import warnings
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Callable, Iterable

import numpy as np

from synrl import __version__
from synrl.config import GenerateConfig, VideoOptions
from synrl.dataset import (DATASET_JSON, MANIFEST, PARTS, VIDEOS, DatasetError, WriterLock,
                           read_dataset_json, read_manifest, read_parts, relative_video_path,
                           remove_temp_files, video_path, write_dataset_json, write_manifest,
                           write_part)
from synrl.record import build_record, sample_id, sample_seed
from synrl.render.frames import render_frames
from synrl.render.shapes import parse_color
from synrl.render.video import EncoderSettings, VideoWriter
from synrl.suite import get_task
from synrl.suite.base import Plan, Question, Simulation, Task, TaskError, VideoSpec
from synrl.suite._track.family import track_sample
from synrl.suite._when.family import when_sample
from synrl.suite._when.mixture import parse_question_types

#: The sampler of each question family's forms: (task id, form, index among the form's
#: samples, stream, rng, simulate(plan index)) -> (simulation, question).
FAMILY_SAMPLERS = {"when": when_sample, "when_mc": when_sample, "track": track_sample}

__all__ = ["DatasetError", "SampleRequest", "build_sample", "generate", "parse_shard", "write_video"]


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
    mixture = parse_question_types(request.question_types)
    form, index = mixture.deal(request.index)
    stream = f"{request.split}|{request.base_seed}"
    spec = video_spec(request.video)

    def plan_for(plan_index: int) -> Plan:
        plan = task.plan(plan_index, request.difficulty, mixture.base_types or None,
                         dict(request.task_options), stream=stream)
        if request.round != 1:
            if request.round not in task.rounds:
                raise TaskError(f"task {task.id!r} has no curriculum round {request.round}")
            plan = replace(plan, options={**plan.options, "round": request.round})
        return plan

    if form == "base":
        plan = plan_for(index)
        sim = task.simulate(plan, rng, request.difficulty, spec)
        question = task.question(sim, plan, rng, request.difficulty)
    else:  # a question family's sample: the task simulates, the shared family asks
        sim, question = FAMILY_SAMPLERS[form](task.id, form, index, stream, rng,
                                              lambda k: task.simulate(plan_for(k), rng,
                                                                      request.difficulty, spec))
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


def parse_shard(text: str) -> tuple[int, int]:
    """``"i/n"`` (0 <= i < n) as ``(i, n)``; a one-line error otherwise."""
    try:
        index, count = (int(x) for x in text.split("/"))
    except ValueError:
        raise DatasetError(f"--shard {text!r}: use I/N, e.g. 3/8 (I counts from 0)") from None
    if count < 1 or not 0 <= index < count:
        raise DatasetError(f"--shard {text!r}: I must be in 0..N-1 and N at least 1")
    return index, count


def shard_requests(requests: list[SampleRequest], shard: tuple[int, int] | None) -> list[SampleRequest]:
    """Shard ``i/n``'s share: every n-th request from the i-th (tasks interleave, so each
    shard gets about the same mix and cost)."""
    if shard is None:
        return requests
    index, count = shard
    return requests[index::count]


def _ray_generate_one(request: SampleRequest, out: str) -> str:
    """A Ray task: raises on failure so that Ray retries it (``retry_exceptions``)."""
    rid, error = generate_one(request, Path(out))
    if error is not None:
        raise RuntimeError(error)
    return rid


def _run_ray(todo: list[SampleRequest], out: Path, address: str,
             account: Callable[[tuple[str, str | None]], None], retries: int = 3) -> None:
    """Every sample as one Ray task on the cluster at ``address`` ("local" starts one in this
    process). The folder must be shared by every node and synrl installed on each."""
    try:
        import ray
    except ImportError:
        raise DatasetError("--ray needs Ray: pip install 'synrl[ray]'") from None
    from synrl.suite.registry import TASK_PATH_ENV

    started = not ray.is_initialized()
    if started:
        env = {TASK_PATH_ENV: os.environ[TASK_PATH_ENV]} if os.environ.get(TASK_PATH_ENV) else {}
        with warnings.catch_warnings():  # a FutureWarning about GPU env vars, moot for CPU tasks
            warnings.simplefilter("ignore", FutureWarning)
            # A local cluster binds to loopback: it needs no other interface of the machine.
            local = {"_node_ip_address": "127.0.0.1"} if address == "local" else {}
            ray.init(address=None if address == "local" else address, log_to_driver=False,
                     logging_level="WARNING", runtime_env={"env_vars": env} if env else None, **local)
    try:
        remote = ray.remote(num_cpus=1, max_retries=retries, retry_exceptions=True)(_ray_generate_one)
        pending = {remote.remote(request, str(out)): request.id for request in todo}
        while pending:
            ready, _ = ray.wait(list(pending), num_returns=1)
            for ref in ready:
                rid = pending.pop(ref)
                try:
                    ray.get(ref)
                    account((rid, None))
                except Exception as exc:  # after the retries: reported like a local failure
                    cause = getattr(exc, "cause", None) or exc
                    account((rid, str(cause).strip().splitlines()[-1]))
    finally:
        if started:
            ray.shutdown()


def generate(config: GenerateConfig,
             on_progress: Callable[[int, int], None] | None = None, *,
             shard: tuple[int, int] | None = None, ray: str | None = None) -> GenerateResult:
    """Generate (or complete) the dataset described by `config`.

    ``shard=(i, n)`` writes only shard i's samples (videos and parts, no manifest): n shards
    run concurrently on one shared folder, and a final run without ``shard`` assembles the
    manifest (generating anything still missing). ``ray`` schedules the samples as Ray tasks
    on the cluster at that address. Either way the bytes are those of a local run.
    """
    out = config.out
    _check_writable(out)
    _check_identity(out, config)
    name = "all" if shard is None else f"shard-{shard[0]}-of-{shard[1]}"
    with WriterLock(out, name):
        return _generate_locked(config, on_progress, shard, ray)


def _generate_locked(config: GenerateConfig, on_progress, shard, ray) -> GenerateResult:
    out = config.out
    requests = requests_for(config)
    mine = shard_requests(requests, shard)
    if shard is None:
        remove_temp_files(out, out / VIDEOS, out / PARTS)
    else:  # other shards are writing here: clear only what this shard left
        remove_temp_files(out / VIDEOS, out / PARTS, names=[r.id for r in mine])
    (out / VIDEOS).mkdir(exist_ok=True)
    (out / PARTS).mkdir(exist_ok=True)
    done = _existing_records(out)
    if shard is None or not (out / DATASET_JSON).exists():
        _write_dataset_json(out, config, {}, complete=False)

    todo = [r for r in mine if r.id not in done]
    result = GenerateResult(out, skipped=len(mine) - len(todo))
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

    if ray is not None and todo:
        _run_ray(todo, out, ray, account)
    elif config.workers == 1 or total <= 1:
        for request in todo:
            account(generate_one(request, out))
    else:
        with ProcessPoolExecutor(max_workers=min(config.workers, total)) as pool:
            futures = [pool.submit(generate_one, request, out) for request in todo]
            for future in as_completed(futures):
                account(future.result())
    if shard is None:
        result.counts = finalize(out, config, complete=not result.failed)
    else:
        for request in mine:
            if request.id not in result.failed:
                result.counts[request.task_id] = result.counts.get(request.task_id, 0) + 1
    return result
