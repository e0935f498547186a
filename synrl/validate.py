"""`synrl validate`: structural checks of a dataset folder against its videos."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from synrl.dataset import ANSWER_TYPES, DATASET_JSON, DatasetError, load_dataset, read_dataset_json
from synrl.render.video import VideoError, probe

RECORD_KEYS = ("id", "task", "family", "primitive", "seed", "difficulty", "version", "video",
               "question", "options", "answer", "answer_type", "answer_text", "timeline",
               "states", "tracks")
VIDEO_KEYS = ("path", "fps", "num_frames", "width", "height", "duration_ms")
EVENT_KEYS = ("type", "start_ms", "end_ms", "start_frame", "end_frame")
TRACK_SERIES = ("x", "y", "angle", "scale", "visible")


@dataclass
class Report:
    """Failures per sample id, and how many samples of each task were checked."""

    checked: dict[str, int] = field(default_factory=dict)
    failures: dict[str, list[str]] = field(default_factory=dict)
    dataset_errors: list[str] = field(default_factory=list)

    def fail(self, sample: str, message: str) -> None:
        self.failures.setdefault(sample, []).append(message)

    @property
    def ok(self) -> bool:
        return not self.failures and not self.dataset_errors


def check_answer(record: dict[str, Any]) -> list[str]:
    """Problems with the answer fields of one record (empty if none)."""
    problems = []
    kind, answer, options = record["answer_type"], record["answer"], record["options"]
    if kind not in ANSWER_TYPES:
        return [f"answer_type {kind!r} is not one of {', '.join(ANSWER_TYPES)}"]
    if kind == "multiple_choice":
        if not isinstance(options, dict) or len(options) < 2:
            problems.append("multiple choice without at least two options")
        elif answer not in options:
            problems.append(f"answer {answer!r} is not an option ({', '.join(options)})")
        elif options[answer] != record["answer_text"]:
            problems.append("answer_text differs from the text of the answer's option")
        elif len(set(options.values())) != len(options):
            problems.append("two options have the same text")
    elif options is not None:
        problems.append(f"{kind} question with options")
    elif kind == "number" and not (isinstance(answer, (int, float)) and math.isfinite(answer)):
        problems.append(f"number answer {answer!r} is not a finite number")
    elif kind == "yes_no" and answer not in ("yes", "no"):
        problems.append(f"yes/no answer {answer!r}")
    elif kind == "list" and not (isinstance(answer, list) and answer
                                 and all(isinstance(a, str) for a in answer)):
        problems.append("list answer is not a non-empty list of strings")
    elif kind == "interval" and not (isinstance(answer, list) and len(answer) == 2
                                     and answer[0] <= answer[1]):
        problems.append("interval answer is not [start, end]")
    elif kind == "box":
        problems += _box_problems(record)
    return problems


def _box_problems(record: dict[str, Any]) -> list[str]:
    """A box answer: one [x1, y1, x2, y2] per asked time, with area, inside the frame."""
    answer, video = record["answer"], record["video"]
    if not (isinstance(answer, list) and answer and all(
            isinstance(b, list) and len(b) == 4 and all(isinstance(v, (int, float)) for v in b)
            for b in answer)):
        return ["box answer is not a non-empty list of [x1, y1, x2, y2]"]
    problems = []
    if any(not (0 <= b[0] < b[2] < video["width"] and 0 <= b[1] < b[3] < video["height"])
           for b in answer):
        problems.append("a box answer has no area or leaves the frame")
    times = (record.get("query") or {}).get("times_s")
    if times is not None and len(times) != len(answer):
        problems.append(f"{len(answer)} boxes for {len(times)} asked times")
    return problems


def check_record(record: dict[str, Any], folder: Path, decode: bool = True) -> list[str]:
    """Problems of one record and its video (empty if none)."""
    missing = [k for k in RECORD_KEYS if k not in record]
    if missing:
        return [f"missing keys: {', '.join(missing)}"]
    problems = []
    video = record["video"]
    missing = [k for k in VIDEO_KEYS if k not in video]
    if missing:
        return [f"video is missing keys: {', '.join(missing)}"]
    fps, frames, duration = video["fps"], video["num_frames"], video["duration_ms"]
    if abs(duration - frames * 1000 / fps) > 1:
        problems.append(f"duration_ms {duration} != num_frames / fps")
    problems += check_answer(record)
    for n, event in enumerate(record["timeline"]):
        if any(k not in event for k in EVENT_KEYS):
            problems.append(f"event {n} ({event.get('type')}) lacks timing keys")
            continue
        if not 0 <= event["start_ms"] <= event["end_ms"] <= duration:
            problems.append(f"event {n} ({event['type']}) at {event['start_ms']}-"
                            f"{event['end_ms']} ms lies outside the video (0-{duration} ms)")
        if not 0 <= event["start_frame"] <= event["end_frame"] < frames:
            problems.append(f"event {n} ({event['type']}) frames {event['start_frame']}-"
                            f"{event['end_frame']} outside 0-{frames - 1}")
        if abs(event["start_frame"] - event["start_ms"] * fps / 1000) > 1:
            problems.append(f"event {n} start_frame disagrees with start_ms")
    for track in record["tracks"]:
        for series in TRACK_SERIES:
            if len(track.get(series, [])) != frames:
                problems.append(f"track {track.get('id')}: {series} has "
                                f"{len(track.get(series, []))} values for {frames} frames")
    path = folder / video["path"]
    if not path.is_file():
        return problems + [f"video {video['path']} is missing"]
    if decode:
        try:
            info = probe(path)
        except VideoError as exc:
            return problems + [str(exc).replace(str(folder) + "/", "")]
        if info.num_frames != frames:
            problems.append(f"video has {info.num_frames} frames, record says {frames}")
        if (info.width, info.height) != (video["width"], video["height"]):
            problems.append(f"video is {info.width}x{info.height}, record says "
                            f"{video['width']}x{video['height']}")
        if abs(info.fps - fps) > 0.01:
            problems.append(f"video is {info.fps:g} fps, record says {fps}")
        if info.codec != "h264" or info.pix_fmt != "yuv420p":
            problems.append(f"video is {info.codec}/{info.pix_fmt}, expected h264/yuv420p")
    return problems


def validate(folder: Path, decode: bool = True) -> Report:
    """Check every record and video of a dataset folder."""
    records = load_dataset(folder)
    report = Report()
    try:
        meta = read_dataset_json(folder)
        if meta is None:
            report.dataset_errors.append(f"{DATASET_JSON} is missing")
        elif not meta.get("complete"):
            report.dataset_errors.append(
                f"{DATASET_JSON} says the run did not complete: rerun the generate command")
    except DatasetError as exc:
        report.dataset_errors.append(str(exc).replace(str(folder) + "/", ""))
    ids = [r.get("id") for r in records]
    if ids != sorted(ids):
        report.dataset_errors.append("manifest is not sorted by id")
    if len(set(ids)) != len(ids):
        report.dataset_errors.append("manifest has duplicate ids")
    for record in records:
        task = record.get("task", "?")
        report.checked[task] = report.checked.get(task, 0) + 1
        for problem in check_record(record, folder, decode):
            report.fail(str(record.get("id")), problem)
    return report
