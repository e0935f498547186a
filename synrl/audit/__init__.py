"""`synrl audit`: re-derive every label from the decoded pixels.

For each sample the audit decodes the MP4, finds every object by its colour, compares the
measured centroids with the record's `tracks`, and hands the measured trajectories to the
task's auditor, which recomputes the answer without touching the simulator. Auditors
register by task id; a task without one is reported as unaudited, never as passed.
"""

from __future__ import annotations

import copy
import json
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

import numpy as np

from synrl.audit.observe import Observation, observe
from synrl.registry import Registry
from synrl.suite.registry import load_modules
from synrl.render.video import VideoError, read_frames

Auditor = Callable[[dict[str, Any], list[Observation]], Any]


AUDITORS: Registry[Auditor] = Registry("auditor", loader=lambda: load_modules("audit"))


class AuditError(Exception):
    """The pixels do not allow a derivation (object not found, ambiguous motion)."""


def register_auditor(task_id: str) -> Callable[[Auditor], Auditor]:
    """Decorator registering the pixel auditor of ``task_id``."""
    return AUDITORS.register(task_id)


def auditor_for(task_id: str) -> Auditor | None:
    """The auditor of ``task_id``, or None (reported as "unaudited", never as passed)."""
    return AUDITORS.find(task_id)


@dataclass
class SampleAudit:
    id: str
    task: str
    status: str  # "ok" | "mismatch" | "hidden" | "error" | "unaudited"
    expected: Any = None
    derived: Any = None
    message: str = ""
    centroid_errors: list[float] = field(default_factory=list)
    # Long-term records: operations checked for visibility, and those the pixels hide.
    operations: int = 0
    hidden: list[str] = field(default_factory=list)
    # "When" records: the largest distance (s) between a measured and an answered bound.
    when_error_s: float | None = None
    # Tracking records: IoU of the measured and the recorded box, first frame then each time.
    box_ious: list[float] = field(default_factory=list)


def canonical(value: Any) -> Any:
    """Make answer values comparable (tuples vs lists, numpy scalars)."""
    if isinstance(value, (list, tuple)):
        return [canonical(v) for v in value]
    if isinstance(value, np.generic):
        return value.item()
    return value


def centroid_errors(record: dict[str, Any], observations: list[Observation]) -> list[float]:
    """Distance (px) between measured and recorded centres, over frames where the object is
    visible and not overlapped by an object drawn above it."""
    errors: list[float] = []
    for track, obs in zip(record["tracks"], observations):
        visible = np.asarray(track["visible"], dtype=bool) & ~obs.occluded
        err = np.hypot(obs.x - np.asarray(track["x"]), obs.y - np.asarray(track["y"]))
        errors.extend(err[visible & obs.found].tolist())
        missing = visible & ~obs.found
        if missing.any():
            raise AuditError(f"{track['id']} ({track['color']} {track['shape']}) not found "
                             f"in {int(missing.sum())} frames where it should be visible")
    return errors


def _check_pixels(result: SampleAudit, record: dict[str, Any], video: Path, observed: str,
                  expected: str) -> SampleAudit:
    """Measure `video` against `record` and compare the derived answer with
    `result.expected`; fills in and returns `result`."""
    from synrl.audit.visibility import hidden_operations, operation_events, wanted_frames
    from synrl.audit.track import check_track, is_track
    from synrl.audit.when import check_when, is_when

    auditor = auditor_for(record["task"])
    wanted = wanted_frames(record) if record.get("family") == "long_term" else set()
    kept: dict[int, np.ndarray] = {}

    def keep(frames):
        # Frames the visibility check reads whole are kept as they stream by (one decode).
        for index, frame in enumerate(frames):
            if index in wanted:
                kept[index] = frame.copy()
            yield frame
    try:
        observations = observe(keep(read_frames(video)), record)
        # An answer that depends on an operation nobody can see is not derivable from the
        # video, whatever the replay says: visibility is checked first.
        if record.get("family") == "long_term":
            result.operations = len(operation_events(record))
            result.hidden = hidden_operations(record, observations, kept)
            if result.hidden:
                result.status = "hidden"
                result.message = (f"{len(result.hidden)} of {result.operations} operations "
                                  f"hidden; first: {result.hidden[0]}")
                return result
        result.centroid_errors = centroid_errors(record, observations)
        if is_when(record):
            # Grounding questions are checked by the task's "when" auditor, not its own.
            return check_when(result, record, observations)
        if is_track(record):
            return check_track(result, record, observations)
        if auditor is None:
            result.status, result.message = "unaudited", "no auditor for this task"
            return result
        result.derived = canonical(auditor(record, observations))
    except (VideoError, AuditError) as exc:
        result.status, result.message = "error", str(exc).replace(str(video.parent) + "/", "")
        return result
    if result.derived != result.expected:
        result.status = "mismatch"
        result.message = f"{observed} say {result.derived!r}, {expected} says {result.expected!r}"
    return result


