"""Building the static browser site of a dataset folder.

The site is plain files: ``index.html`` (statistics and a filterable, paged list of
samples), ``samples/<id>.html`` (one page per sample), ``data/index.js`` (the compact list
of samples the index pages through), ``thumbs/<id>.jpg`` (first frames) and ``static/``.
Every link is relative, so the site opens from disk (``file://``) or from any server, and it
can be moved together with the dataset folder it points into.
"""

from __future__ import annotations

import json
import os
import shutil
from collections import Counter, defaultdict
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from synrl.dataset import GROUNDED_COT, DatasetError, iter_jsonl, read_dataset_json
from synrl.dataset import load_dataset

#: Audit report read when none is given: `synrl audit DIR --report DIR/audit.json`.
DEFAULT_AUDIT = "audit.json"
THUMB_WIDTH = 160


class BrowseError(Exception):
    """A dataset or option the site cannot be built from."""


@dataclass
class SiteResult:
    """What :func:`build_site` wrote."""

    index: Path
    samples: int
    thumbs_written: int


def _environment():
    import jinja2

    # Autoescape: questions, CoT and file names in records are text, never markup.
    return jinja2.Environment(loader=jinja2.PackageLoader("synrl.browse", "templates"),
                              autoescape=jinja2.select_autoescape(("html", "j2")),
                              undefined=jinja2.StrictUndefined, keep_trailing_newline=True)


def _rel(target: Path, start: Path) -> str:
    """A relative URL from the folder ``start`` to ``target`` (always forward slashes)."""
    return Path(os.path.relpath(target, start)).as_posix()


def read_cot(folder: Path) -> dict[str, dict[str, Any]]:
    """``cot.jsonl`` by sample id (empty when the dataset has none)."""
    out: dict[str, dict[str, Any]] = {}
    try:
        for row in iter_jsonl(folder / GROUNDED_COT):
            if isinstance(row, dict) and isinstance(row.get("cot"), str):
                out[str(row.get("id"))] = {"cot": row["cot"], "status": row.get("status", ""),
                                           "source": row.get("source", "")}
    except DatasetError as exc:
        raise BrowseError(str(exc)) from exc
    return out


