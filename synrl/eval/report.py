"""Scoring a run folder: metrics.json, scores.jsonl, report.md, report.html and charts/."""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

from synrl.eval.config import RunConfig
from synrl.eval.benchmarks.grounding_common import grounded_pair_id
from synrl.eval.metrics import grounded_qa_summary, grounding_summary, mean, pass_at_k_mean
from synrl.eval.runner import PREDICTIONS, RUN_JSON, load_run_config, load_samples, read_predictions
from synrl.eval.sample import EvalSample
from synrl.eval.scoring import STATUSES, TRACKING_CORRECT_IOU, Scored, score_prediction

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
    tracking = [s.score for sample, scored in items if sample.metric == "tracking" for s in scored]
    if tracking:
        out["box_mIoU"] = mean(tracking)
        out["box@0.5"] = mean([float(v >= TRACKING_CORRECT_IOU) for v in tracking])
    counts = [(len(scored), sum(s.correct for s in scored)) for _, scored in items]
    smallest = min((n for n, _ in counts), default=0)
    for k in ks:
        if k <= smallest:
            out[f"pass@{k}"] = pass_at_k_mean(counts, k)
    return out


#: VSI-Bench's eight tasks in the paper's column order, with the paper's column names; the
#: three object_rel_direction difficulty sub-types are averaged into one task first.
VSI_TASKS = {
    "object_counting": "Obj. Count", "object_abs_distance": "Abs. Dist.", "object_size_estimation": "Obj. Size",
    "room_size_estimation": "Room Size", "object_rel_distance": "Rel. Dist.", "object_rel_direction": "Rel. Dir.",
    "route_planning": "Route Plan", "obj_appearance_order": "Appr. Order",
}  # fmt: skip
VSI_REL_DIRECTION = ("object_rel_direction_easy", "object_rel_direction_medium", "object_rel_direction_hard")


def _item_score(scored: list[Scored]) -> float:
    return mean([s.score for s in scored])


def vsibench_headline(items: list[Item]) -> dict[str, float]:
    """The 8 task scores and their mean, as VSI-Bench's ``vsibench_aggregate_results``.

    Task score: accuracy (multiple choice) or MRA (numeric), averaged over its questions;
    object_rel_direction is the mean of its easy/medium/hard sub-type scores (when all three
    are present, as the scorer does); Avg. is the mean over the tasks present, not over
    questions.
    """
    by_type: dict[str, list[float]] = defaultdict(list)
    for sample, scored in items:
        by_type[sample.groups.get("question_type", "")].append(_item_score(scored))
    task_scores = {qtype: mean(values) for qtype, values in by_type.items()}
    if all(t in task_scores for t in VSI_REL_DIRECTION):
        task_scores["object_rel_direction"] = mean([task_scores.pop(t) for t in VSI_REL_DIRECTION])
    out = {name: task_scores[task] for task, name in VSI_TASKS.items() if task in task_scores}
    # Any other type (a sub-type alone) still counts in the average, as in the scorer.
    present = [v for k, v in task_scores.items() if k not in VSI_TASKS] + list(out.values())
    return {"Avg.": mean(present), **out}


def grounded_qa_headline(items: list[Item], layout: str) -> dict[str, float]:
    """NExT-GQA's (mIoP, IoP@0.3/0.5, mIoU, IoU@0.3/0.5, Acc@QA, Acc@GQA) or ReXTime's
    (mIoU, R@0.3/0.5, Acc, Acc@IoU>=0.5) columns; the accuracy columns need task=gqa (or qa)."""
    overlaps = [(s.iou or 0.0, s.iop or 0.0) for sample, scored in items if sample.metric == "grounding"
                for s in scored]
    g = grounding_summary(overlaps) if overlaps else {}
    qa: dict[str, list[Scored]] = {}
    ground: dict[str, list[Scored]] = {}
    plain_qa = []
    for sample, scored in items:
        pair = grounded_pair_id(sample.id)
        if pair is None:
            if sample.metric == "accuracy":
                plain_qa.extend(scored)
            continue
        (qa if pair[1] == "qa" else ground)[pair[0]] = scored
    rows = []
    for key, answers in qa.items():
        spans = ground.get(key, [])
        for k, answer in enumerate(answers):
            span = spans[k] if k < len(spans) else None
            rows.append((answer.correct, (span.iou or 0.0) if span else 0.0, (span.iop or 0.0) if span else 0.0))
    rows += [(s.correct, 0.0, 0.0) for s in plain_qa]
    acc = grounded_qa_summary(rows) if rows else {}
    if layout == "nextgqa":
        columns = {"mIoP": g.get("mIoP"), "IoP@0.3": g.get("IoP@0.3"), "IoP@0.5": g.get("IoP@0.5"),
                   "mIoU": g.get("mIoU"), "IoU@0.3": g.get("R@0.3"), "IoU@0.5": g.get("R@0.5"),
                   "Acc@QA": acc.get("Acc@QA"), "Acc@GQA": acc.get("Acc@GQA") if qa else None}
    else:
        columns = {"mIoU": g.get("mIoU"), "R@0.3": g.get("R@0.3"), "R@0.5": g.get("R@0.5"),
                   "Acc": acc.get("Acc@QA"), "Acc@IoU>=0.5": acc.get("Acc@IoU>=0.5") if qa else None}
    return {k: v for k, v in columns.items() if v is not None}


