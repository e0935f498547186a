"""The probe's samples: frames drawn through the normal generator, what the question points
at, and the answer value as a class.

Each sample is `synrl.generate.build_sample` of a multiple-choice request (yes/no questions
as their two-option choice), rendered at the probe's size and sampled to a few frames with
lmms-eval's rule (evenly spaced indices). The classifier does not read the question: it gets
the question form, the query's other fields (an event kind, a moment, the walls counted) as
one categorical variant, and the colours of the objects the query names ("slots"); an
answer that names objects is written in slot numbers, so "the red square" is "#0".
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Sequence

import numpy as np
from PIL import Image

from synrl.config import VideoOptions
from synrl.generate import SampleRequest, build_sample
from synrl.render.frames import render_frames
from synrl.scene import PALETTE
from synrl.suite import get_task
from synrl.suite.base import Task, TaskError

MAX_SLOTS = 6  # colour channels the model gets; a query naming more objects is skipped
QUESTION_TYPES = ("mc",)
# Query keys that name objects (their colours become the slots); the rest is the variant.
OBJECT_KEYS = ("object", "reference", "objects")


@dataclass
class ProbeSample:
    """One video as the probe sees it."""

    record: dict[str, Any]
    form: str  # the template's name
    frames: np.ndarray  # (T, H, W, 3) uint8, in time order
    slot_colors: np.ndarray  # (MAX_SLOTS, 3) float32 RGB, 0 where unused or withheld
    slot_used: np.ndarray  # (MAX_SLOTS,) float32, 1 for a slot with a colour
    variant: str  # the query without its kind and object names, as JSON
    label: str  # the answer value in slot numbers
    reversed_label: str | None  # the same for the reversed video, None without a mapping


def frame_indices(total: int, count: int) -> list[int]:
    """Evenly spaced frame indices, lmms-eval's `np.linspace(0, total - 1, n, dtype=int)`."""
    if total <= 0 or count <= 0:
        raise ValueError(f"cannot sample {count} frames of a {total}-frame video")
    return [int(i) for i in np.unique(np.linspace(0, total - 1, min(count, total), dtype=int))]


def slots_of(record: dict[str, Any]) -> list[str]:
    """Ids of the objects the query names, in the query's order; a query that names none
    (which pair is closest, in what order do objects stop) points at every object."""
    query = record.get("query") or {}
    ids: list[str] = []
    for key in OBJECT_KEYS:
        value = query.get(key)
        if isinstance(value, str):
            ids.append(value)
        elif isinstance(value, list):
            ids += [str(v) for v in value]
    if not ids:
        ids = sorted(t["id"] for t in record["tracks"])
    return ids


def variant_of(record: dict[str, Any]) -> str:
    query = {k: v for k, v in (record.get("query") or {}).items()
             if k != "kind" and k not in OBJECT_KEYS}
    return json.dumps(query, sort_keys=True)


def _in_slots(value: Any, slots: Sequence[str]) -> Any:
    if isinstance(value, str) and value in slots:
        return f"#{slots.index(value)}"
    if isinstance(value, list):
        return [_in_slots(v, slots) for v in value]
    if isinstance(value, dict):
        return {k: _in_slots(v, slots) for k, v in value.items()}
    return value


def _is_pair(value: Any, slots: Sequence[str]) -> bool:
    return isinstance(value, list) and len(value) == 2 and all(v in slots for v in value)


def label_of(value: Any, record: dict[str, Any], slots: Sequence[str]) -> str:
    """The class of an answer value: canonical JSON, object ids as slot numbers (an unordered
    pair sorted, so "closest pair" has one class per pair)."""
    if record["query"].get("kind", "").endswith("_pair") and _is_pair(value, slots):
        value = sorted(value, key=slots.index)
    return json.dumps(_in_slots(value, slots), sort_keys=True)


def _strings(value: Any) -> set[str]:
    if isinstance(value, str):
        return {value}
    if isinstance(value, (list, tuple)):
        return set().union(*(_strings(v) for v in value)) if value else set()
    if isinstance(value, dict):
        return _strings(list(value.values()))
    return set()


def slot_colors(record: dict[str, Any], slots: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    """The first colour of each slot's object. A colour that is (part of) the answer, as in
    "what colour was it before the change", is withheld: the input must not be the label."""
    tracks = {t["id"]: t for t in record["tracks"]}
    answer = _strings(record.get("answer_value"))
    colors = np.zeros((MAX_SLOTS, 3), np.float32)
    used = np.zeros(MAX_SLOTS, np.float32)
    for k, track_id in enumerate(slots):
        name = tracks[track_id]["color"]
        if name in answer:
            continue
        colors[k] = PALETTE[name]
        used[k] = 1.0
    return colors, used


def flips(task: Task, record: dict[str, Any]) -> Any:
    """The task's declared answer for the reversed video, or None without a mapping."""
    try:
        return task.reversed_answer(record)
    except NotImplementedError:
        return None


def _resized(frame: np.ndarray, size: int) -> np.ndarray:
    if frame.shape[0] == size and frame.shape[1] == size:
        return frame.copy()
    return np.asarray(Image.fromarray(frame).resize((size, size), Image.Resampling.BOX))


def build_samples(task_id: str, split: str, count: int, *, seed: int, size: int, frames: int,
                  difficulties: Sequence[int] = (1, 2, 3, 4, 5),
                  forms: Sequence[str] | None = None,
                  render_size: int | None = None) -> list[ProbeSample]:
    """`count` samples of one task and split (difficulties in equal contiguous runs, as
    `synrl.stats.build_records` cuts them), rendered at `size` x `size`. With `forms`, only
    samples of those templates: the generator's indices are walked until `count` of them.
    With `render_size`, clips are simulated and drawn at that size, then box-filtered down
    to `size` (a task whose layout needs more room than `size` gives, like
    `collision_count`'s planned contacts at 64 px)."""
    task = get_task(task_id)
    names = [t.name for t in task.available_templates(QUESTION_TYPES)]
    wanted = [n for n in names if forms is None or n in forms]
    if not wanted:
        raise TaskError(f"task {task_id!r} has no multiple-choice form among "
                        f"{', '.join(forms or [])}: use {', '.join(names)}")
    video = VideoOptions(width=render_size or size, height=render_size or size)
    # Templates cycle over the indices: this many indices hold `count` wanted samples.
    span = -(-count * len(names) // len(wanted))
    out = []
    for index in range(span):
        difficulty = difficulties[index * len(difficulties) // span]
        plan = task.plan(index, difficulty, QUESTION_TYPES, {}, stream=f"{split}|{seed}")
        if plan.template.name not in wanted:
            continue
        request = SampleRequest(task_id, split, seed, index, difficulty, QUESTION_TYPES, video)
        try:
            built = build_sample(request)
        except TaskError:  # a clip the task cannot lay out at this small size: left out
            continue
        record = built.record
        slots = slots_of(record)
        if len(slots) > MAX_SLOTS:
            continue
        picked = frame_indices(built.sim.num_frames, frames)
        clip = np.stack([_resized(f[..., :3], size) for f in render_frames(built.sim, picked)])
        colors, used = slot_colors(record, slots)
        backwards = flips(task, record)
        out.append(ProbeSample(
            record=record, form=plan.template.name, frames=clip, slot_colors=colors,
            slot_used=used, variant=variant_of(record),
            label=label_of(record["answer_value"], record, slots),
            reversed_label=None if backwards is None else label_of(backwards, record, slots)))
    if not out:
        raise TaskError(f"task {task_id!r}: no sample the probe can use (queries name more "
                        f"than {MAX_SLOTS} objects)")
    return out
