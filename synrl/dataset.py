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
ANSWER_TYPES = ("multiple_choice", "number", "yes_no", "list", "interval", "box")


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
    # Host and pid: writers on several nodes of a shared folder never share a temp name.
    return path.with_name(f".{path.name}.{_host()}.{os.getpid()}.tmp")


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


def remove_temp_files(*folders: Path, names: Iterable[str] | None = None) -> None:
    """Delete the temporary files a killed writer left in ``folders``; with ``names``, only
    those of these final file names (a shard clears its own, never another live shard's)."""
    keep = None if names is None else set(names)
    for folder in folders:
        if Path(folder).is_dir():
            for tmp in Path(folder).glob(".*.tmp"):
                if keep is None or tmp.name[1:].split(".")[0] in keep:
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


# ------------------------------------------------------------------- writer locks

LOCKS = ".locks"
#: A lock whose holder runs on another host is stale when its heartbeat (the lock file's
#: mtime, touched every HEARTBEAT_SECONDS) is older than this; overridable for clusters whose
#: shared file systems cache attributes for long.
STALE_AFTER_SECONDS = float(os.environ.get("SYNRL_LOCK_STALE_SECONDS", "300"))
HEARTBEAT_SECONDS = 30.0


def _host() -> str:
    import socket

    return socket.gethostname()


def _process_start(pid: int) -> str | None:
    """The kernel's start time of ``pid`` (field 22 of /proc/PID/stat), which tells a live
    holder from a new process that was given a dead holder's pid; None where there is no
    /proc."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return stat.rsplit(")", 1)[1].split()[19]


def _alive(pid: int, start: str | None) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's live process
        pass
    return start is None or _process_start(pid) in (None, start)


class WriterLock:
    """One writer per *share* of a dataset folder.

    ``OUT/.locks/<name>.lock`` is created with ``O_EXCL`` (atomic on local disks and on NFS
    v3+). Shards lock their own name (``shard-3-of-8``) and so run side by side while a
    second copy of the same shard is refused; a whole-folder run locks ``all`` and is refused
    while any other lock is held, as are shards while ``all`` is held. Both sides create
    their lock first and look for the other second, so two racing writers never both go on.

    A lock is stale, and taken over, when its holder is gone: on the same host when its pid
    is not alive (or was reused by another process); from another host when its heartbeat
    has not moved for ``SYNRL_LOCK_STALE_SECONDS`` (default 300 s). A background thread
    touches the lock every 30 s while it is held.
    """

    def __init__(self, folder: Path, name: str):
        self.folder = Path(folder)
        self.name = name
        self.path = self.folder / LOCKS / f"{name}.lock"
        self._stop = None
        self._thread = None

    # -- reading other locks
    def _holder(self, path: Path) -> dict[str, Any] | None:
        """The holder of ``path`` if it is live, else None (and a stale lock is removed)."""
        try:
            info = json.loads(path.read_text(encoding="utf-8"))
            age = _time() - path.stat().st_mtime
        except FileNotFoundError:
            return None
        except (json.JSONDecodeError, UnicodeDecodeError, OSError):
            # A lock caught between create and write: its writer is seconds old.
            try:
                if _time() - path.stat().st_mtime < STALE_AFTER_SECONDS:
                    return {"host": "?", "pid": "?", "started": "just now"}
            except FileNotFoundError:
                return None
            info, age = {}, STALE_AFTER_SECONDS + 1
        if info.get("host") == _host():
            live = _alive(int(info.get("pid", -1)), info.get("pid_start"))
        else:
            live = age < STALE_AFTER_SECONDS
        if live:
            return info
        path.unlink(missing_ok=True)
        return None

    def _conflicts(self) -> list[tuple[Path, dict[str, Any]]]:
        found = []
        for path in sorted((self.folder / LOCKS).glob("*.lock")):
            if path == self.path:
                continue
            if self.name == "all" or path.stem == "all":
                holder = self._holder(path)
                if holder is not None:
                    found.append((path, holder))
        return found

    def _refuse(self, path: Path, holder: dict[str, Any]) -> DatasetError:
        what = "the whole folder" if path.stem == "all" else path.stem
        return DatasetError(
            f"{self.folder} is being written ({what}) by pid {holder.get('pid')} on "
            f"{holder.get('host')} since {holder.get('started')}; wait for it, or delete "
            f"{path} if that process is gone")

    # -- taking and releasing
    def acquire(self) -> "WriterLock":
        import datetime
        import threading

        self.path.parent.mkdir(parents=True, exist_ok=True)
        info = {"host": _host(), "pid": os.getpid(), "pid_start": _process_start(os.getpid()),
                "started": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
                "name": self.name}
        for _ in range(3):  # a stale lock removed by _holder lets the next try create it
            try:
                fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
            except FileExistsError:
                holder = self._holder(self.path)
                if holder is not None:
                    raise self._refuse(self.path, holder) from None
                continue
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                json.dump(info, fh)
            break
        else:
            raise DatasetError(f"cannot take {self.path}: it keeps reappearing")
        conflicts = self._conflicts()
        if conflicts:
            self.path.unlink(missing_ok=True)
            raise self._refuse(*conflicts[0])
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._beat, daemon=True, name="synrl-lock")
        self._thread.start()
        return self

    def _beat(self) -> None:
        while not self._stop.wait(HEARTBEAT_SECONDS):
            try:
                os.utime(self.path)
            except OSError:
                return

    def release(self) -> None:
        if self._stop is not None:
            self._stop.set()
            self._stop = None
            self.path.unlink(missing_ok=True)

    def __enter__(self) -> "WriterLock":
        return self.acquire()

    def __exit__(self, *exc: object) -> None:
        self.release()


def _time() -> float:
    import time

    return time.time()
