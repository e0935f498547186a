"""The paper's reported numbers (``paper_reference.json``) and the suite table printed beside them.

The table follows the paper's layout: Table 1 (TOMATO, Video-TT, MVBench, VideoMME,
TemporalBench binary / multiple-binary), Table 2 (AoTBench, Vinoground, VideoMMMU, VCR-Bench,
CVBench, TVBench, Minerva), Table 3 (NExT-GQA and ReXTime R@0.3/0.5/0.7, mIoU, plus mIoP,
which the paper only plots), Table 4 (Charades-STA) and the ablation benchmarks (VSI-Bench,
Table 9; TempCompass). Every reference number keeps the table it was printed in.
"""

from __future__ import annotations

import json
from functools import lru_cache
from importlib import resources
from typing import Any

#: The table blocks of the suite table: (title, columns).
TABLE_BLOCKS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Table 1: complex reasoning and comprehensive video understanding",
     ("TOMATO", "Video-TT", "MVBench", "VideoMME", "TemporalBench Binary Acc.", "TemporalBench Multiple Binary Acc.")),
    ("Table 2: general video QA and complex reasoning",
     ("AoTBench", "Vinoground", "VideoMMMU", "VCR-Bench", "CVBench", "TVBench", "Minerva")),
    ("Table 3: temporal grounding (NExT-GQA, ReXTime; mIoP as in Figure 4)",
     ("NExT-GQA R@0.3", "NExT-GQA R@0.5", "NExT-GQA R@0.7", "NExT-GQA mIoU", "NExT-GQA mIoP",
      "ReXTime R@0.3", "ReXTime R@0.5", "ReXTime R@0.7", "ReXTime mIoU", "ReXTime mIoP")),
    ("Table 4: temporal grounding (Charades-STA)",
     ("Charades R@0.3", "Charades R@0.5", "Charades R@0.7", "Charades mIoU")),
    ("Ablation benchmarks (VSI-Bench: Table 9; TempCompass)", ("VSI-Bench", "TempCompass")),
)


@lru_cache(maxsize=1)
def reference() -> dict[str, Any]:
    """The parsed ``paper_reference.json``."""
    return json.loads(resources.files("synrl.eval").joinpath("paper_reference.json").read_text(encoding="utf-8"))


def reference_rows() -> list[dict[str, Any]]:
    """Each reference row as ``{"label", "kind", "values": {column: (value %, table)}}``."""
    rows = []
    for row in reference()["rows"]:
        values: dict[str, tuple[float, str]] = {}
        for table, columns in row["values"].items():
            for column, value in columns.items():
                values.setdefault(column, (float(value), table))
        rows.append({"label": row["label"], "kind": row["kind"], "values": values})
    return rows


def _cell(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f}"


def markdown_table(result: dict[str, Any]) -> str:
    """A suite run's row beside the paper's reference rows, one block per paper table.

    Every column of the suite is shown; a benchmark that was not run shows ``missing`` or
    ``failed`` in its cells (why: in the status list below the tables), a column the paper
    gives no number for shows ``-``.
    """
    from synrl.eval.suite import run_row

    row = run_row(result)
    status = {}
    for entry in result["benchmarks"]:
        for column in _entry_columns(entry, result):
            status[column] = entry["status"]
    refs = reference_rows()
    lines = [f"# Suite {result['suite']}: {result['model']}", "",
             "Scores in %. Reference rows: the SynRL paper's numbers, each with the table it is printed in. "
             "`missing`: the benchmark's folder was not found; `failed`: it ran and failed (see below); "
             "`-`: no number.", ""]
    for title, columns in TABLE_BLOCKS:
        shown = [c for c in columns if c in row]
        if not shown:
            continue
        lines += [f"## {title}", "", "| model | " + " | ".join(shown) + " | from |", "|" + "---|" * (len(shown) + 2)]
        cells = []
        for column in shown:
            value = row[column]
            if value is not None:
                cells.append(f"**{100 * value:.1f}**")
            else:
                cells.append(status.get(column) if status.get(column) in ("missing", "failed") else "-")
        lines.append("| **this run** | " + " | ".join(cells) + " | |")
        for ref in refs:
            values = [ref["values"].get(c) for c in shown]
            if not any(values):
                continue
            tables = sorted({v[1] for v in values if v})
            lines.append(f"| {ref['label']} | " + " | ".join(_cell(v[0] if v else None) for v in values)
                         + f" | {', '.join(tables)} |")
        lines.append("")
    lines += ["## Benchmarks", "", "| benchmark | route | status | frames | max pixels | frame protocol | note |",
              "|---|---|---|---|---|---|---|"]
    for entry in result["benchmarks"]:
        f = entry["frames"]
        frames = f"{f['num_frames']}" + (f" @ {f['fps']} fps" if f.get("fps") else "")
        note = (entry.get("error") or "").replace("|", "\\|")
        lines.append(f"| {entry['title']} | {entry['route']} | {entry['status']} | {frames} | {f['max_pixels']} | "
                     f"{f['source']} | {note} |")
    lines += ["", "Reference notes:", ""] + [f"- {n}" for n in reference()["notes"]]
    return "\n".join(lines) + "\n"


