"""TOMATO (Shangguan et al., 2025): visual temporal reasoning, six reasoning types."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from synrl.eval.benchmarks.common import read_json, video_path
from synrl.eval.benchmarks.registry import BenchmarkError, register_benchmark
from synrl.eval.sample import EvalSample, letters

LAYOUT = """
From github.com/yale-nlp/TOMATO (data/) and its videos (huggingface.co/datasets/yale-nlp/TOMATO, videos.zip):
  TOMATO/data/<reasoning_type>.json   {id: {"question", "options": [...], "answer": <index>, "key",
                                            "demonstration_type", ...}}
      reasoning types: count, direction, rotation, shape&trend, velocity&frequency, visual_cues
  TOMATO/videos/<demonstration_type>/<key>.mp4    (human, object, simulated)
"""

REASONING_TYPES = ("count", "direction", "rotation", "shape&trend", "velocity&frequency", "visual_cues")


@register_benchmark("tomato", kind="multiple_choice", layout=LAYOUT)
def load(root: Path, options: Mapping[str, str]) -> list[EvalSample]:
    types = [t for t in REASONING_TYPES if (root / "data" / f"{t}.json").is_file()]
    if not types:
        raise BenchmarkError(f"{root}/data has none of {', '.join(REASONING_TYPES)} (.json)")
    samples = []
    for reasoning in types:
        data = read_json(root / "data" / f"{reasoning}.json")
        for qid in sorted(data, key=lambda k: (len(k), k)):
            item = data[qid]
            choices = [str(o) for o in item["options"]]
            opts = dict(zip(letters(len(choices)), choices))
            index = int(item["answer"])
            if not 0 <= index < len(choices):
                raise BenchmarkError(f"tomato {reasoning}/{qid}: answer index {index} out of range")
            demo = str(item["demonstration_type"])
            samples.append(
                EvalSample(
                    id=f"{reasoning}-{qid}", benchmark="tomato",
                    video=video_path(root, "videos", demo, f"{item['key']}.mp4"),
                    question=str(item["question"]), answer_type="multiple_choice", answer=letters(len(choices))[index],
                    options=opts, groups={"reasoning_type": reasoning, "demonstration_type": demo},
                )
            )
    return samples
