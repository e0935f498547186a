"""TempCompass (Liu et al., 2024): temporal aspects (speed, direction, order, ...) of short clips."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from synrl.eval.benchmarks.common import options_from_list, read_json, video_path
from synrl.eval.benchmarks.registry import BenchmarkError, register_benchmark
from synrl.eval.sample import EvalSample

LAYOUT = """
From github.com/llyx97/TempCompass (questions/) and its videos (huggingface.co/datasets/lmms-lab/TempCompass):
  TempCompass/questions/multi-choice.json   {video_id: {dimension: [{"question": "...\\nA. x\\nB. y", "answer": "A. x"}]}}
  TempCompass/questions/yes_no.json         {video_id: {dimension: [{"question": "...?", "answer": "yes"}]}}
  TempCompass/videos/<video_id>.mp4
Options: formats=multi-choice,yes_no (default: multi-choice).
"""


def _split_question(text: str) -> tuple[str, dict[str, str]]:
    lines = [line for line in text.split("\n") if line.strip()]
    question = [line for line in lines if not (len(line) > 1 and line[0].isupper() and line[1] in ".)")]
    options = [line for line in lines if len(line) > 1 and line[0].isupper() and line[1] in ".)"]
    return "\n".join(question).strip(), options_from_list(options)


@register_benchmark("tempcompass", kind="multiple_choice", layout=LAYOUT)
def load(root: Path, options: Mapping[str, str]) -> list[EvalSample]:
    formats = [f for f in options.get("formats", "multi-choice").split(",") if f.strip()]
    samples = []
    for fmt in formats:
        if fmt not in ("multi-choice", "yes_no"):
            raise BenchmarkError(f"tempcompass: unknown format {fmt!r} (multi-choice, yes_no)")
        data = read_json(root / "questions" / f"{fmt}.json")
        for video_id in sorted(data):
            for dimension in sorted(data[video_id]):
                for index, item in enumerate(data[video_id][dimension]):
                    sid = f"{fmt}-{video_id}-{dimension}-{index}"
                    common = dict(id=sid, benchmark="tempcompass", video=video_path(root, "videos", f"{video_id}.mp4"),
                                  groups={"dimension": dimension, "format": fmt})
                    if fmt == "multi-choice":
                        question, opts = _split_question(str(item["question"]))
                        letter = str(item["answer"]).strip()[:1].upper()
                        if letter not in opts:
                            raise BenchmarkError(f"tempcompass {sid}: answer {item['answer']!r} is not an option")
                        samples.append(EvalSample(question=question, answer_type="multiple_choice", answer=letter,
                                                  options=opts, **common))
                    else:
                        answer = str(item["answer"]).strip().lower()
                        if answer not in ("yes", "no"):
                            raise BenchmarkError(f"tempcompass {sid}: yes/no answer {item['answer']!r}")
                        samples.append(EvalSample(question=str(item["question"]).strip(), answer_type="yes_no",
                                                  answer=answer, **common))
    return samples
