"""Side-by-side table of two scored runs with deltas."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from synrl.eval.report import METRICS_JSON

METRIC_KEYS = ("score", "accuracy", "MRA", "R@0.3", "R@0.5", "R@0.7", "mIoU", "mIoP")


def load_metrics(run: Path) -> dict[str, Any]:
    path = run / METRICS_JSON if run.is_dir() else run
    if not path.is_file():
        raise FileNotFoundError(f"{path}: no metrics; run `synrl eval report {run}` first")
    return json.loads(path.read_text())


def compare(a: dict[str, Any], b: dict[str, Any], names: tuple[str, str] = ("A", "B")) -> str:
    """A markdown table: every group both runs have, A, B and B - A in points."""
    keys = [k for k in METRIC_KEYS if k in a["overall"] and k in b["overall"]]
    keys += sorted(k for k in a["overall"] if k.startswith("pass@") and k in b["overall"])
    head = "| group | n | " + " | ".join(f"{k} {names[0]} | {k} {names[1]} | Δ {k}" for k in keys) + " |"
    rule = "|" + "---|" * (2 + 3 * len(keys))

    def row(label: str, sa: dict[str, Any], sb: dict[str, Any]) -> str:
        cells = []
        for k in keys:
            if k not in sa or k not in sb:  # a group without this metric (e.g. no numeric questions)
                cells.append("- | - | -")
                continue
            va, vb = 100 * sa[k], 100 * sb[k]
            cells.append(f"{va:.1f} | {vb:.1f} | {vb - va:+.1f}")
        n = str(sa["questions"]) if sa["questions"] == sb["questions"] else f"{sa['questions']}/{sb['questions']}"
        return f"| {label} | {n} | " + " | ".join(cells) + " |"

    lines = [f"# {a['benchmark']}: {names[0]} = {a['model']}, {names[1]} = {b['model']}", "",
             "Scores in %; Δ = B - A in points.", "", head, rule, row("overall", a["overall"], b["overall"])]
    for key in a["by"]:
        shared = [g for g in a["by"][key] if g in b.get("by", {}).get(key, {})]
        for group in shared:
            lines.append(row(f"{key}: {group}", a["by"][key][group], b["by"][key][group]))
    if a["benchmark"] != b["benchmark"]:
        lines.insert(1, f"\nWarning: different benchmarks ({a['benchmark']} vs {b['benchmark']}).")
    return "\n".join(lines) + "\n"
