"""An online procedural stream: freshly generated samples for RL, never a fixed file set.

Worker processes render samples ahead of the consumer into a bounded on-disk cache, each
feeding its own bounded queue (back-pressure: a worker waits while its queue is full). The
consumer takes from the queues in turn, so the order of the stream is deterministic.

Every sample has a stream position and from it a unique index:
``index = (k * world + rank) * workers + worker`` for the k-th sample of a worker, so seeds
never repeat across workers or ranks, and each record carries ``seed``, ``index``,
``base_seed`` and ``difficulty`` (plus ``stream``: rank, worker, position, step): with the
stream's spec, :func:`stream_request` rebuilds any sample that was trained on.

The difficulty follows a curriculum: a function of the optimizer step, which the stream
counts as ``position // per_step`` (per_step: unique prompts one rank consumes per step).
"""

from __future__ import annotations

import collections
import multiprocessing
import queue as queue_module
import shutil
import tempfile
import warnings
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Iterator

from synrl.config import QUESTION_TYPES, VideoOptions
from synrl.suite._when.mixture import MixtureError, parse_question_types
from synrl.dataset import video_path
from synrl.generate import SampleRequest, build_sample, write_video
from synrl.suite.base import DIFFICULTY_LEVELS

__all__ = ["StreamSpec", "parse_stream_spec", "iter_stream", "stream_request", "STREAM_PREFIX"]

STREAM_PREFIX = "stream:"
_POLL_SECONDS = 1.0


@dataclass(frozen=True)
class StreamSpec:
    """What a stream generates and how far ahead it renders."""

    tasks: tuple[str, ...]
    difficulty: int = 1
    #: (from_step, difficulty) pairs, sorted; empty: ``difficulty`` throughout.
    curriculum: tuple[tuple[int, int], ...] = ()
    per_step: int = 1
    seed: int = 0
    workers: int = 1
    queue: int = 4
    cache: Path | None = None
    cache_size: int = 64
    world: int = 1
    video: VideoOptions = field(default_factory=VideoOptions)
    question_types: tuple[str, ...] = QUESTION_TYPES

    def difficulty_at(self, step: int) -> int:
        level = self.difficulty
        for start, value in self.curriculum:
            if step >= start:
                level = value
        return level

    def index(self, rank: int, worker: int, k: int) -> int:
        return (k * self.world + rank) * self.workers + worker

    def request(self, rank: int, worker: int, k: int) -> SampleRequest:
        """The k-th sample of ``worker`` on ``rank``."""
        index = self.index(rank, worker, k)
        step = (k * self.workers + worker) // self.per_step
        return stream_request(self, self.tasks[index % len(self.tasks)], index // len(self.tasks),
                              self.difficulty_at(step))


def stream_request(spec: StreamSpec, task: str, index: int, difficulty: int) -> SampleRequest:
    """The request that (re)generates one stream sample from its record's ``task``,
    ``index`` and ``difficulty`` (the seed follows from them and ``spec.seed``)."""
    return SampleRequest(task, "train", spec.seed, index, difficulty, spec.question_types, spec.video)


_INT_KEYS = ("difficulty", "per_step", "seed", "workers", "queue", "cache_size", "world")
_VIDEO_KEYS = ("width", "height", "fps", "crf", "preset", "background", "duration_scale")


def parse_stream_spec(text: str, **defaults: Any) -> StreamSpec:
    """``stream:tasks=a+b,difficulty=2,curriculum=1@0+2@50,workers=2,...`` as a spec;
    ``defaults`` fill keys the text leaves out. A one-line ValueError on bad input."""
    body = text[len(STREAM_PREFIX):] if text.startswith(STREAM_PREFIX) else text
    values: dict[str, str] = {}
    for item in filter(None, (p.strip() for p in body.split(","))):
        key, sep, value = item.partition("=")
        if not sep or not value:
            raise ValueError(f"stream spec: {item!r} is not KEY=VALUE")
        values[key.strip()] = value.strip()
    known = {"tasks", "curriculum", "cache", "question_types", *_INT_KEYS, *_VIDEO_KEYS}
    unknown = sorted(set(values) - known)
    if unknown:
        raise ValueError(f"stream spec: unknown key(s) {', '.join(unknown)}; known: {', '.join(sorted(known))}")
    if "tasks" not in values and "tasks" not in defaults:
        raise ValueError("stream spec: tasks=... is required (task ids joined by '+')")
    kwargs: dict[str, Any] = dict(defaults)
    try:
        for key in _INT_KEYS:
            if key in values:
                kwargs[key] = int(values[key])
        if "tasks" in values:
            kwargs["tasks"] = tuple(t for t in values["tasks"].split("+") if t)
        if "question_types" in values:
            kwargs["question_types"] = tuple(values["question_types"].split("+"))
        if "curriculum" in values:
            pairs = []
            for part in values["curriculum"].split("+"):
                level, _, start = part.partition("@")
                pairs.append((int(start), int(level)))
            kwargs["curriculum"] = tuple(sorted(pairs))
        video = {k: values[k] for k in _VIDEO_KEYS if k in values}
    except ValueError:
        raise ValueError(f"stream spec {text!r}: numbers expected (curriculum as LEVEL@STEP+...)") from None
    if "cache" in values:
        kwargs["cache"] = Path(values["cache"])
    if video:
        from pydantic import ValidationError

        try:
            kwargs["video"] = VideoOptions(**video)
        except ValidationError as exc:
            raise ValueError(f"stream spec: {exc.errors()[0]['msg']}") from None
    spec = StreamSpec(**kwargs)
    _check(spec)
    return spec


