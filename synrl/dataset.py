"""The one module that knows how a dataset folder is laid out and how its files are written.

Layout (SPEC.md): ``manifest.jsonl`` (one record per line, sorted by id), ``videos/<id>.mp4``,
``dataset.json`` (generator version, identity, counts) and, while a run is in progress,
``.parts/<id>.json``. Every file appears under its final name only through an atomic rename
(:func:`atomic_write_text`), and append-only JSONL files (CoT chains, eval predictions) are
written by :class:`JsonlAppender`, which cuts an unterminated last line left by a killed
writer before appending: the single repair rule, shared by every appender.

The answer types of a record and the rule that a list answer is ordered unless the record
says ``answer_ordered: false`` are defined here too, so the validator, the rewards and the
prompts agree.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

MANIFEST = "manifest.jsonl"
DATASET_JSON = "dataset.json"
PARTS = ".parts"
VIDEOS = "videos"
PREVIEWS = "previews"
#: Grounded chains of thought (`synrl cot`), and those of the model loop.
GROUNDED_COT = "cot.jsonl"
MODEL_COT = "cot_model.jsonl"

#: Answer types a generated record may have (SPEC.md).
ANSWER_TYPES = ("multiple_choice", "number", "yes_no", "list", "interval")


class DatasetError(Exception):
    """A dataset folder that cannot be written, read or extended as asked."""


def is_ordered(record: Mapping[str, Any]) -> bool:
    """Whether a list answer's order matters: yes unless ``answer_ordered`` says no (false,
    or "false"/"0"/"no" from a flag that went through a text column)."""
    flag = record.get("answer_ordered")
    if flag is None:
        return True
    if isinstance(flag, str):
        return flag.strip().lower() not in ("false", "0", "no")
    return bool(flag)


# ----------------------------------------------------------------------- the layout

def manifest_path(folder: Path) -> Path:
    return Path(folder) / MANIFEST


def video_path(folder: Path, sample_id: str) -> Path:
    return Path(folder) / VIDEOS / f"{sample_id}.mp4"


def relative_video_path(sample_id: str) -> str:
    """The ``video.path`` a record stores (relative to the dataset folder)."""
    return f"{VIDEOS}/{sample_id}.mp4"


def preview_path(folder: Path, sample_id: str) -> Path:
    return Path(folder) / PREVIEWS / f"{sample_id}.png"


def part_path(folder: Path, sample_id: str) -> Path:
    return Path(folder) / PARTS / f"{sample_id}.json"


def dumps(record: Any) -> str:
    """One JSONL line. Fixed separators and key order keep reruns byte-identical."""
    return json.dumps(record, ensure_ascii=False, separators=(",", ":"))


def read_manifest(path: Path) -> list[dict[str, Any]]:
    """Records of a dataset folder or of a manifest file; a clear error if it is neither."""
    path = Path(path)
    if path.is_dir():
        path = manifest_path(path)
        if not path.is_file():
            raise DatasetError(f"{path.parent} has no {MANIFEST}: not a synrl dataset")
    elif not path.is_file():
        raise DatasetError(f"{path} does not exist")
    records = []
    with open(path, encoding="utf-8") as fh:
        for number, line in enumerate(fh, 1):
            if line.strip():
                try:
                    records.append(json.loads(line))
                except json.JSONDecodeError as exc:
                    raise DatasetError(f"{path}:{number}: not a JSON record ({exc.msg})") from exc
    return records


def load_dataset(folder: Path) -> list[dict[str, Any]]:
    """Records of a dataset folder; a clear error if it is not one."""
    folder = Path(folder)
    if not folder.is_dir():
        raise DatasetError(f"{folder} is not a folder")
    return read_manifest(folder)


def write_manifest(folder: Path, records: Iterable[Mapping[str, Any]]) -> None:
    """The manifest, sorted by id, written atomically."""
    by_id = {r["id"]: r for r in records}
    atomic_write_text(manifest_path(folder), "".join(dumps(by_id[i]) + "\n" for i in sorted(by_id)))


def read_dataset_json(folder: Path) -> dict[str, Any] | None:
    """``dataset.json`` of a folder, or None when there is none."""
    path = Path(folder) / DATASET_JSON
    if not path.exists():
        return None
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise DatasetError(f"{path} is not valid JSON: {exc.msg}") from exc


def write_dataset_json(folder: Path, meta: Mapping[str, Any]) -> None:
    atomic_write_text(Path(folder) / DATASET_JSON, json.dumps(meta, indent=2) + "\n")


def write_part(folder: Path, record: Mapping[str, Any]) -> None:
    atomic_write_text(part_path(folder, record["id"]), dumps(record))


def read_parts(folder: Path) -> list[dict[str, Any]]:
    """Records of an interrupted run's parts; an unreadable part (impossible through atomic
    renames) is deleted so that its sample is generated again."""
    records = []
    parts = Path(folder) / PARTS
    if parts.is_dir():
        for part in sorted(parts.glob("*.json")):
            try:
                records.append(json.loads(part.read_text(encoding="utf-8")))
            except (json.JSONDecodeError, UnicodeDecodeError):
                part.unlink()
    return records


# ------------------------------------------------------------------ durable writes

def _tmp_name(path: Path) -> Path:
    return path.with_name(f".{path.name}.{os.getpid()}.tmp")


def atomic_write_text(path: Path, text: str) -> None:
    """Write ``text`` to a temporary name beside ``path``, then rename it into place."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = _tmp_name(path)
    with open(tmp, "w", encoding="utf-8") as fh:
        fh.write(text)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)


