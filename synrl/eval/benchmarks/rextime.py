"""ReXTime (Chen et al., 2024): reasoning across time; the answer happens in another segment."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from synrl.eval.benchmarks.common import first_existing, read_table, video_path
from synrl.eval.benchmarks.grounding_common import GROUNDING_SUFFIX, QA_SUFFIX, grounding_question_for
from synrl.eval.benchmarks.registry import BenchmarkError, register_benchmark
from synrl.eval.sample import EvalSample, letters

LAYOUT = """
From huggingface.co/datasets/ReXTime/ReXTime (rextime_val.json) or github.com/ReXTime/ReXTime (data/rextime_val.jsonl,
grounding only), plus the source videos (ActivityNet from activity-net.org; QVHighlights from Moment-DETR's
qvhilights_videos.tar.gz) in the folders the ReXTime README names:
  ReXTime/rextime_val.json    list of {"qid": "anet_val384", "vid", "duration", "question", "options": [4 texts],
                              "answer": "From <s0> to <e0>, <option>.", "ans": "A", "span": [s, e],
                              "source", "category": sequential|cause_effect|means_end}
  ReXTime/rextime_val.jsonl   one {"qid", "query", "duration", "vid", "relevant_windows": [[s, e]], "ans"} a line
                              (the evaluation ground truth: no options, so task=grounding only)
  ReXTime/Anet_videos_15fps_short256/<vid>.mp4   (qids anet_*, e.g. v_ZMTi498qnPc.mp4)
  ReXTime/videos/<vid>.mp4                      (qids qvh_*, e.g. 2I9-kvemtSU_510.0_660.0.mp4)
(also read from data/ inside a clone of the GitHub repository)
Options: task=grounding (default: the answer span), mc (4-way choice) or gqa (both per item, ids <qid>/qa and
<qid>/ground: adds Acc and Acc@IoU>=0.5, the right choice with IoU >= 0.5, as ReXTime's rextime_eval.py); anet_videos=DIR and qvh_videos=DIR point
at those folders elsewhere (absolute, or relative to the data folder).
"""

TABLES = ["rextime_val.json", "rextime_val.jsonl", "data/rextime_val.json", "data/rextime_val.jsonl"]


def _source(row: dict[str, Any]) -> str:
    """``qvhighlights`` or ``anet``, from the qid prefix both files carry ("source" is only in the HF file)."""
    qid = str(row["qid"])
    if qid.startswith("qvh_"):
        return "qvhighlights"
    if qid.startswith("anet_"):
        return "anet"
    raise BenchmarkError(f"rextime {qid}: qid starts with neither qvh_ nor anet_")


def _video(root: Path, row: dict[str, Any], options: Mapping[str, str]) -> str:
    if _source(row) == "qvhighlights":
        folder = options.get("qvh_videos", "videos")
    else:
        folder = options.get("anet_videos", "Anet_videos_15fps_short256")
    return video_path(root, folder, f"{row['vid']}.mp4")


def _segments(row: dict[str, Any]) -> list[list[float]]:
    """The HF file's ``span`` ([s, e]) or the ground truth's ``relevant_windows`` ([[s, e], ...])."""
    spans = row["span"] if "span" in row else row["relevant_windows"]
    segments = spans if spans and isinstance(spans[0], (list, tuple)) else [spans]
    return [[float(s), float(e)] for s, e in segments]


def _choice(row: dict[str, Any], table: Path, common: dict[str, Any]) -> EvalSample:
    if "options" not in row:
        raise BenchmarkError(f"rextime: task=mc/gqa needs the options of the HF rextime_val.json; {table} has none")
    choices = [str(o) for o in row["options"]]
    opts = dict(zip(letters(len(choices)), choices))
    answer = str(row["ans"]).strip().upper()
    if answer not in opts:
        raise BenchmarkError(f"rextime {row['qid']}: answer {answer!r} is not an option")
    return EvalSample(question=str(row["question"]), answer_type="multiple_choice", answer=answer, options=opts,
                      **common)


@register_benchmark("rextime", kind="grounding", layout=LAYOUT)
def load(root: Path, options: Mapping[str, str]) -> list[EvalSample]:
    task = options.get("task", "grounding")
    if task not in ("grounding", "mc", "gqa"):
        raise BenchmarkError(f"rextime: task must be grounding, mc or gqa, got {task!r}")
    table = first_existing(root, TABLES)
    samples = []
    for row in read_table(table):
        groups = {"source": _source(row)}
        if row.get("category"):
            groups["category"] = str(row["category"])
        common = {"id": str(row["qid"]), "benchmark": "rextime", "video": _video(root, row, options), "groups": groups}
        if task == "mc":
            samples.append(_choice(row, table, common))
            continue
        if task == "gqa":
            samples.append(_choice(row, table, {**common, "id": common["id"] + QA_SUFFIX}))
            common = {**common, "id": common["id"] + GROUNDING_SUFFIX}
        question = str(row.get("question") or row["query"])
        samples.append(EvalSample(question=grounding_question_for(question), answer_type="interval",
                                  answer=_segments(row), metric="grounding", **common))
    return samples
