"""Scoring a run folder: metrics.json, scores.jsonl, report.md, report.html and charts/."""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

from synrl.eval.config import RunConfig
from synrl.eval.metrics import grounding_summary, mean, pass_at_k_mean
from synrl.eval.runner import PREDICTIONS, RUN_JSON, load_run_config, load_samples, read_predictions
from synrl.eval.sample import EvalSample
from synrl.eval.scoring import STATUSES, Scored, score_prediction

METRICS_JSON = "metrics.json"
REPORT_MD = "report.md"
SCORES = "scores.jsonl"
#: Status of a (question, k) the run never answered (interrupted); scored 0 like a failure.
MISSING = "missing"

Item = tuple[EvalSample, list[Scored]]


def summarize(items: list[Item], ks: list[int]) -> dict[str, Any]:
    """Metrics of a group of questions, each with its list of scored samples.

    ``score`` is the mean over questions of the mean over its samples of the per-sample
    score (accuracy, IoU, or MRA). Status counts are over all predictions.
    """
    statuses = Counter(s.status for _, scored in items for s in scored)
    out: dict[str, Any] = {
        "questions": len(items),
        "predictions": sum(len(scored) for _, scored in items),
        "score": mean([mean([s.score for s in scored]) for _, scored in items]),
        **{status: statuses.get(status, 0) for status in (*STATUSES, MISSING)},
    }
    acc = [mean([s.score for s in scored]) for sample, scored in items if sample.metric == "accuracy"]
    if acc:
        out["accuracy"] = mean(acc)
    mra = [mean([s.score for s in scored]) for sample, scored in items if sample.metric == "mra"]
    if mra:
        out["MRA"] = mean(mra)
    grounding = [(s.iou or 0.0, s.iop or 0.0) for sample, scored in items if sample.metric == "grounding"
                 for s in scored]
    if grounding:
        out.update(grounding_summary(grounding))
    counts = [(len(scored), sum(s.correct for s in scored)) for _, scored in items]
    smallest = min((n for n, _ in counts), default=0)
    for k in ks:
        if k <= smallest:
            out[f"pass@{k}"] = pass_at_k_mean(counts, k)
    return out


def score_run(out: Path, ks: list[int] | None = None, lenient: bool | None = None) -> dict[str, Any]:
    """Score ``out`` (a run folder) and write its metrics, scores, table and charts."""
    config = load_run_config(out)
    if lenient is not None:
        config.lenient = lenient
    samples = load_samples(config)
    predictions = read_predictions(out / PREDICTIONS)
    ks = sorted(set(ks or [1]))
    items: list[Item] = []
    with (out / SCORES).open("w", encoding="utf-8") as handle:
        for sample in samples:
            scored = []
            for k in range(config.samples):
                row = predictions.get((sample.id, k))
                if row is None:
                    s = Scored(MISSING, 0.0, False)
                else:
                    s = score_prediction(sample, row.get("completion"), lenient=config.lenient)
                scored.append(s)
                handle.write(json.dumps({"id": sample.id, "k": k, **sample.groups, **s.to_dict(),
                                         "error": (row or {}).get("error")}, ensure_ascii=False) + "\n")
            items.append((sample, scored))
    breakdowns: dict[str, dict[str, list[Item]]] = defaultdict(lambda: defaultdict(list))
    for item in items:
        for key, value in item[0].groups.items():
            breakdowns[key][value].append(item)
    metrics = {
        "benchmark": config.benchmark,
        "model": config.model_label(),
        "settings": json.loads((out / RUN_JSON).read_text())["config"],
        "overall": summarize(items, ks),
        "by": {key: {value: summarize(group, ks) for value, group in sorted(groups.items())}
               for key, groups in sorted(breakdowns.items())},
    }
    (out / METRICS_JSON).write_text(json.dumps(metrics, indent=2))
    (out / REPORT_MD).write_text(markdown(metrics))
    from synrl.eval.charts import run_charts, write_run_report

    write_run_report(out, metrics, run_charts(metrics, items, out / "charts"))
    return metrics


def _columns(summary: dict[str, Any]) -> list[str]:
    keys = ["score"]
    keys += [k for k in ("accuracy", "MRA", "R@0.3", "R@0.5", "R@0.7", "mIoU", "mIoP") if k in summary]
    keys += sorted(k for k in summary if k.startswith("pass@"))
    return keys


def _pct(value: float) -> str:
    return f"{100 * value:.1f}"


def markdown(metrics: dict[str, Any]) -> str:
    """The report: one table for the overall result and one per breakdown."""
    overall = metrics["overall"]
    columns = _columns(overall)
    counts = ["failed", "empty", "unparseable", MISSING]
    header = "| group | questions | " + " | ".join(columns) + " | " + " | ".join(counts) + " |"
    rule = "|" + "---|" * (2 + len(columns) + len(counts))

    def row(name: str, s: dict[str, Any]) -> str:
        values = [_pct(s[c]) if c in s else "-" for c in columns]
        return f"| {name} | {s['questions']} | " + " | ".join(values) + " | " + " | ".join(str(s[c]) for c in counts) + " |"

    settings = metrics["settings"]
    frames = settings["frames"]
    decoding = settings["decoding"]
    lines = [
        f"# {metrics['benchmark']}: {metrics['model']}",
        "",
        f"Backend {settings['backend']}; {frames['num_frames']} frames"
        + (f" at {frames['fps']} fps" if frames.get("fps") else "")
        + f", max {frames['max_pixels']} px; temperature {decoding['temperature']}, top_p {decoding['top_p']}, "
        f"max {decoding['max_new_tokens']} new tokens; {settings['samples']} sample(s) per question. "
        "Scores in %; failed, empty, unparseable and missing predictions score 0 and stay in every denominator.",
        "",
        header, rule, row("overall", overall),
    ]
    for key, groups in metrics["by"].items():
        lines += ["", f"## by {key}", "", header.replace("| group |", f"| {key} |"), rule]
        lines += [row(name, s) for name, s in groups.items()]
    return "\n".join(lines) + "\n"


def write_charts(metrics: dict[str, Any], folder: Path) -> list[Path]:
    """One bar chart of the score per breakdown (PNG and SVG; see :mod:`synrl.eval.charts`)."""
    from synrl.eval.charts import breakdown_chart

    return [path for key in metrics["by"] for path in breakdown_chart(metrics, key, folder)]


__all__ = ["METRICS_JSON", "MISSING", "REPORT_MD", "RunConfig", "markdown", "score_run", "summarize", "write_charts"]