def atomic_write_json(path: Path, obj: Any) -> None:
    """``obj`` as indented JSON, atomically."""
    atomic_write_text(path, json.dumps(obj, ensure_ascii=False, indent=2) + "\n")


def atomic_write_jsonl(path: Path, rows: Iterable[Any]) -> int:
    """``rows`` as JSONL, atomically; returns the count."""
    lines = [dumps(row) + "\n" for row in rows]
    atomic_write_text(path, "".join(lines))
    return len(lines)


def remove_temp_files(*folders: Path) -> None:
    """Delete the temporary files a killed writer left in ``folders``."""
    for folder in folders:
        if Path(folder).is_dir():
            for tmp in Path(folder).glob(".*.tmp"):
                tmp.unlink(missing_ok=True)


def repair_tail(path: Path) -> int:
    """Cut an unterminated last line (a write cut by a kill); returns the bytes removed."""
    path = Path(path)
    if not path.exists():
        return 0
    size = path.stat().st_size
    if size == 0:
        return 0
    with path.open("rb+") as handle:
        handle.seek(size - 1)
        if handle.read(1) == b"\n":
            return 0
        end, keep = size, 0
        while end > 0:  # scan back for the last newline in chunks
            start = max(0, end - 65536)
            handle.seek(start)
            cut = handle.read(end - start).rfind(b"\n")
            if cut >= 0:
                keep = start + cut + 1
                break
            end = start
        handle.truncate(keep)
        return size - keep


def iter_jsonl(path: Path) -> Iterator[dict[str, Any]]:
    """Objects of a JSONL file; an unterminated last line (a write cut by a kill) is
    skipped, as :class:`JsonlAppender` will cut it."""
    path = Path(path)
    if not path.is_file():
        return
    with open(path, encoding="utf-8") as fh:
        for number, line in enumerate(fh, 1):
            if not line.endswith("\n"):
                break
            if line.strip():
                try:
                    yield json.loads(line)
                except json.JSONDecodeError as exc:
                    raise DatasetError(f"{path}:{number}: corrupt line ({exc.msg})") from exc


class JsonlAppender:
    """Appends one object per line, each in one ``write`` on an ``O_APPEND`` descriptor and
    fsynced before :meth:`append` returns; on open, :func:`repair_tail` cuts what a killed
    writer left, so an append never glues onto half a line."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        repair_tail(self.path)
        self._fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)

    def append(self, obj: Any) -> None:
        data = (dumps(obj) + "\n").encode("utf-8")
        written = os.write(self._fd, data)
        while written < len(data):  # regular files write everything; be safe anyway
            written += os.write(self._fd, data[written:])
        os.fsync(self._fd)

    def close(self) -> None:
        if self._fd >= 0:
            os.close(self._fd)
            self._fd = -1

    def __enter__(self) -> "JsonlAppender":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
