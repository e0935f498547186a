"""The online stream (:mod:`synrl.stream`) as the ``datasets.IterableDataset`` TRL's GRPO
trainer takes: ``--data stream:tasks=direction+rotation,difficulty=2,...``.

The dataset has one shard per rank (``world``: the spec's, else ``WORLD_SIZE``); accelerate
gives each process its own shard (``IterableDataset.shard``), so every rank runs its own
generator with its own seeds and no rank renders samples another keeps.
"""

from __future__ import annotations

import json
import os
from typing import Any, Callable, Iterator

from synrl.stream import STREAM_PREFIX, StreamSpec, iter_stream, parse_stream_spec

__all__ = ["is_stream", "stream_spec", "stream_dataset"]


def is_stream(data: Any) -> bool:
    return isinstance(data, str) and data.startswith(STREAM_PREFIX)


def stream_spec(data: str, per_step: int = 1) -> StreamSpec:
    """The spec of ``data``; ``per_step`` and ``world`` default to the trainer's."""
    defaults = {"per_step": max(1, per_step), "world": int(os.environ.get("WORLD_SIZE", "1"))}
    return parse_stream_spec(data, **defaults)


def _rows(spec: StreamSpec, ranks: list[int], row: Callable[[dict[str, Any], str], dict[str, Any]]
          ) -> Iterator[dict[str, Any]]:
    streams = [iter_stream(spec, rank) for rank in ranks]
    try:
        while True:
            for stream in streams:
                record = next(stream)
                out = row(record, record["video"]["path"])
                out["stream"] = json.dumps({"seed": record["seed"], "index": record["index"],
                                            "base_seed": record["base_seed"],
                                            "difficulty": record["difficulty"], **record["stream"]})
                yield out
    finally:
        for stream in streams:
            stream.close()


def stream_dataset(spec: StreamSpec, row: Callable[[dict[str, Any], str], dict[str, Any]]):
    """An endless ``datasets.IterableDataset`` of ``row(record, video)`` for every sample,
    with a ``stream`` column (JSON: seed, index, base_seed, difficulty, rank, worker,
    position, step) that regenerates it (:func:`synrl.stream.stream_request`)."""
    from datasets import IterableDataset

    return IterableDataset.from_generator(
        _rows, gen_kwargs={"spec": spec, "ranks": list(range(spec.world)), "row": row})
