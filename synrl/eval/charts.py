"""Charts and the HTML report of an evaluation run, and of a comparison of two runs.

Every chart is written twice, as PNG (to look at) and SVG (to put in a paper or a page),
with matplotlib's Agg backend; SVGs carry no date and fixed element ids, so the same metrics
give the same bytes. The HTML reports (Jinja2) inline the SVGs, so each is one file that
opens anywhere.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from synrl.eval.metrics import mean, pass_at_k

REPORT_HTML = "report.html"
COMPARE_HTML = "compare.html"
CHARTS = "charts"
#: IoU thresholds of the grounding recall curve (R@IoU for IoU in 0.05 .. 1.0).
IOU_GRID = tuple(round(0.05 * i, 2) for i in range(1, 21))
#: Breakdowns charted first, in this order; any other breakdown follows alphabetically.
BREAKDOWN_ORDER = ("task", "primitive", "family", "answer_type")
COLORS = ("#4C72B0", "#DD8452", "#55A868", "#C44E52", "#8172B3", "#937860")


def _pyplot():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    # Fixed ids and no timestamp: SVGs of the same numbers are byte-identical.
    matplotlib.rcParams["svg.hashsalt"] = "synrl"
    matplotlib.rcParams["svg.fonttype"] = "none"
    return plt


def _save(fig, folder: Path, name: str) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    png, svg = folder / f"{name}.png", folder / f"{name}.svg"
    fig.savefig(png, dpi=100, metadata={"Software": None})
    fig.savefig(svg, metadata={"Date": None, "Creator": None})
    import matplotlib.pyplot as plt

    plt.close(fig)
    return [png, svg]


def _breakdowns(metrics: dict[str, Any]) -> list[str]:
    keys = list(metrics.get("by", {}))
    return [k for k in BREAKDOWN_ORDER if k in keys] + sorted(k for k in keys if k not in BREAKDOWN_ORDER)


def breakdown_chart(metrics: dict[str, Any], key: str, folder: Path) -> list[Path]:
    """Horizontal bars of the score per group of ``key`` (with n), the overall score as a line."""
    plt = _pyplot()
    groups = metrics["by"][key]
    names = list(groups)
    scores = [100 * groups[n]["score"] for n in names]
    fig, ax = plt.subplots(figsize=(6.4, max(1.6, 0.32 * len(names) + 1.1)))
    ax.barh(range(len(names)), scores, color=COLORS[0], height=0.7)
    ax.axvline(100 * metrics["overall"]["score"], color=COLORS[3], linestyle="--", linewidth=1,
               label=f"overall {100 * metrics['overall']['score']:.1f}%")
    for y, (name, score) in enumerate(zip(names, scores)):
        ax.text(min(score + 1, 88), y, f"{score:.1f} (n={groups[name]['questions']})", va="center", fontsize=7)
    ax.set_yticks(range(len(names)), names, fontsize=8)
    ax.invert_yaxis()
    ax.set_xlim(0, 100)
    ax.set_xlabel("score (%)")
    ax.set_title(f"{metrics['benchmark']} by {key}: {metrics['model']}", fontsize=9)
    ax.legend(fontsize=7, loc="lower right")
    fig.tight_layout()
    return _save(fig, folder, f"by_{key}")


def recall_curve(ious: Sequence[float], thresholds: Sequence[float] = IOU_GRID) -> list[float]:
    """R@IoU: the fraction of predictions with IoU >= t, for each threshold t."""
    return [mean([1.0 if iou >= t - 1e-12 else 0.0 for iou in ious]) for t in thresholds]


def grounding_chart(curves: dict[str, Sequence[float]], title: str, folder: Path,
                    name: str = "grounding_recall") -> list[Path]:
    """R@IoU curves (one per label; each a list of per-prediction IoUs, failures as 0)."""
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(5.2, 3.6))
    for n, (label, ious) in enumerate(curves.items()):
        ax.plot(IOU_GRID, [100 * r for r in recall_curve(ious)], marker="o", markersize=3,
                color=COLORS[n % len(COLORS)], label=f"{label} (mIoU {100 * mean(list(ious)):.1f})")
    for t in (0.3, 0.5, 0.7):
        ax.axvline(t, color="#999999", linewidth=0.6, linestyle=":")
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 100)
    ax.set_xlabel("IoU threshold")
    ax.set_ylabel("R@IoU (%)")
    ax.set_title(title, fontsize=9)
    ax.legend(fontsize=7)
    fig.tight_layout()
    return _save(fig, folder, name)


def pass_at_k_curve(counts: Sequence[tuple[int, int]]) -> list[float]:
    """Mean unbiased pass@k for k = 1 .. the smallest number of samples per question."""
    smallest = min((n for n, _ in counts), default=0)
    return [mean([pass_at_k(n, c, k) for n, c in counts]) for k in range(1, smallest + 1)]


def pass_at_k_chart(curves: dict[str, Sequence[float]], title: str, folder: Path) -> list[Path]:
    """pass@k against k, one line per label."""
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(5.2, 3.6))
    for n, (label, values) in enumerate(curves.items()):
        ks = list(range(1, len(values) + 1))
        ax.plot(ks, [100 * v for v in values], marker="o", markersize=3, color=COLORS[n % len(COLORS)],
                label=label)
    longest = max(len(v) for v in curves.values())
    ax.set_xticks(range(1, longest + 1))
    ax.set_ylim(0, 100)
    ax.set_xlabel("k (samples per question)")
    ax.set_ylabel("pass@k (%)")
    ax.set_title(title, fontsize=9)
    ax.legend(fontsize=7)
    fig.tight_layout()
    return _save(fig, folder, "pass_at_k")


def run_charts(metrics: dict[str, Any], items: Sequence[tuple[Any, Sequence[Any]]], folder: Path) -> list[Path]:
    """All charts of one scored run: per breakdown, grounding recall, pass@k.

    ``items`` are (EvalSample, scored samples) pairs as scored by ``synrl.eval.report``.
    """
    paths: list[Path] = []
    for key in _breakdowns(metrics):
        paths += breakdown_chart(metrics, key, folder)
    # Grounding: every prediction of a grounding or interval question, failures as IoU 0.
    ious = [s.iou or 0.0 for sample, scored in items
            if sample.metric == "grounding" or sample.answer_type == "interval" for s in scored]
    if ious:
        paths += grounding_chart({metrics["model"]: ious}, f"{metrics['benchmark']}: recall at IoU", folder)
    counts = [(len(scored), sum(s.correct for s in scored)) for _, scored in items]
    if counts and min(n for n, _ in counts) >= 2:
        curves = {"overall": pass_at_k_curve(counts)}
        if len(metrics.get("by", {}).get("family", {})) > 1:
            for family in metrics["by"]["family"]:
                group = [(len(sc), sum(s.correct for s in sc)) for sample, sc in items
                         if sample.groups.get("family") == family]
                curves[family] = pass_at_k_curve(group)
        paths += pass_at_k_chart(curves, f"{metrics['benchmark']}: pass@k, {metrics['model']}", folder)
    return paths


def compare_charts(a: dict[str, Any], b: dict[str, Any], names: tuple[str, str], folder: Path) -> list[Path]:
    """Per shared breakdown: A and B side by side, and the delta B - A in points."""
    plt = _pyplot()
    paths: list[Path] = []
    for key in _breakdowns(a):
        shared = [g for g in a["by"][key] if g in b.get("by", {}).get(key, {})]
        if not shared:
            continue
        sa = [100 * a["by"][key][g]["score"] for g in shared]
        sb = [100 * b["by"][key][g]["score"] for g in shared]
        height = max(1.8, 0.42 * len(shared) + 1.2)
        fig, (left, right) = plt.subplots(1, 2, figsize=(9.6, height), sharey=True,
                                          gridspec_kw={"width_ratios": [3, 2]})
        ys = range(len(shared))
        left.barh([y - 0.2 for y in ys], sa, height=0.4, color=COLORS[0], label=names[0])
        left.barh([y + 0.2 for y in ys], sb, height=0.4, color=COLORS[1], label=names[1])
        left.set_yticks(list(ys), shared, fontsize=8)
        left.invert_yaxis()
        left.set_xlim(0, 100)
        left.set_xlabel("score (%)")
        left.legend(fontsize=7, loc="lower right")
        deltas = [vb - va for va, vb in zip(sa, sb)]
        right.barh(list(ys), deltas, height=0.6, color=[COLORS[2] if d >= 0 else COLORS[3] for d in deltas])
        right.axvline(0, color="black", linewidth=0.8)
        bound = max(5.0, max(abs(d) for d in deltas) * 1.4)  # room for the labels
        right.set_xlim(-bound, bound)
        for y, d in zip(ys, deltas):
            right.text(d, y, f" {d:+.1f} ", va="center", ha="left" if d >= 0 else "right", fontsize=7)
        right.set_xlabel(f"Δ {names[1]} - {names[0]} (points)")
        fig.suptitle(f"{a['benchmark']} by {key}: {names[0]} vs {names[1]}", fontsize=9)
        fig.tight_layout()
        paths += _save(fig, folder, f"compare_by_{key}")
    metric_keys = [k for k in ("R@0.3", "R@0.5", "R@0.7", "mIoU") if k in a["overall"] and k in b["overall"]]
    if metric_keys:
        fig, ax = plt.subplots(figsize=(5.2, 3.4))
        xs = range(len(metric_keys))
        ax.bar([x - 0.2 for x in xs], [100 * a["overall"][k] for k in metric_keys], width=0.4, color=COLORS[0],
               label=names[0])
        ax.bar([x + 0.2 for x in xs], [100 * b["overall"][k] for k in metric_keys], width=0.4, color=COLORS[1],
               label=names[1])
        ax.set_xticks(list(xs), metric_keys)
        ax.set_ylim(0, 100)
        ax.set_ylabel("%")
        ax.set_title(f"{a['benchmark']}: grounding", fontsize=9)
        ax.legend(fontsize=7)
        fig.tight_layout()
        paths += _save(fig, folder, "compare_grounding")
    return paths


def _environment():
    import jinja2

    return jinja2.Environment(loader=jinja2.PackageLoader("synrl.eval", "templates"),
                              autoescape=jinja2.select_autoescape(("html", "j2")),
                              undefined=jinja2.StrictUndefined, keep_trailing_newline=True,
                              trim_blocks=True, lstrip_blocks=True)


def _inline_svg(path: Path) -> str:
    """The SVG element of a chart file, without its XML prologue, to inline in HTML."""
    text = path.read_text(encoding="utf-8")
    return text[text.index("<svg"):]


def _columns(summary: dict[str, Any]) -> list[str]:
    keys = ["score"]
    keys += [k for k in ("accuracy", "MRA", "R@0.3", "R@0.5", "R@0.7", "mIoU", "mIoP") if k in summary]
    return keys + sorted((k for k in summary if k.startswith("pass@")), key=lambda k: int(k[5:]))


def _charts_for_html(paths: Sequence[Path], root: Path) -> list[dict[str, str]]:
    return [{"name": p.stem, "svg": _inline_svg(p), "png": p.with_suffix(".png").relative_to(root).as_posix()}
            for p in paths if p.suffix == ".svg"]


def write_run_report(out: Path, metrics: dict[str, Any], chart_paths: Sequence[Path]) -> Path:
    """``out/report.html``: settings, tables per breakdown and the charts, inlined."""
    columns = _columns(metrics["overall"])
    html = _environment().get_template("report.html.j2").render(
        metrics=metrics, columns=columns, breakdowns=_breakdowns(metrics),
        counts=("failed", "empty", "unparseable", "missing"),
        settings_json=json.dumps(metrics["settings"], indent=1), charts=_charts_for_html(chart_paths, out))
    path = out / REPORT_HTML
    path.write_text(html, encoding="utf-8")
    return path


def write_compare_report(out: Path, a: dict[str, Any], b: dict[str, Any], names: tuple[str, str]) -> list[Path]:
    """``out/compare.html`` and ``out/charts/compare_*``: A vs B with deltas."""
    chart_paths = compare_charts(a, b, names, out / CHARTS)
    keys = [k for k in _columns(a["overall"]) if k in b["overall"]]
    rows = [("overall", a["overall"], b["overall"])]
    for key in _breakdowns(a):
        for group in a["by"][key]:
            if group in b.get("by", {}).get(key, {}):
                rows.append((f"{key}: {group}", a["by"][key][group], b["by"][key][group]))
    html = _environment().get_template("compare.html.j2").render(
        a=a, b=b, names=names, keys=keys, rows=rows, charts=_charts_for_html(chart_paths, out))
    path = out / COMPARE_HTML
    path.write_text(html, encoding="utf-8")
    return [*chart_paths, path]
