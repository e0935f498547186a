"""Exporting synrl datasets as a Hugging Face dataset folder (Parquet + dataset card).

The folder loads with ``datasets.load_dataset(HFDIR)`` and pushes to the Hub as it is
(``hf upload --repo-type dataset USER/NAME HFDIR .``, huggingface_hub's CLI). Videos are embedded in
the Parquet files as the ``datasets`` ``Video`` feature (``{"bytes", "path"}``), so the
folder is self-contained.

Answers are heterogeneous (a letter, a number, "yes"/"no", a list of strings, an interval),
and one Arrow column has one type. ``answer`` therefore holds the record's answer as JSON
text (``"\"B\""``, ``"3"``, ``"[\"up\", \"down\"]"``, ``"[1.5, 3.0]"``), which is exact and
round-trips; typed helper columns hold the same value for the one type that applies and are
null otherwise: ``answer_letter``, ``answer_number``, ``answer_list``, ``answer_interval``,
``answer_boxes`` (a tracking answer's ``[x1, y1, x2, y2]`` per asked time).
Event parameters, the long-term ``states``, ``query``, ``answer_value`` and ``scene`` differ
per task and are JSON text too; :func:`row_to_record` rebuilds the exact record.
"""

from __future__ import annotations

import json
import os
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from synrl import __version__
from synrl.dataset import GROUNDED_COT, DatasetError, iter_jsonl, read_dataset_json
from synrl.record import SPLITS
from synrl.dataset import load_dataset

CARD = "README.md"
#: Parquet shards stay below this many bytes of video, so the Hub's viewer can page them.
SHARD_BYTES = 256 * 1024 * 1024
#: Rows per Parquet row group: a reader fetching one row reads one group of videos.
ROW_GROUP = 64

_EVENT_KEYS = ("type", "start_ms", "end_ms", "start_frame", "end_frame")
_TRACK_KEYS = ("id", "shape", "color", "rgb", "x", "y", "angle", "scale", "visible", "radius", "role")
_VIDEO_KEYS = ("path", "fps", "num_frames", "width", "height", "duration_ms")
# Record keys with a column of their own; anything else a record holds goes to ``extra``.
_TYPED = ("id", "task", "family", "primitive", "seed", "difficulty", "version", "split", "index",
          "base_seed", "video", "question", "options", "answer", "answer_type", "answer_text",
          "answer_ordered", "timeline", "tracks")
_JSON_COLUMNS = ("states", "query", "answer_value", "scene")


class ExportError(Exception):
    """Input the export cannot use; the message is one line for the user."""


def features():
    """The typed ``datasets.Features`` of an exported row."""
    from datasets import Features, List, Value, Video

    return Features({
        "id": Value("string"),
        "task": Value("string"),
        "family": Value("string"),
        "primitive": Value("string"),
        "split": Value("string"),
        "difficulty": Value("int32"),
        "seed": Value("int64"),
        "index": Value("int64"),
        "base_seed": Value("int64"),
        "version": Value("string"),
        "video": Video(),
        "video_info": {"path": Value("string"), "fps": Value("int32"), "num_frames": Value("int32"),
                       "width": Value("int32"), "height": Value("int32"), "duration_ms": Value("int32")},
        "question": Value("string"),
        "options": List({"letter": Value("string"), "text": Value("string")}),
        "answer_type": Value("string"),
        "answer": Value("string"),
        "answer_text": Value("string"),
        "answer_letter": Value("string"),
        "answer_number": Value("float64"),
        "answer_list": List(Value("string")),
        "answer_ordered": Value("bool"),
        "answer_interval": List(Value("float64"), length=2),
        "answer_boxes": List(List(Value("float64"), length=4)),
        "timeline": List({"type": Value("string"), "start_ms": Value("int32"), "end_ms": Value("int32"),
                          "start_frame": Value("int32"), "end_frame": Value("int32"),
                          "params": Value("string")}),
        "tracks": List({"id": Value("string"), "shape": Value("string"), "color": Value("string"),
                        "rgb": List(Value("int32"), length=3), "x": List(Value("float32")),
                        "y": List(Value("float32")), "angle": List(Value("float32")),
                        "scale": List(Value("float32")), "visible": List(Value("bool")),
                        "radius": Value("float32"), "role": Value("string"), "extra": Value("string")}),
        **{name: Value("string") for name in _JSON_COLUMNS},
        "extra": Value("string"),
        "cot": Value("string"),
    })


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def record_to_row(record: dict[str, Any], video_bytes: bytes, cot: str | None = None) -> dict[str, Any]:
    """One record as a row of :func:`features`, with its MP4 embedded."""
    kind, answer = record["answer_type"], record["answer"]
    video = record["video"]
    return {
        **{key: record[key] for key in ("id", "task", "family", "primitive", "split", "difficulty", "seed",
                                        "version", "question", "answer_type", "answer_text")},
        "index": record.get("index"),
        "base_seed": record.get("base_seed"),
        # The path keeps the extension, which tells decoders the container.
        "video": {"bytes": video_bytes, "path": Path(video["path"]).name},
        "video_info": {key: video[key] for key in _VIDEO_KEYS},
        # null for open questions (the record's None), never an empty list: the two differ.
        "options": None if record.get("options") is None
        else [{"letter": k, "text": v} for k, v in record["options"].items()],
        "answer": _json(answer),
        "answer_letter": answer if kind == "multiple_choice" else None,
        "answer_number": float(answer) if kind == "number" else None,
        "answer_list": [str(a) for a in answer] if kind == "list" else None,
        "answer_ordered": record.get("answer_ordered"),
        "answer_interval": [float(a) for a in answer] if kind == "interval" else None,
        "answer_boxes": [[float(v) for v in box] for box in answer] if kind == "box" else None,
        "timeline": [{**{k: e[k] for k in _EVENT_KEYS},
                      "params": _json({k: v for k, v in e.items() if k not in _EVENT_KEYS})}
                     for e in record.get("timeline", [])],
        "tracks": [{**{k: t[k] for k in _TRACK_KEYS},
                    "extra": _json({k: v for k, v in t.items() if k not in _TRACK_KEYS})}
                   for t in record.get("tracks", [])],
        **{name: _json(record.get(name)) for name in _JSON_COLUMNS},
        "extra": _json({k: v for k, v in record.items() if k not in _TYPED and k not in _JSON_COLUMNS}),
        "cot": cot,
    }


