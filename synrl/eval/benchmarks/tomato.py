"""TOMATO (Shangguan et al., 2025): visual temporal reasoning, six reasoning types."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from synrl.eval.benchmarks.common import read_json, video_path
from synrl.eval.benchmarks.registry import BenchmarkError, register_benchmark
from synrl.eval.sample import EvalSample, letters

LAYOUT = """
From github.com/yale-nlp/TOMATO (data/) and the videos zip linked from its README (Google Drive), unzipped in place:
  TOMATO/data/<reasoning_type>.json   {"0": {"question", "options": [...], "answer": <0-based index into options>,
                                             "key": "0231-04", "demonstration_type", "motion_type", "variation",
                                             "video_source_url", "note"}, "1": ...}
      reasoning types: count, direction, rotation, shape&trend, velocity&frequency, visual_cues
  TOMATO/videos/<demonstration_type>/<key>.mp4    (human, object, simulated)
(huggingface.co/datasets/yale-nlp/TOMATO holds a parquet version of the questions; it is not read here.)
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