def _accuracy_by(items: list[Item], key: str, order: tuple[str, ...] = ()) -> dict[str, float]:
    groups: dict[str, list[float]] = defaultdict(list)
    for sample, scored in items:
        groups[sample.groups.get(key, "")].append(_item_score(scored))
    names = [n for n in order if n in groups] + sorted(n for n in groups if n not in order)
    return {name: mean(groups[name]) for name in names}


def headline(benchmark: str, items: list[Item]) -> dict[str, float]:
    """The benchmark's headline numbers in its own published layout (fractions in [0, 1])."""
    if not items:
        return {}
    overall = mean([_item_score(scored) for _, scored in items])
    if benchmark == "vsibench":
        return vsibench_headline(items)
    if benchmark in ("nextgqa", "rextime"):
        return grounded_qa_headline(items, benchmark)
    if benchmark == "charades_sta":
        g = grounding_summary([(s.iou or 0.0, s.iop or 0.0) for _, scored in items for s in scored])
        return {"R@0.3": g["R@0.3"], "R@0.5": g["R@0.5"], "R@0.7": g["R@0.7"], "mIoU": g["mIoU"]}
    if benchmark == "videomme":
        return {**_accuracy_by(items, "duration", ("short", "medium", "long")), "Overall": overall}
    if benchmark == "mvbench":
        return {"Avg.": overall, **_accuracy_by(items, "task")}
    if benchmark == "tempcompass":
        dims = ("action", "speed", "direction", "order", "attribute_change")
        return {**_accuracy_by(items, "dimension", dims), "Avg.": overall}
    if benchmark == "tomato":
        order = ("rotation", "direction", "velocity&frequency", "shape&trend", "visual_cues", "count")
        return {**_accuracy_by(items, "reasoning_type", order), "Overall": overall}
    return {"score": overall}


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
                    s = score_prediction(sample, row.get("completion"), lenient=config.lenient,
                                         reversed_intervals=config.reversed_intervals)
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
        "headline": headline(config.benchmark, items),
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
    keys += [k for k in ("accuracy", "MRA", "R@0.3", "R@0.5", "R@0.7", "mIoU", "mIoP", "IoP@0.3", "IoP@0.5")
             if k in summary]
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
    ]
    head = metrics.get("headline") or {}
    if head:
        lines += [f"## {metrics['benchmark']} headline (the benchmark's own layout)", "",
                  "| " + " | ".join(head) + " |", "|" + "---|" * len(head),
                  "| " + " | ".join(_pct(v) for v in head.values()) + " |", "", "## all metrics", ""]
    lines += [header, rule, row("overall", overall)]
    for key, groups in metrics["by"].items():
        lines += ["", f"## by {key}", "", header.replace("| group |", f"| {key} |"), rule]
        lines += [row(name, s) for name, s in groups.items()]
    return "\n".join(lines) + "\n"


def write_charts(metrics: dict[str, Any], folder: Path) -> list[Path]:
    """One bar chart of the score per breakdown (PNG and SVG; see :mod:`synrl.eval.charts`)."""
    from synrl.eval.charts import breakdown_chart

    return [path for key in metrics["by"] for path in breakdown_chart(metrics, key, folder)]


__all__ = ["METRICS_JSON", "MISSING", "REPORT_MD", "RunConfig", "grounded_qa_headline", "headline", "markdown",
           "score_run", "summarize", "vsibench_headline", "write_charts"]
