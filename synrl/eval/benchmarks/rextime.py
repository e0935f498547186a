"""ReXTime (Chen et al., 2024): reasoning across time; the answer happens in another segment."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from synrl.eval.benchmarks.common import first_existing, read_table, video_path
from synrl.eval.benchmarks.grounding_common import grounding_question_for
from synrl.eval.benchmarks.registry import BenchmarkError, register_benchmark
from synrl.eval.sample import EvalSample, letters

LAYOUT = """
From huggingface.co/datasets/ReXTime/ReXTime (or github.com/ReXTime/ReXTime data/) plus the source videos
(ActivityNet from activity-net.org; QVHighlights from Moment-DETR's qvhilights_videos.tar.gz):
  ReXTime/rextime_val.json (or .jsonl)   list of {"qid", "source", "vid", "duration", "question",
                                          "options": [4], "ans": "A", "span": [s, e]}
  ReXTime/videos/anet/<vid>.mp4           (sources anet_*)
  ReXTime/videos/qvh/<vid>.mp4            (sources qvhighlights_*)
Options: task=grounding (default: the answer span) or mc (4-way choice).
"""


@register_benchmark("rextime", kind="grounding", layout=LAYOUT)
def load(root: Path, options: Mapping[str, str]) -> list[EvalSample]:
    task = options.get("task", "grounding")
    if task not in ("grounding", "mc"):
        raise BenchmarkError(f"rextime: task must be grounding or mc, got {task!r}")
    table = first_existing(root, ["rextime_val.json", "rextime_val.jsonl", "data/rextime_val.json",
                                  "data/rextime_val.jsonl"])
    samples = []
    for row in read_table(table):
        source = str(row["source"])
        folder = "qvh" if source.startswith("qv") else "anet"
        video = video_path(root, "videos", folder, f"{row['vid']}.mp4")
        groups = {"source": source.split("_")[0]}
        if task == "mc":
            choices = [str(o) for o in row["options"]]
            answer = str(row["ans"]).strip().upper()
            opts = dict(zip(letters(len(choices)), choices))
            if answer not in opts:
                raise BenchmarkError(f"rextime {row['qid']}: answer {answer!r} is not an option")
            samples.append(EvalSample(id=str(row["qid"]), benchmark="rextime", video=video,
                                      question=str(row["question"]), answer_type="multiple_choice", answer=answer,
                                      options=opts, groups=groups))
            continue
        span = row["span"]
        segments = span if span and isinstance(span[0], (list, tuple)) else [span]
        samples.append(EvalSample(id=str(row["qid"]), benchmark="rextime", video=video,
                                  question=grounding_question_for(str(row["question"])), answer_type="interval",
                                  answer=[[float(s), float(e)] for s, e in segments], metric="grounding",
                                  groups=groups))
    return samples
