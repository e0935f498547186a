"""Video-MME (Fu et al., 2024): short/medium/long videos, 4-way multiple choice (without subtitles)."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from synrl.eval.benchmarks.common import first_existing, options_from_list, read_table, video_path
from synrl.eval.benchmarks.registry import BenchmarkError, register_benchmark
from synrl.eval.sample import EvalSample

LAYOUT = """
From huggingface.co/datasets/lmms-lab/Video-MME (videomme/test-00000-of-00001.parquet, videos_chunked_*.zip):
  Video-MME/videomme/test-00000-of-00001.parquet   (or videomme.json / .jsonl with the same columns)
      columns: video_id, duration (short|medium|long), domain, sub_category, videoID,
               question_id, task_type, question, options ["A. ...", ...], answer ("A")
  Video-MME/data/<videoID>.mp4
Options: duration=short (only that duration; VideoChat-R1 reports the short subset).
"""


@register_benchmark("videomme", kind="multiple_choice", layout=LAYOUT)
def load(root: Path, options: Mapping[str, str]) -> list[EvalSample]:
    table = first_existing(root, ["videomme/test-00000-of-00001.parquet", "videomme.parquet",
                                  "videomme/videomme.json", "videomme.json", "videomme.jsonl"])
    only = options.get("duration")
    samples = []
    for row in read_table(table):
        if only and row["duration"] != only:
            continue
        opts = options_from_list(list(row["options"]))
        answer = str(row["answer"]).strip().upper()
        if answer not in opts:
            raise BenchmarkError(f"videomme {row['question_id']}: answer {answer!r} is not an option")
        samples.append(
            EvalSample(
                id=str(row["question_id"]), benchmark="videomme", video=video_path(root, "data", f"{row['videoID']}.mp4"),
                question=str(row["question"]), answer_type="multiple_choice", answer=answer, options=opts,
                groups={"duration": str(row["duration"]), "task_type": str(row["task_type"]),
                        "domain": str(row.get("domain", ""))},
            )
        )
    return samples
