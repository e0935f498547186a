"""The dataset record (SPEC.md "Dataset layout and exact keys") built from a simulation."""

from __future__ import annotations

import hashlib
from typing import Any

from synrl import __version__
from synrl.suite.base import Event, Question, Simulation, Task, Track

SPLITS = ("train", "val", "test")
# Each split owns a disjoint range of sample seeds, so no held-out sample can ever coincide
# with a training sample whatever the base seed.
SPLIT_SEED_SPAN = 2**40


def sample_seed(task_id: str, split: str, seed: int, index: int) -> int:
    """Seed of one sample: a hash of (task, base seed, index) inside the split's range."""
    digest = hashlib.blake2b(f"{task_id}|{seed}|{index}".encode(), digest_size=8).digest()
    return SPLITS.index(split) * SPLIT_SEED_SPAN + int.from_bytes(digest, "big") % SPLIT_SEED_SPAN


def sample_id(task_id: str, split: str, seed: int, index: int) -> str:
    return f"{task_id}-{split}-s{seed}-{index:06d}"


def _round_list(values, digits: int) -> list:
    return [round(float(v), digits) for v in values]


def event_to_dict(event: Event, fps: int, num_frames: int) -> dict[str, Any]:
    last = num_frames - 1
    out = {
        "type": event.type,
        "start_ms": int(round(event.start_s * 1000)),
        "end_ms": int(round(event.end_s * 1000)),
        "start_frame": min(last, max(0, int(round(event.start_s * fps)))),
        "end_frame": min(last, max(0, int(round(event.end_s * fps)))),
    }
    out.update(event.params)
    return out


def track_to_dict(track: Track) -> dict[str, Any]:
    out = {
        "id": track.id,
        "shape": track.shape,
        "color": track.color,
        "rgb": list(track.rgb),
        "x": _round_list(track.x, 2),
        "y": _round_list(track.y, 2),
        "angle": _round_list(track.angle, 2),
        "scale": _round_list(track.scale, 3),
        "visible": [bool(v) for v in track.visible],
        "radius": round(track.radius, 2),
        "role": track.role,
    }
    if track.colors is not None:
        out["color_by_frame"] = list(track.colors)
    if track.shapes is not None:
        out["shape_by_frame"] = list(track.shapes)
    return out


def build_record(task: Task, *, split: str, base_seed: int, index: int, seed: int,
                 difficulty: int, sim: Simulation, question: Question,
                 video_path: str) -> dict[str, Any]:
    video = sim.video
    record: dict[str, Any] = {
        "id": sample_id(task.id, split, base_seed, index),
        "task": task.id,
        "family": task.family,
        "primitive": task.primitive,
        "seed": seed,
        "difficulty": difficulty,
        "version": __version__,
        "video": {
            "path": video_path,
            "fps": video.fps,
            "num_frames": sim.num_frames,
            "width": video.width,
            "height": video.height,
            "duration_ms": int(round(sim.num_frames * 1000 / video.fps)),
        },
        "question": question.text,
        "options": question.options,
        "answer": question.answer,
        "answer_type": question.answer_type,
        "answer_text": question.answer_text,
        "timeline": [event_to_dict(e, video.fps, sim.num_frames) for e in sim.timeline],
        "states": sim.states,
        "tracks": [track_to_dict(t) for t in sim.tracks],
        # Keys beyond the spec's list, all additive:
        "split": split,
        "index": index,
        "base_seed": base_seed,
        "query": question.query,
        "answer_value": question.answer_value,
        "scene": sim.scene,
        "background": list(video.background),
    }
    record.update(question.extra)
    return record
