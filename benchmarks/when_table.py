"""The README's table of "when" answers per task: how long the asked intervals are and where
they fall in the clip (records only, no pixels).

    python benchmarks/when_table.py [--per-task 50] [--difficulties 1,2,3,4,5]
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np

from synrl.config import GenerateConfig, VideoOptions
from synrl.generate import build_sample, requests_for
from synrl.suite._when.family import NAMERS


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--per-task", type=int, default=50)
    parser.add_argument("--difficulties", default="1,2,3,4,5")
    args = parser.parse_args()
    levels = [int(d) for d in args.difficulties.split(",")]
    print("| task | n | instants | mean length (s) | length / clip | midpoint in clip: 10th / 50th / 90th percentile | midpoints in the middle fifth |")
    print("|---|---|---|---|---|---|---|")
    for task in sorted(NAMERS.names()):
        records = []
        for level in levels:
            share = args.per_task // len(levels) + (1 if level == levels[0] and args.per_task % len(levels) else 0)
            config = GenerateConfig(tasks=[task], per_task=max(1, share), out=Path("/x"), difficulty=level,
                                    video=VideoOptions(), question_types=["when"])
            records += [build_sample(r).record for r in requests_for(config)]
        lengths = np.array([r["answer"][1] - r["answer"][0] for r in records])
        clips = np.array([r["video"]["duration_ms"] / 1000 for r in records])
        mids = np.array([(r["answer"][0] + r["answer"][1]) / 2 for r in records]) / clips
        instants = sum(bool(r["query"]["instant"]) for r in records)
        p10, p50, p90 = (100 * np.percentile(mids, q) for q in (10, 50, 90))
        middle = 100 * np.mean((mids >= 0.4) & (mids <= 0.6))
        print(f"| `{task}` | {len(records)} | {instants} | {lengths.mean():.2f} | {100 * (lengths / clips).mean():.0f}% "
              f"| {p10:.0f}% / {p50:.0f}% / {p90:.0f}% | {middle:.0f}% |")


if __name__ == "__main__":
    main()