def read_audit(path: Path | None, records: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Per-sample audit verdicts from a `synrl audit --report` file (empty without one).

    The report lists every task's counts and only the samples that failed. A sample it does
    not list passed if the report checked as many samples of its task as the dataset holds;
    otherwise (``--limit``) it is reported as not known.
    """
    if path is None or not path.is_file():
        return {}
    try:
        report = json.loads(path.read_text())
        by_task, failures = report["by_task"], report["failures"]
    except (json.JSONDecodeError, KeyError, TypeError) as exc:
        raise BrowseError(f"{path} is not a `synrl audit --report` file ({exc})") from exc
    failed = {f["id"]: f for f in failures}
    counts = Counter(r["task"] for r in records)
    verdicts = {}
    for record in records:
        task_row = by_task.get(record["task"])
        if record["id"] in failed:
            f = failed[record["id"]]
            verdicts[record["id"]] = {"status": f["status"], "message": f.get("message", ""),
                                      "expected": f.get("expected"), "derived": f.get("derived")}
        elif task_row is None:
            verdicts[record["id"]] = {"status": "not audited", "message": "task not in the report"}
        elif task_row["checked"] >= counts[record["task"]]:
            verdicts[record["id"]] = {"status": "ok", "message": "answer re-derived from the pixels"}
        else:
            verdicts[record["id"]] = {"status": "unknown",
                                      "message": f"the audit checked {task_row['checked']} of "
                                                 f"{counts[record['task']]} samples of this task"}
    return verdicts


def answer_display(record: dict[str, Any]) -> str:
    """The answer as a reader wants it: the letter with its text, or the canonical value."""
    answer, kind = record["answer"], record["answer_type"]
    if kind == "multiple_choice":
        return f"{answer}. {record['options'][answer]}"
    if kind == "interval":
        return f"{answer[0]:g} s to {answer[1]:g} s"
    if kind == "list":
        return ", ".join(map(str, answer)) + ("" if record.get("answer_ordered", True) else " (any order)")
    if kind == "box":
        times = (record.get("query") or {}).get("times_s") or []
        return "; ".join(f"{list(box)} at {t:g} s" for box, t in zip(answer, times)) or str(answer)
    return str(answer)


def timeline_lanes(timeline: list[dict[str, Any]], duration_ms: int) -> tuple[list[dict[str, Any]], int]:
    """Events placed on lanes so that none overlaps another on the bar.

    Each event gets ``left`` and ``width`` in percent of the clip and a ``lane``; an instant
    event is drawn 0.8% wide so it stays clickable.
    """
    lane_ends: list[float] = []
    placed = []
    for n, event in enumerate(timeline):
        start = min(max(0, event["start_ms"]), duration_ms)
        end = min(max(start, event["end_ms"]), duration_ms)
        left = 100.0 * start / duration_ms
        width = max(0.8, 100.0 * (end - start) / duration_ms)
        for lane, lane_end in enumerate(lane_ends):
            if left >= lane_end:
                break
        else:
            lane = len(lane_ends)
            lane_ends.append(0.0)
        lane_ends[lane] = left + width + 0.2
        details = {k: v for k, v in event.items()
                   if k not in ("type", "start_ms", "end_ms", "start_frame", "end_frame")}
        placed.append({"n": n, "type": event["type"], "start_ms": start, "end_ms": end,
                       "start_frame": event.get("start_frame"), "end_frame": event.get("end_frame"),
                       "left": round(left, 3), "width": round(min(width, 100.0 - left), 3),
                       "lane": lane, "details": _short_json(details)})
    return placed, max(1, len(lane_ends))


def _short_json(value: Any, limit: int = 160) -> str:
    text = json.dumps(value, ensure_ascii=False, separators=(", ", ": "))
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _record_summary(record: dict[str, Any]) -> dict[str, Any]:
    """The record for the page's raw-JSON panel, with per-frame track arrays summarised."""
    out = dict(record)
    tracks = []
    for track in record.get("tracks", []):
        t = {}
        for key, value in track.items():
            if isinstance(value, list) and len(value) > 8 and key not in ("rgb",):
                t[key] = f"[{len(value)} per-frame values]"
            else:
                t[key] = value
        tracks.append(t)
    out["tracks"] = tracks
    return out


def _thumbnail(video: Path, target: Path) -> bool:
    """Write the first decoded frame of ``video`` as a small JPEG; False if it cannot be read."""
    import av
    from PIL import Image

    try:
        with av.open(str(video)) as container:
            frame = next(container.decode(video=0))
            image = frame.to_image()
    except (av.FFmpegError, StopIteration, OSError):
        return False
    height = max(1, round(image.height * THUMB_WIDTH / image.width))
    image = image.resize((THUMB_WIDTH, height), Image.Resampling.LANCZOS)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_suffix(".tmp")
    image.save(tmp, format="JPEG", quality=85, optimize=True)
    os.replace(tmp, target)
    return True


def _distribution(values: list[Any]) -> list[tuple[str, int]]:
    return sorted(((str(k), v) for k, v in Counter(values).items()), key=lambda kv: kv[0])


def dataset_stats(records: list[dict[str, Any]]) -> dict[str, Any]:
    """Counts per task with its difficulty, split, answer-type and answer-letter distributions."""
    by_task: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for record in records:
        by_task[record["task"]].append(record)
    tasks = []
    for task, rows in sorted(by_task.items()):
        mc = [r["answer"] for r in rows if r["answer_type"] == "multiple_choice"]
        tasks.append({
            "task": task, "family": rows[0].get("family", ""), "primitive": rows[0].get("primitive", ""),
            "count": len(rows),
            "difficulty": _distribution([r["difficulty"] for r in rows]),
            "split": _distribution([r["split"] for r in rows]),
            "answer_type": _distribution([r["answer_type"] for r in rows]),
            "letters": _distribution(mc),
            "mean_duration_s": sum(r["video"]["duration_ms"] for r in rows) / len(rows) / 1000,
        })
    return {
        "total": len(records), "tasks": tasks,
        "splits": _distribution([r["split"] for r in records]),
        "difficulties": _distribution([r["difficulty"] for r in records]),
        "answer_types": _distribution([r["answer_type"] for r in records]),
    }


def build_site(folder: Path, out: Path | None = None, audit: Path | None = None,
               page_size: int = 60) -> SiteResult:
    """Write the browser site of the dataset ``folder`` into ``out`` (default ``folder/site``)."""
    try:
        records = load_dataset(folder)
    except DatasetError as exc:
        raise BrowseError(str(exc)) from exc
    if not records:
        raise BrowseError(f"{folder} holds no samples")
    if page_size < 1:
        raise BrowseError("page size must be >= 1")
    if audit is not None and not audit.is_file():
        raise BrowseError(f"{audit}: no such audit report")
    folder = folder.resolve()
    out = (out or folder / "site").resolve()
    if out == folder:
        raise BrowseError("--out must not be the dataset folder itself")
    try:
        for sub in ("samples", "data", "static", "thumbs"):
            (out / sub).mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise BrowseError(f"cannot write {out}: {exc.strerror or exc}") from exc
    audit = audit or (folder / DEFAULT_AUDIT if (folder / DEFAULT_AUDIT).is_file() else None)
    verdicts = read_audit(audit, records)
    cots = read_cot(folder)
    try:
        info = read_dataset_json(folder) or {}
    except DatasetError as exc:
        raise BrowseError(str(exc)) from exc
    env = _environment()
    static = resources.files("synrl.browse") / "static"
    for name in ("browse.css", "browse.js"):
        with resources.as_file(static / name) as src:
            shutil.copyfile(src, out / "static" / name)

    thumbs_written = 0
    rows = []
    sample_tpl = env.get_template("sample.html.j2")
    ids = [r["id"] for r in records]
    for n, record in enumerate(records):
        rid = record["id"]
        video = folder / record["video"]["path"]
        thumb = out / "thumbs" / f"{rid}.jpg"
        if video.is_file() and (not thumb.is_file() or thumb.stat().st_mtime < video.stat().st_mtime):
            thumbs_written += _thumbnail(video, thumb)
        has_thumb = thumb.is_file()
        duration_ms = int(record["video"]["duration_ms"])
        events, lanes = timeline_lanes(record.get("timeline", []), duration_ms)
        cot = cots.get(rid)
        page = sample_tpl.render(
            record=record, answer=answer_display(record), events=events, lanes=lanes,
            video_src=_rel(video, out / "samples"), video_exists=video.is_file(),
            cot=cot, verdict=verdicts.get(rid), audit_name=audit.name if audit else None,
            record_json=json.dumps(_record_summary(record), indent=1, ensure_ascii=False),
            timeline_json=json.dumps(events, ensure_ascii=False).replace("</", "<\\/"),
            prev_id=ids[n - 1] if n > 0 else None, next_id=ids[n + 1] if n + 1 < len(ids) else None,
            position=n + 1, total=len(ids),
        )
        (out / "samples" / f"{rid}.html").write_text(page, encoding="utf-8")
        rows.append([rid, record["task"], record["split"], record["difficulty"], record["answer_type"],
                     record["question"], answer_display(record), round(duration_ms / 1000, 2),
                     f"thumbs/{rid}.jpg" if has_thumb else "",
                     (verdicts.get(rid) or {}).get("status", "")])
    # A rebuild after samples were removed must not keep serving their pages.
    keep = set(ids)
    for stale in [*(out / "samples").glob("*.html"), *(out / "thumbs").glob("*.jpg")]:
        if stale.stem not in keep:
            stale.unlink()
    columns = ["id", "task", "split", "difficulty", "answer_type", "question", "answer",
               "duration_s", "thumb", "audit"]
    index_data = {"columns": columns, "rows": rows, "page_size": page_size}
    # A script, not a JSON fetch: browsers refuse fetch() on file:// pages, and the site must
    # open from disk.
    payload = json.dumps(index_data, ensure_ascii=False, separators=(",", ":")).replace("</", "<\\/")
    (out / "data" / "index.js").write_text(f"window.SYNRL_INDEX = {payload};\n", encoding="utf-8")
    (out / "data" / "index.json").write_text(json.dumps(index_data, ensure_ascii=False), encoding="utf-8")
    stats = dataset_stats(records)
    index = out / "index.html"
    index.write_text(env.get_template("index.html.j2").render(
        stats=stats, info=info, dataset_name=folder.name, audit_name=audit.name if audit else None,
        audit_counts=Counter(v["status"] for v in verdicts.values()) if verdicts else None,
    ), encoding="utf-8")
    return SiteResult(index, len(records), thumbs_written)