def _entry_columns(entry: dict[str, Any], result: dict[str, Any]) -> list[str]:
    from synrl.eval.suite import SUITES

    for bench in SUITES.get(result["suite"], ()):
        if bench.key == entry["key"]:
            return list(bench.columns)
    return list(entry["columns"])


def compare_table(a: dict[str, Any], b: dict[str, Any], names: tuple[str, str] = ("A", "B")) -> str:
    """Two suite runs side by side in the paper's layout: per paper table, a row for A, one for B
    and one for B - A (points), every column of the suite; a column one run lacks shows its
    status (``missing`` / ``failed``) and no delta. The paper's rows for the same columns follow,
    so both runs can be read against them."""
    from synrl.eval.suite import run_row

    rows = {name: run_row(result) for name, result in zip(names, (a, b))}
    status = {name: _column_status(result) for name, result in zip(names, (a, b))}
    columns = [c for c in a["columns"] if c in b["columns"]]
    only = sorted(set(a["columns"]) ^ set(b["columns"]))
    lines = [f"# Suite {a['suite']}: {names[0]} = {a['model']}, {names[1]} = {b['model']}", "",
             f"Scores in %; Δ = {names[1]} - {names[0]} in points. `missing` / `failed`: the run did not give "
             "the column (see each run's table.md).", ""]
    if a["suite"] != b["suite"]:
        lines += [f"Warning: different suites ({a['suite']} vs {b['suite']}).", ""]
    refs = reference_rows()
    for title, block in TABLE_BLOCKS:
        shown = [c for c in block if c in columns]
        if not shown:
            continue
        lines += [f"## {title}", "", "| run | " + " | ".join(shown) + " |", "|" + "---|" * (len(shown) + 1)]
        for name in names:
            cells = [f"{100 * v:.1f}" if (v := rows[name].get(c)) is not None else status[name].get(c, "-")
                     for c in shown]
            lines.append(f"| {name} | " + " | ".join(cells) + " |")
        deltas = []
        for c in shown:
            va, vb = rows[names[0]].get(c), rows[names[1]].get(c)
            deltas.append(f"**{100 * (vb - va):+.1f}**" if va is not None and vb is not None else "-")
        lines.append("| Δ | " + " | ".join(deltas) + " |")
        for ref in refs:
            values = [ref["values"].get(c) for c in shown]
            if any(values):
                lines.append(f"| {ref['label']} (paper) | " + " | ".join(_cell(v[0] if v else None) for v in values)
                             + " |")
        lines.append("")
    if only:
        lines += [f"Columns in one run only: {', '.join(only)}.", ""]
    return "\n".join(lines)


def _column_status(result: dict[str, Any]) -> dict[str, str]:
    """Column -> ``missing`` / ``failed`` for the columns of the benchmarks a run did not complete."""
    status = {}
    for entry in result["benchmarks"]:
        if entry["status"] != "ok":
            for column in _entry_columns(entry, result):
                status[column] = entry["status"]
    return status
