"""The online stream: distinct seeds across workers and ranks, reproducible from the
recorded seed, a curriculum by step, a bounded cache, and the datasets shards accelerate uses."""

from __future__ import annotations

import json
from itertools import islice
from pathlib import Path

import pytest

from synrl.generate import build_sample, write_video
from synrl.stream import iter_stream, parse_stream_spec, stream_request

SPEC = "stream:tasks=direction+rotation,width=64,height=64,fps=4,workers=2,world=2,queue=2"


def test_distinct_seeds_across_two_workers_and_two_ranks_reproducible(tmp_path):
    from synrl.train.grpo import grpo_row
    from synrl.train.stream import stream_dataset

    spec = parse_stream_spec(SPEC + f",cache={tmp_path / 'cache'},cache_size=16")
    dataset = stream_dataset(spec, grpo_row)
    assert dataset.n_shards == 2  # accelerate gives each process one shard: its rank
    seen: dict[int, list[dict]] = {}
    for rank in (0, 1):
        rows = list(islice(dataset.shard(num_shards=2, index=rank), 8))
        meta = [{**json.loads(r["stream"]), "task": r["task"]} for r in rows]
        assert {m["rank"] for m in meta} == {rank}
        assert [m["worker"] for m in meta] == [0, 1] * 4  # round robin: a deterministic order
        assert [m["position"] for m in meta] == list(range(8))
        seen[rank] = meta
    everything = seen[0] + seen[1]
    assert len({m["seed"] for m in everything}) == len({(m["task"], m["index"]) for m in everything}) == 16
    again = [{**json.loads(r["stream"]), "task": r["task"]}
             for r in islice(dataset.shard(num_shards=2, index=1), 8)]
    assert again == seen[1]  # the same spec streams the same samples


def test_a_trained_on_sample_is_regenerated_from_its_record(tmp_path):
    spec = parse_stream_spec(SPEC + ",world=1,cache_size=8")
    stream = iter_stream(spec, 0)
    try:
        records = list(islice(stream, 4))
        for record in records:
            request = stream_request(spec, record["task"], record["index"], record["difficulty"])
            assert request.seed == record["seed"]
            rebuilt = build_sample(request)
            path = tmp_path / f"{request.id}.mp4"
            write_video(rebuilt.sim, path, request.video)
            assert path.read_bytes() == Path(record["video"]["path"]).read_bytes()
            expected = {k: v for k, v in rebuilt.record.items() if k != "video"}
            assert {k: v for k, v in record.items() if k not in ("video", "stream")} == expected
    finally:
        stream.close()


def test_cache_is_bounded_and_removed(tmp_path):
    spec = parse_stream_spec(SPEC + f",world=1,cache={tmp_path},cache_size=3,queue=1")
    folder = tmp_path / "rank-0" / "videos"
    stream = iter_stream(spec, 0)
    paths = []
    for record in islice(stream, 9):
        paths.append(Path(record["video"]["path"]))
        # kept: the last cache_size yielded, plus at most queue+1 rendered ahead per worker
        assert len(list(folder.glob("*.mp4"))) <= 3 + spec.workers * (spec.queue + 1)
    assert all(not p.exists() for p in paths[:-3]) and all(p.exists() for p in paths[-3:])
    stream.close()
    assert not (tmp_path / "rank-0").exists()


def test_curriculum_follows_the_step():
    spec = parse_stream_spec("stream:tasks=direction,curriculum=1@0+3@2+5@4,per_step=2,workers=2")
    assert [spec.difficulty_at(s) for s in range(6)] == [1, 1, 3, 3, 5, 5]
    # position p = k * workers + worker is at step p // per_step
    levels = [spec.request(0, p % 2, p // 2).difficulty for p in range(10)]
    assert levels == [1, 1, 1, 1, 3, 3, 3, 3, 5, 5]


@pytest.mark.parametrize("text, message", [
    ("stream:difficulty=2", "tasks=... is required"),
    ("stream:tasks=direction,colour=red", "unknown key"),
    ("stream:tasks=direction,difficulty=9", "difficulty must be one of"),
    ("stream:tasks=direction,curriculum=2", "numbers expected"),
    ("stream:tasks=direction,workers=0", "workers must be at least 1"),
    ("stream:tasks=direction,width=65", "even number"),
    ("stream:tasks=direction,queue", "is not KEY=VALUE"),
])
def test_bad_specs_say_what_is_wrong(text, message):
    with pytest.raises(Exception, match=message):
        parse_stream_spec(text)
