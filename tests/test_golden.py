"""Byte-identity safety net: for a fixed list of (task, seed, options) the canonical JSON
record and the decoded frames must hash to the values in `tests/data/golden.json`.

Any refactor that changes a record or a pixel fails here. A deliberate change regenerates
the fixture (`python -m tests.test_golden --write`) in its own commit, whose message lists
the fields that changed and why.
"""

from __future__ import annotations

import hashlib
import json
import sys
import tempfile
from pathlib import Path

import av
import pytest

from synrl.config import VideoOptions
from synrl.generate import SampleRequest, build_sample, write_video
from synrl.dataset import dumps

FIXTURE = Path(__file__).parent / "data" / "golden.json"

SHORT_TERM = ["collision_count", "direction", "speed_change", "rotation", "acceleration",
              "motion_count", "trajectory_shape", "velocity_rank", "attribute_change",
              "distance", "event_order", "relative_position"]
LONG_TERM = ["cards", "chips", "file_system", "grid_swap", "math_trail", "sliding_puzzle"]

# Small clips (64x64 or 96x96, x264 ultrafast) keep the whole file well under a minute.
SMALL = dict(width=64, height=64, preset="ultrafast")
MEDIUM = dict(width=96, height=96, preset="ultrafast")
LARGE = dict(width=192, height=192, preset="ultrafast")


def _cases() -> list[tuple[str, int, int, int, tuple[str, ...], dict, dict]]:
    """(task, seed, index, difficulty, question types, video options, task options)."""
    cases = []
    for n, task in enumerate(SHORT_TERM):
        # collision_count needs room to bounce, distance room for six objects at difficulty
        # 5: small frames often have no clip for them.
        roomy = task in ("collision_count", "distance")
        small, medium = (LARGE, LARGE) if roomy else (SMALL, MEDIUM)
        cases.append((task, 7, n, 1 + n % 5, ("mc",), small, {}))
        cases.append((task, 11, n + 1, 1 + (n + 2) % 5, ("open",), medium, {}))
    for n, task in enumerate(LONG_TERM):
        cases.append((task, 7, n, 1 + n % 5, ("mc",), MEDIUM, {"reveal": "initial"}))
        cases.append((task, 11, n + 1, 1 + (n + 3) % 5, ("open",), SMALL, {"reveal": "final"}))
    return cases


def _case_key(case) -> str:
    task, seed, index, difficulty, types, video, options = case
    opts = ",".join(f"{k}={v}" for k, v in sorted(options.items()))
    return (f"{task}|s{seed}|i{index}|d{difficulty}|{'+'.join(types)}|"
            f"{video['width']}x{video['height']}|{opts}")


def _hashes(case, tmp: Path) -> dict[str, str]:
    task, seed, index, difficulty, types, video, options = case
    opts = VideoOptions(**video)
    built = build_sample(SampleRequest(task, "train", seed, index, difficulty, types, opts,
                                       tuple(sorted(options.items()))))
    path = tmp / f"{built.record['id']}.mp4"
    write_video(built.sim, path, opts)
    frames = hashlib.sha256()
    with av.open(str(path)) as container:
        for frame in container.decode(video=0):
            frames.update(frame.to_ndarray(format="rgb24").tobytes())
    return {"record": hashlib.sha256(dumps(built.record).encode()).hexdigest(),
            "frames": frames.hexdigest()}


def _compute() -> dict[str, dict[str, str]]:
    with tempfile.TemporaryDirectory() as tmp:
        return {_case_key(c): _hashes(c, Path(tmp)) for c in _cases()}


@pytest.fixture(scope="module")
def golden() -> dict[str, dict[str, str]]:
    return json.loads(FIXTURE.read_text(encoding="utf-8"))


def test_fixture_covers_every_task(golden):
    from synrl.suite import task_ids

    assert sorted(SHORT_TERM + LONG_TERM) == sorted(task_ids())
    assert sorted(golden) == sorted(_case_key(c) for c in _cases())


@pytest.mark.parametrize("case", _cases(), ids=_case_key)
def test_record_and_frames_are_byte_identical(case, golden, tmp_path):
    assert _hashes(case, tmp_path) == golden[_case_key(case)]


if __name__ == "__main__":
    if sys.argv[1:] != ["--write"]:
        sys.exit("usage: python -m tests.test_golden --write")
    FIXTURE.write_text(json.dumps(_compute(), indent=1, sort_keys=True) + "\n", encoding="utf-8")
    print(f"wrote {FIXTURE}")
