"""NExT-GQA (Xiao et al., 2024): grounded video QA; segments that answer NExT-QA questions."""

from __future__ import annotations

import csv
from collections.abc import Mapping
from pathlib import Path

from synrl.eval.benchmarks.common import read_json, video_path
from synrl.eval.benchmarks.grounding_common import GROUNDING_SUFFIX, QA_SUFFIX, grounding_question_for
from synrl.eval.benchmarks.registry import BenchmarkError, register_benchmark
from synrl.eval.sample import EvalSample, letters

LAYOUT = """
From github.com/doc-doc/NExT-GQA (datasets/nextgqa/), plus map_vid_vidorID.json from github.com/doc-doc/NExT-QA
(dataset/nextqa/) and the NExT-QA videos (NExTVideo, sourced from VidOR; see the NExT-QA README):
  NExT-GQA/test.csv              video_id,frame_count,width,height,question,answer,qid,type,a0,a1,a2,a3,a4
                                 (answer is the text of the right a0..a4; type CW|CH|TN|TC)
  NExT-GQA/gsub_test.json        {video_id: {"duration": s, "location": {qid: [[s, e], ...]}, "fps": f}}
  NExT-GQA/map_vid_vidorID.json  {video_id: "1006/4882821564"}
  NExT-GQA/NExTVideo/<dir>/<video_id>.mp4
Options: split=test|val; task=grounding (default; R@IoU, mIoU, mIoP, IoP@0.3/0.5 against the best segment),
qa (5-way choice) or gqa (both questions per item, ids <vid>-<qid>/qa and /ground: adds Acc@QA and Acc@GQA,
the right answer with IoP >= 0.5, as NExT-GQA's eval_ground.py).
"""


@register_benchmark("nextgqa", kind="grounding", layout=LAYOUT)
def load(root: Path, options: Mapping[str, str]) -> list[EvalSample]:
    split = options.get("split", "test")
    task = options.get("task", "grounding")
    if task not in ("grounding", "qa", "gqa"):
        raise BenchmarkError(f"nextgqa: task must be grounding, qa or gqa, got {task!r}")
    spans = read_json(root / f"gsub_{split}.json")
    paths = read_json(root / "map_vid_vidorID.json")
    csv_path = root / f"{split}.csv"
    if not csv_path.is_file():
        raise BenchmarkError(f"missing annotation file {csv_path}")
    samples = []
    with csv_path.open(newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            vid, qid = str(row["video_id"]), str(row["qid"])
            where = f"nextgqa {vid}/{qid}"
            if vid not in paths:
                raise BenchmarkError(f"{where}: video not in map_vid_vidorID.json")
            video = video_path(root, "NExTVideo", f"{paths[vid]}.mp4")
            groups = {"type": str(row["type"])}
            if task in ("qa", "gqa"):
                choices = [str(row[f"a{i}"]) for i in range(5)]
                opts = dict(zip(letters(5), choices))
                matches = [k for k, v in opts.items() if v.strip() == str(row["answer"]).strip()]
                if not matches:
                    raise BenchmarkError(f"{where}: answer {row['answer']!r} is none of the options")
                # Test video 3842638015 qid 4 lists "happy" as both a3 and a4; NExT-GQA's own code
                # (and NExT-QA's) take the first option equal to the answer.
                sid = f"{vid}-{qid}" if task == "qa" else f"{vid}-{qid}{QA_SUFFIX}"
                samples.append(EvalSample(id=sid, benchmark="nextgqa", video=video,
                                          question=str(row["question"]), answer_type="multiple_choice",
                                          answer=matches[0], options=opts, groups=groups))
                if task == "qa":
                    continue
            segments = ((spans.get(vid) or {}).get("location") or {}).get(qid)
            if not segments:
                raise BenchmarkError(f"{where}: no segment in gsub_{split}.json")
            sid = f"{vid}-{qid}" if task == "grounding" else f"{vid}-{qid}{GROUNDING_SUFFIX}"
            samples.append(EvalSample(id=sid, benchmark="nextgqa", video=video,
                                      question=grounding_question_for(str(row["question"])), answer_type="interval",
                                      answer=[[float(s), float(e)] for s, e in segments], metric="grounding",
                                      groups=groups))
    return samples
