"""Charades-STA (Gao et al., 2017): sentence -> moment grounding on Charades videos."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from synrl.eval.benchmarks.common import first_existing, video_path
from synrl.eval.benchmarks.grounding_common import grounding_question
from synrl.eval.benchmarks.registry import BenchmarkError, register_benchmark
from synrl.eval.sample import EvalSample

LAYOUT = """
Annotations: charades_sta_test.txt (3720 queries) as published with TALL (Gao et al., 2017; the TALL repository
links it but holds no copy): e.g. github.com/microsoft/VideoX, 2D-TAN/data/Charades-STA/charades_sta_test.txt.
Videos: prior.allenai.org/projects/charades, "Data (scaled to 480p)":
  Charades-STA/charades_sta_test.txt    one line per query: "<video_id> <start_s> <end_s>##<sentence>",
                                        e.g. "3MSZA 24.3 30.4##person turn a light on."
  Charades-STA/Charades_v1_480/<video_id>.mp4
"""


@register_benchmark("charades_sta", kind="grounding", layout=LAYOUT)
def load(root: Path, options: Mapping[str, str]) -> list[EvalSample]:
    path = first_existing(root, [options.get("annotations", "charades_sta_test.txt"), "charades_sta_test.txt"])
    samples = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        head, sep, sentence = line.partition("##")
        parts = head.split()
        if not sep or len(parts) != 3:
            raise BenchmarkError(f"{path}:{n}: expected '<video> <start> <end>##<sentence>', got {line!r}")
        vid, start, end = parts[0], float(parts[1]), float(parts[2])
        if end < start:
            raise BenchmarkError(f"{path}:{n}: end {end} before start {start}")
        samples.append(
            EvalSample(
                id=f"{vid}-{n:05d}", benchmark="charades_sta", video=video_path(root, "Charades_v1_480", f"{vid}.mp4"),
                question=grounding_question(sentence), answer_type="interval", answer=[[start, end]],
                metric="grounding", groups={},
            )
        )
    return samples
