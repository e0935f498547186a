"""The temporal necessity probe over the short-term tasks (the README's probe table).

Per task: a train and a test set through the generator, one classifier per condition
(ordered, shuffled, single frame), scored per question form. Writes probe.json, probe.md
and probe.png to --out, and the CPU time per task. Tasks can be split over processes
(--tasks) and the reports merged (--merge DIR ...). Usage:
    nice -n 10 python benchmarks/bench_probe.py [--tasks a,b] [--per-task 400] \\
        [--test-per-task 200] [--frames 8] [--epochs 25] [--out /tmp/probe]
    python benchmarks/bench_probe.py --merge /tmp/probe-a /tmp/probe-b --out /tmp/probe
"""

from __future__ import annotations

import argparse
import json
import platform
import time
from pathlib import Path

from synrl.probe import ProbeConfig, run_probe
from synrl.probe.model import ModelConfig
from synrl.suite import get_task, task_ids


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tasks", default=None, help="comma-separated (default: short-term)")
    parser.add_argument("--per-task", type=int, default=400)
    parser.add_argument("--test-per-task", type=int, default=200)
    parser.add_argument("--size", type=int, default=64)
    parser.add_argument("--render-size", type=int, default=None,
                        help="draw clips this large, then shrink them to --size")
    parser.add_argument("--frames", type=int, default=8)
    parser.add_argument("--epochs", type=int, default=25)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--merge", nargs="*", type=Path, default=None,
                        help="merge the probe.json of these folders instead of running")
    parser.add_argument("--out", type=Path, default=Path("/tmp/probe"))
    args = parser.parse_args()
    if args.merge:
        merged = merge([json.loads((d / "probe.json").read_text()) for d in args.merge])
        args.out.mkdir(parents=True, exist_ok=True)
        (args.out / "probe.json").write_text(json.dumps(merged, indent=1, sort_keys=True) + "\n")
        print(f"merged {len(args.merge)} reports into {args.out / 'probe.json'}")
        return
    tasks = (args.tasks.split(",") if args.tasks else
             [t for t in task_ids() if get_task(t).family == "short_term"])
    config = ProbeConfig(tuple(tasks), per_task=args.per_task, test_per_task=args.test_per_task,
                         size=args.size, render_size=args.render_size, frames=args.frames, seed=args.seed,
                         threads=args.threads, model=ModelConfig(epochs=args.epochs))
    wall = time.perf_counter()
    report = run_probe(config, log=lambda line: print(line, flush=True))
    report.timing = {"wall_s": round(time.perf_counter() - wall, 1),
                     "machine": f"{platform.machine()} {platform.processor() or ''}".strip()}
    paths = report.write(args.out)
    print(report.markdown())
    print("CPU s per task:", {t["task"]: t["cpu_s"] for t in report.tasks})
    print("written:", ", ".join(str(p) for p in paths.values()))


def merge(reports: list[dict]) -> dict:
    """One report of several runs of the same config over different tasks."""
    first = reports[0]
    out = {**first, "tasks": [], "results": [], "timing": {"cpu_s": {}, "wall_s": []}}
    for report in reports:
        out["config"]["tasks"] = out["config"]["tasks"] + [
            t for t in report["config"]["tasks"] if t not in out["config"]["tasks"]]
        out["tasks"] += report["tasks"]
        out["results"] += report["results"]
        out["timing"]["cpu_s"].update(report["timing"].get("cpu_s", {}))
        out["timing"]["wall_s"].append(report["timing"].get("wall_s"))
    return out


if __name__ == "__main__":
    main()