def _float32(values: list[float]) -> list[float]:
    # Tracks are stored as float32 (2 decimals in the record fit exactly enough); rounding
    # back to the record's digits restores the record's numbers.
    return [round(float(v), 3) for v in values]


def row_to_record(row: dict[str, Any]) -> dict[str, Any]:
    """The synrl record a row was made from (the inverse of :func:`record_to_row`).

    Track coordinates come back rounded to 3 decimals (the record keeps 2 for positions and
    angles, 3 for scale), so the round trip is exact.
    """
    record: dict[str, Any] = {key: row[key] for key in ("id", "task", "family", "primitive", "seed",
                                                         "difficulty", "version")}
    record["video"] = dict(row["video_info"])
    record["question"] = row["question"]
    record["options"] = None if row["options"] is None else {o["letter"]: o["text"] for o in row["options"]}
    record["answer"] = json.loads(row["answer"])
    record["answer_type"] = row["answer_type"]
    record["answer_text"] = row["answer_text"]
    if row["answer_ordered"] is not None:
        record["answer_ordered"] = row["answer_ordered"]
    record["timeline"] = [{**{k: e[k] for k in _EVENT_KEYS}, **json.loads(e["params"])} for e in row["timeline"]]
    tracks = []
    for t in row["tracks"]:
        track = {k: t[k] for k in _TRACK_KEYS}
        for key in ("x", "y", "angle", "scale"):
            track[key] = _float32(track[key])
        track["radius"] = round(float(track["radius"]), 2)
        track.update(json.loads(t["extra"]))
        tracks.append(track)
    record["tracks"] = tracks
    record["split"] = row["split"]
    if row["index"] is not None:
        record["index"] = row["index"]
    if row["base_seed"] is not None:
        record["base_seed"] = row["base_seed"]
    for name in _JSON_COLUMNS:
        value = json.loads(row[name])
        if value is not None:
            record[name] = value
    record.update(json.loads(row["extra"]))
    return record


@dataclass
class HFExportResult:
    """What :func:`export_hf` wrote."""

    out: Path
    splits: dict[str, int]
    files: list[Path]


def _read_cot(folder: Path) -> dict[str, str]:
    return {row["id"]: row["cot"] for row in iter_jsonl(folder / GROUNDED_COT)
            if row.get("status", "passed") == "passed"}


def _audit_summary(folder: Path) -> dict[str, Any] | None:
    path = folder / "audit.json"
    if not path.is_file():
        return None
    try:
        by_task = json.loads(path.read_text())["by_task"]
    except (json.JSONDecodeError, KeyError) as exc:
        raise ExportError(f"{path} is not a `synrl audit --report` file ({exc})") from exc
    return {task: {k: row[k] for k in ("checked", "mismatches", "errors", "unaudited")}
            for task, row in by_task.items()}