def _check(spec: StreamSpec) -> None:
    from synrl.suite import get_task

    for task in spec.tasks:
        get_task(task)
    if not spec.tasks:
        raise ValueError("stream spec: no task given")
    for level in [spec.difficulty, *(d for _, d in spec.curriculum)]:
        if level not in DIFFICULTY_LEVELS:
            raise ValueError(f"stream spec: difficulty must be one of {DIFFICULTY_LEVELS}, got {level}")
    for name in ("per_step", "workers", "queue", "cache_size", "world"):
        if getattr(spec, name) < 1:
            raise ValueError(f"stream spec: {name} must be at least 1")
    try:
        parse_question_types(spec.question_types)
    except MixtureError as exc:
        raise ValueError(f"stream spec: {exc}") from None


def _worker(spec: StreamSpec, rank: int, worker: int, folder: str, out: Any, stop: Any) -> None:
    """Render this worker's samples in order into ``folder`` and put their records on
    ``out`` (blocking while it is full) until ``stop`` is set."""
    k = 0
    while not stop.is_set():
        request = spec.request(rank, worker, k)
        try:
            built = build_sample(request)
            path = video_path(Path(folder), request.id)
            write_video(built.sim, path, request.video)
            record = dict(built.record)
            record["video"] = {**record["video"], "path": str(path)}
            record["stream"] = {"rank": rank, "worker": worker,
                                "position": k * spec.workers + worker,
                                "step": (k * spec.workers + worker) // spec.per_step}
            item: dict[str, Any] = record
        except Exception as exc:  # deterministic for its seed: skipped the same way every time
            item = {"error": f"{request.id}: {exc.__class__.__name__}: {exc}"}
        while not stop.is_set():
            try:
                out.put(item, timeout=_POLL_SECONDS)
                break
            except queue_module.Full:
                continue
        k += 1


def iter_stream(spec: StreamSpec, rank: int = 0) -> Iterator[dict[str, Any]]:
    """Records of freshly rendered samples for ``rank`` (0..world-1), forever. A video is
    deleted once ``cache_size`` newer samples have been yielded; closing the generator stops
    the workers and removes the rank's cache folder."""
    if not 0 <= rank < spec.world:
        raise ValueError(f"rank {rank} is outside 0..{spec.world - 1}")
    if spec.cache is not None:
        folder = Path(spec.cache) / f"rank-{rank}"
        shutil.rmtree(folder, ignore_errors=True)  # samples of an earlier run are not resumed
        folder.mkdir(parents=True)
    else:
        folder = Path(tempfile.mkdtemp(prefix=f"synrl-stream-r{rank}-"))
    (folder / "videos").mkdir(exist_ok=True)
    # spawn: the trainer process holds torch and threads, which fork would copy unsafely.
    ctx = multiprocessing.get_context("spawn")
    stop = ctx.Event()
    queues = [ctx.Queue(maxsize=spec.queue) for _ in range(spec.workers)]
    procs = [ctx.Process(target=_worker, args=(spec, rank, w, str(folder), queues[w], stop),
                         daemon=True, name=f"synrl-stream-{rank}-{w}") for w in range(spec.workers)]
    for proc in procs:
        proc.start()
    yielded: collections.deque[Path] = collections.deque()
    try:
        n = 0
        while True:
            w = n % spec.workers
            n += 1
            while True:
                try:
                    item = queues[w].get(timeout=_POLL_SECONDS)
                    break
                except queue_module.Empty:
                    if not procs[w].is_alive():
                        raise RuntimeError(f"stream worker {w} of rank {rank} died "
                                           f"(exit code {procs[w].exitcode})") from None
            if "error" in item:
                warnings.warn(f"stream sample skipped: {item['error']}", stacklevel=2)
                continue
            yielded.append(Path(item["video"]["path"]))
            while len(yielded) > spec.cache_size:
                yielded.popleft().unlink(missing_ok=True)
            yield item
    finally:
        stop.set()
        for q in queues:  # unblock workers waiting on a full queue
            try:
                while True:
                    q.get_nowait()
            except (queue_module.Empty, OSError, ValueError):
                pass
        for proc in procs:
            proc.join(timeout=10)
            if proc.is_alive():
                proc.terminate()
                proc.join()
        for q in queues:
            q.close()
            q.cancel_join_thread()
        shutil.rmtree(folder, ignore_errors=True)


def with_world(spec: StreamSpec, world: int) -> StreamSpec:
    return replace(spec, world=world)
