"""Video-MME (Fu et al., 2024): short/medium/long videos, 4-way multiple choice (without subtitles)."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from synrl.eval.benchmarks.common import options_from_list, read_table, video_path
from synrl.eval.benchmarks.registry import BenchmarkError, register_benchmark
from synrl.eval.sample import EvalSample

LAYOUT = """
From huggingface.co/datasets/lmms-lab/Video-MME (videomme/test-00000-of-00001.parquet, videos_chunked_*.zip
unzipped in place; subtitle.zip is not used):
  Video-MME/videomme/test-00000-of-00001.parquet   2700 rows, columns: video_id ("001"), duration
      (short|medium|long), domain, sub_category, url, videoID (YouTube id), question_id ("001-1"),
      task_type, question, options ["A. ...", "B. ...", "C. ...", "D. ..."], answer ("A")
  Video-MME/data/<videoID>.mp4     (.MP4 or .mkv also accepted)
Options: duration=short (only that duration; VideoChat-R1 reports the short subset).
"""

#: lmms-eval's loader falls back to these extensions too, so some unzipped files carry them.
VIDEO_EXTENSIONS = (".mp4", ".MP4", ".mkv")


def _table(root: Path) -> Path:
    tables = sorted((root / "videomme").glob("test-*.parquet"))
    if not tables:
        raise BenchmarkError(f"missing annotation file {root}/videomme/test-00000-of-00001.parquet")
    return tables[0]


def _video(root: Path, video_id: str) -> str:
    for ext in VIDEO_EXTENSIONS:
        if (root / "data" / f"{video_id}{ext}").exists():
            return video_path(root, "data", f"{video_id}{ext}")
    return video_path(root, "data", f"{video_id}.mp4")


@register_benchmark("videomme", kind="multiple_choice", layout=LAYOUT)
def load(root: Path, options: Mapping[str, str]) -> list[EvalSample]:
    only = options.get("duration")
    samples = []
    for row in read_table(_table(root)):
        if only and row["duration"] != only:
            continue
        opts = options_from_list(list(row["options"]))
        answer = str(row["answer"]).strip().upper()
        if answer not in opts:
            raise BenchmarkError(f"videomme {row['question_id']}: answer {answer!r} is not an option")
        samples.append(
            EvalSample(
                id=str(row["question_id"]), benchmark="videomme", video=_video(root, str(row["videoID"])),
                question=str(row["question"]), answer_type="multiple_choice", answer=answer, options=opts,
                groups={"duration": str(row["duration"]), "task_type": str(row["task_type"]),
                        "domain": str(row.get("domain", ""))},
            )
        )
    return samples