def audit_sample(record: dict[str, Any], folder: Path) -> SampleAudit:
    """Audit one sample: centroids against tracks, and the answer against the pixels."""
    result = SampleAudit(record["id"], record["task"], "ok",
                         expected=canonical(record.get("answer_value")))
    return _check_pixels(result, record, folder / record["video"]["path"], "pixels", "record")


def reverse_record(record: dict[str, Any], answer_value: Any) -> dict[str, Any]:
    """The record of the same clip played backwards: per-frame series reversed, events
    mirrored in time, and the declared reversed answer."""
    out = copy.deepcopy(record)
    n = record["video"]["num_frames"]
    duration = record["video"]["duration_ms"]
    for track in out["tracks"]:
        for key, values in track.items():
            if isinstance(values, list) and len(values) == n:
                track[key] = values[::-1]
    for event in out["timeline"]:
        event["start_ms"], event["end_ms"] = duration - event["end_ms"], duration - event["start_ms"]
        event["start_frame"], event["end_frame"] = (n - 1 - event["end_frame"],
                                                    n - 1 - event["start_frame"])
    out["timeline"].sort(key=lambda e: e["start_ms"])
    out["answer_value"] = answer_value
    return out


def audit_reversed(record: dict[str, Any], identity: dict[str, Any]) -> SampleAudit:
    """Render the sample's simulation backwards, encode and decode it, and check that the
    answer derived from those pixels is the task's declared reversed answer."""
    from synrl.config import VideoOptions
    from synrl.generate import SampleRequest, build_sample, write_video
    from synrl.suite import get_task

    task = get_task(record["task"])
    result = SampleAudit(record["id"], record["task"], "ok")
    try:
        result.expected = canonical(task.reversed_answer(record))
    except NotImplementedError as exc:
        result.status, result.message = "unaudited", str(exc)
        return result
    video = VideoOptions(**identity["video"])
    request = SampleRequest(record["task"], record["split"], record["base_seed"], record["index"],
                            record["difficulty"], tuple(identity["question_types"]), video,
                            tuple(sorted(identity.get("task_options", {}).items())),
                            int(identity.get("round", 1)))
    built = build_sample(request)
    if built.record != record:
        result.status = "error"
        result.message = "the record cannot be reproduced from its seed and options"
        return result
    backwards = reverse_record(record, result.expected)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "reversed.mp4"
        write_video(built.sim, path, video, order=range(built.sim.num_frames - 1, -1, -1))
        return _check_pixels(result, backwards, path, "reversed pixels", "declared reversal")


@dataclass
class AuditSummary:
    samples: list[SampleAudit]

    def by_task(self) -> dict[str, dict[str, Any]]:
        table: dict[str, dict[str, Any]] = {}
        for s in self.samples:
            row = table.setdefault(s.task, {"checked": 0, "mismatches": 0, "errors": 0,
                                            "unaudited": 0, "operations": 0,
                                            "hidden_operations": 0, "errors_px": [],
                                            "box_ious": []})
            row["checked"] += 1
            row["operations"] += s.operations
            row["hidden_operations"] += len(s.hidden)
            row["mismatches"] += s.status == "mismatch"
            row["errors"] += s.status == "error"
            row["unaudited"] += s.status == "unaudited"
            row["errors_px"].extend(s.centroid_errors)
            row["box_ious"].extend(s.box_ious)
        for row in table.values():
            ious = row.pop("box_ious")
            if ious:
                row["mean_box_iou"] = float(np.mean(ious))
            px = np.asarray(row.pop("errors_px"))
            row["mean_px"] = float(px.mean()) if px.size else float("nan")
            row["max_px"] = float(px.max()) if px.size else float("nan")
        return table

    @property
    def ok(self) -> bool:
        return all(s.status == "ok" for s in self.samples)

    def to_json(self) -> str:
        return json.dumps({"by_task": self.by_task(),
                           "failures": [s.__dict__ | {"centroid_errors": None}
                                        for s in self.samples if s.status != "ok"]}, indent=2)