def export_hf(folders: list[Path], out: Path, *, license: str = "apache-2.0",
              pretty_name: str | None = None) -> HFExportResult:
    """Write the datasets ``folders`` (e.g. one per split) as a Hugging Face dataset at ``out``."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    if not folders:
        raise ExportError("give at least one dataset folder")
    records: list[tuple[Path, dict[str, Any]]] = []
    cots: dict[str, str] = {}
    infos, audits = {}, {}
    seen: dict[str, Path] = {}
    for folder in folders:
        try:
            found = load_dataset(folder)
        except DatasetError as exc:
            raise ExportError(str(exc)) from exc
        for record in found:
            if record["id"] in seen:
                raise ExportError(f"sample {record['id']} is in both {seen[record['id']]} and {folder}")
            if record.get("split") not in SPLITS:
                raise ExportError(f"{folder}: sample {record['id']} has split {record.get('split')!r}, "
                                  f"not one of {', '.join(SPLITS)}")
            seen[record["id"]] = folder
            records.append((folder, record))
        cots.update(_read_cot(folder))
        info = read_dataset_json(folder)
        if info is not None:
            infos[folder.name] = info
        audit = _audit_summary(folder)
        if audit:
            audits[folder.name] = audit
    if not records:
        raise ExportError("the dataset folders hold no samples")
    if out.resolve() in {f.resolve() for f in folders}:
        raise ExportError("--out must be a new folder, not a dataset folder")
    try:
        (out / "data").mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ExportError(f"cannot write {out}: {exc.strerror or exc}") from exc
    for stale in (out / "data").glob("*.parquet"):
        stale.unlink()  # a rerun with fewer shards must not leave old ones behind

    feats = features()
    schema = feats.arrow_schema
    by_split: dict[str, list[tuple[Path, dict[str, Any]]]] = defaultdict(list)
    for folder, record in records:
        by_split[record["split"]].append((folder, record))
    files: list[Path] = []
    counts: dict[str, int] = {}
    nbytes: dict[str, int] = defaultdict(int)
    for split in SPLITS:
        items = sorted(by_split.get(split, []), key=lambda fr: fr[1]["id"])
        if not items:
            continue
        counts[split] = len(items)
        shards: list[list[tuple[Path, dict[str, Any]]]] = [[]]
        size = 0
        for folder, record in items:
            video = folder / record["video"]["path"]
            video_size = video.stat().st_size if video.is_file() else 0
            if shards[-1] and size + video_size > SHARD_BYTES:
                shards.append([])
                size = 0
            shards[-1].append((folder, record))
            size += video_size
        for n, shard in enumerate(shards):
            rows = []
            for folder, record in shard:
                path = folder / record["video"]["path"]
                try:
                    data = path.read_bytes()
                except OSError as exc:
                    raise ExportError(f"{record['id']}: cannot read its video {path}: {exc.strerror or exc}") from exc
                rows.append(record_to_row(record, data, cots.get(record["id"])))
            table = pa.Table.from_pylist(rows, schema=schema)
            nbytes[split] += table.nbytes
            target = out / "data" / f"{split}-{n:05d}-of-{len(shards):05d}.parquet"
            tmp = target.with_suffix(".tmp")
            pq.write_table(table, tmp, row_group_size=ROW_GROUP, compression="zstd")
            os.replace(tmp, target)
            files.append(target)
    card = out / CARD
    card.write_text(dataset_card(feats, records, counts, nbytes, infos, audits, cots, license=license,
                                 pretty_name=pretty_name or out.resolve().name), encoding="utf-8")
    files.append(card)
    return HFExportResult(out, counts, files)


def _size_category(n: int) -> str:
    for limit, name in ((1_000, "n<1K"), (10_000, "1K<n<10K"), (100_000, "10K<n<100K"),
                        (1_000_000, "100K<n<1M")):
        if n < limit:
            return name
    return "1M<n<10M"


def dataset_card(feats, records: list[tuple[Path, dict[str, Any]]], counts: dict[str, int], nbytes: dict[str, int],
                 infos: dict[str, Any], audits: dict[str, Any], cots: dict[str, str], *,
                 license: str, pretty_name: str) -> str:
    """README.md: YAML front matter the Hub reads (configs, features, splits), then prose."""
    import yaml

    front = {
        "pretty_name": pretty_name,
        "license": license,
        "language": ["en"],
        "task_categories": ["video-text-to-text", "visual-question-answering"],
        "tags": ["synthetic", "video", "temporal-reasoning", "synrl"],
        "size_categories": [_size_category(len(records))],
        "configs": [{"config_name": "default",
                     "data_files": [{"split": s, "path": f"data/{s}-*.parquet"} for s in counts]}],
        "dataset_info": {"features": feats._to_yaml_list(),
                         "splits": [{"name": s, "num_bytes": nbytes[s], "num_examples": n}
                                    for s, n in counts.items()],
                         "dataset_size": sum(nbytes.values())},
    }
    by_task: dict[str, Counter] = defaultdict(Counter)
    for _, record in records:
        by_task[record["task"]][record["split"]] += 1
    first = records[0][1]
    lines = [
        "---", yaml.safe_dump(front, sort_keys=False, allow_unicode=True).rstrip(), "---", "",
        f"# {pretty_name}", "",
        "Synthetic videos of abstract shapes and simple scenes whose answers are correct by "
        f"construction, made with [synrl](https://pypi.org/project/synrl/) {__version__} for "
        "training and evaluating temporal reasoning in video vision-language models (direction, "
        "speed, counting, rotation, ordering, state tracking).", "",
        "## Splits and tasks", "",
        "| task | family | primitive | " + " | ".join(counts) + " |",
        "|---|---|---|" + "---|" * len(counts),
    ]
    families = {r["task"]: (r["family"], r["primitive"]) for _, r in records}
    for task in sorted(by_task):
        lines.append(f"| `{task}` | {families[task][0]} | {families[task][1]} | "
                     + " | ".join(str(by_task[task][s]) for s in counts) + " |")
    lines += ["", f"{len(records)} samples; {len(cots)} with a grounded chain of thought (`cot`).", "",
              "## How it was generated", "",
              "Each task simulates its scene from a seed, renders every frame with Skia and encodes "
              "H.264 (yuv420p) with PyAV; the question, options and answer are computed from the "
              "simulation, never from a model. Train, val and test draw seeds from disjoint ranges, "
              "so no held-out sample coincides with a training sample. The generator settings of each "
              "source folder (`dataset.json`):", "", "```json"]
    lines += [json.dumps({folder: info.get("identity", info) for folder, info in infos.items()}, indent=1,
                         ensure_ascii=False)
              if infos else "{}", "```", "", "## How it was audited", ""]
    if audits:
        lines += ["`synrl audit` decoded every MP4, tracked each object by its colour and re-derived "
                  "the answer from the pixels (report `audit.json` of the source folder):", "",
                  "| folder | task | checked | mismatches | errors | unaudited |", "|---|---|---|---|---|---|"]
        for folder, by in audits.items():
            for task, row in sorted(by.items()):
                lines.append(f"| {folder} | `{task}` | {row['checked']} | {row['mismatches']} | "
                             f"{row['errors']} | {row['unaudited']} |")
    else:
        lines += ["No audit report was found next to the source data. `synrl validate DIR` checks "
                  "every MP4 against its record, and `synrl audit DIR --report DIR/audit.json` "
                  "re-derives every answer from the decoded pixels; rerun the export after it to "
                  "record the result here."]
    lines += [
        "", "## Columns", "",
        "- `video`: the MP4 (`datasets.Video`, embedded bytes); `video_info`: fps, frame count, size, duration.",
        "- `question`, `options` (a list of `{letter, text}`, null for open questions), `answer_type` "
        "(`multiple_choice`, `number`, `yes_no`, `list`, `interval`, `box`).",
        "- `answer`: the answer as JSON text, exact for every type (a letter, a number, \"yes\"/\"no\", "
        "a list of strings, `[start_s, end_s]`, one `[x1, y1, x2, y2]` box per asked time); "
        "`answer_letter`, `answer_number`, `answer_list`, `answer_interval`, `answer_boxes`: the same value typed, in the one column that matches `answer_type` (null "
        "in the others); `answer_ordered`: whether a list answer's order matters; `answer_text`: "
        "the answer in words.",
        "- `timeline`: events with `type`, `start_ms`/`end_ms`, `start_frame`/`end_frame` and task-specific "
        "`params` (JSON text).",
        "- `tracks`: per object, one value per frame of `x`, `y` (centroid, pixels), `angle` (degrees, "
        "counter-clockwise), `scale` and `visible`, plus `shape`, `color`, `rgb`, `radius`, `role`.",
        "- `states` (long-term tasks: the state before and after every operation), `query`, "
        "`answer_value`, `scene`: JSON text; `cot`: a grounded chain of thought "
        "(`<think>...</think><answer>...</answer>`) that passed synrl's checker, or null.", "",
        "## Use", "",
        "```python",
        "from datasets import load_dataset",
        "",
        f"ds = load_dataset(\"USER/{pretty_name}\")  # or the path of this folder",
        "row = ds[\"" + first["split"] + "\"][0]",
        "row[\"video\"]  # a torchcodec VideoDecoder; Video(decode=False) gives the MP4 bytes",
        "```", "",
        "`synrl.export.hf.row_to_record(row)` rebuilds the synrl record, which synrl's rewards "
        "(`synrl.rewards`) score completions against.", "",
    ]
    return "\n".join(lines)
