"""End-to-end generation: determinism, resume after a kill, extension, identity checks."""

import json
import os
import signal
import subprocess
import sys
import time

import numpy as np
import pytest

from synrl.config import GenerateConfig
from synrl.dataset import DatasetError
from synrl.generate import generate
from synrl.render.video import read_frames
from synrl.validate import validate

CLI = [sys.executable, "-m", "synrl.cli"]


def config(out, **kw):
    base = dict(tasks=["collision_count", "rotation"], per_task=3, out=out)
    base.update(kw)
    return GenerateConfig(**base)


def test_layout_and_manifest(small_dataset):
    lines = (small_dataset / "manifest.jsonl").read_text().splitlines()
    records = [json.loads(line) for line in lines]
    assert [r["id"] for r in records] == sorted(r["id"] for r in records)
    assert len(records) == 24
    meta = json.loads((small_dataset / "dataset.json").read_text())
    assert meta["complete"] and meta["num_samples"] == 24
    assert meta["counts"] == {"collision_count": 6, "direction": 6, "rotation": 6,
                              "speed_change": 6}
    assert meta["identity"]["difficulty"] == 3
    assert not (small_dataset / ".parts").exists()
    assert sorted(p.name for p in (small_dataset / "videos").iterdir()) == sorted(
        f"{r['id']}.mp4" for r in records)
    assert validate(small_dataset).ok


def test_same_command_twice_is_byte_identical(tmp_path, small_dataset):
    again = tmp_path / "again"
    generate(GenerateConfig(tasks=["collision_count", "direction", "speed_change", "rotation"],
                            per_task=6, out=again, workers=1, difficulty=3))
    assert (again / "manifest.jsonl").read_bytes() == \
        (small_dataset / "manifest.jsonl").read_bytes()
    for video in sorted((again / "videos").iterdir())[::5]:
        a = list(read_frames(video))
        b = list(read_frames(small_dataset / "videos" / video.name))
        assert len(a) == len(b) and all(np.array_equal(x, y) for x, y in zip(a, b))


def test_splits_have_disjoint_seeds(tmp_path):
    seeds = {}
    for split in ("train", "val", "test"):
        generate(config(tmp_path / split, split=split, per_task=2, tasks=["direction"]))
        records = [json.loads(l) for l in (tmp_path / split / "manifest.jsonl").open()]
        seeds[split] = {r["seed"] for r in records}
        assert all(r["id"].startswith(f"direction-{split}-s0-") for r in records)
    assert not (seeds["train"] & seeds["val"]) and not (seeds["val"] & seeds["test"])


def test_rerun_skips_and_extends(tmp_path):
    out = tmp_path / "ds"
    first = generate(config(out))
    assert first.written == 6
    again = generate(config(out))
    assert again.written == 0 and again.skipped == 6
    more = generate(config(out, per_task=4, tasks=["collision_count", "rotation", "direction"]))
    assert more.written == 6 and more.total == 12
    ids = [json.loads(l)["id"] for l in (out / "manifest.jsonl").open()]
    assert len(ids) == len(set(ids)) == 12


def test_other_options_cannot_share_a_folder(tmp_path):
    out = tmp_path / "ds"
    generate(config(out, per_task=1))
    with pytest.raises(DatasetError, match="other options"):
        generate(config(out, per_task=1, seed=7))


def test_kill_midway_then_resume_completes_without_duplicates(tmp_path):
    out = tmp_path / "killed"
    common = ["generate", "--tasks", "collision_count,speed_change", "--per-task", "10",
              "--previews", "0"]
    args = CLI + common + ["--out", str(out)]
    proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)
    deadline = time.time() + 120
    while time.time() < deadline:
        parts = out / ".parts"
        if parts.is_dir() and len(list(parts.glob("*.json"))) >= 4:
            break
        time.sleep(0.05)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    assert not (out / "manifest.jsonl").exists() or len(
        (out / "manifest.jsonl").read_text().splitlines()) < 20
    done_before = len(list((out / ".parts").glob("*.json")))
    assert 4 <= done_before < 20

    resumed = subprocess.run(args, capture_output=True, text=True)
    assert resumed.returncode == 0, resumed.stderr
    assert "already there" in resumed.stdout

    clean = tmp_path / "clean"
    subprocess.run(CLI + common + ["--out", str(clean)], check=True, capture_output=True)
    assert (out / "manifest.jsonl").read_bytes() == (clean / "manifest.jsonl").read_bytes()
    leftovers = [p for p in out.rglob("*") if p.name.endswith(".tmp")]
    assert leftovers == [] and not (out / ".parts").exists()
    assert validate(out).ok
