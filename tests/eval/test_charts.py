"""Charts (PNG + SVG) and HTML reports of `synrl eval run` and `synrl eval compare`."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from typer.testing import CliRunner

pytest.importorskip("matplotlib")
from PIL import Image  # noqa: E402

from synrl.eval.charts import (IOU_GRID, pass_at_k_curve, recall_curve,  # noqa: E402
                               run_charts, write_run_report)
from synrl.cli.eval import eval_app  # noqa: E402
from synrl.eval.report import summarize  # noqa: E402
from synrl.eval.sample import EvalSample  # noqa: E402
from synrl.eval.scoring import Scored  # noqa: E402
from synrl.qa import answer_for, user_prompt  # noqa: E402
from synrl.dataset import load_dataset  # noqa: E402
from tests.cot.fake_openai import FakeChatServer, Reply, last_user_text  # noqa: E402

runner = CliRunner()


def _check_chart(folder: Path, name: str) -> None:
    png, svg = folder / f"{name}.png", folder / f"{name}.svg"
    with Image.open(png) as image:
        assert image.format == "PNG" and image.width > 300 and image.height > 100
    root = ET.parse(svg).getroot()
    assert root.tag.endswith("svg")
    assert "Date" not in svg.read_text()[:2000]  # no timestamp: same numbers, same bytes


def _run(suite: Path, out: Path, samples: int, right) -> None:
    """Score a run of a fake model; ``right(record, k)`` says whether sample k is answered right."""
    records = {user_prompt(r): r for r in load_dataset(suite)}

    def handler(request: dict) -> Reply:
        text = last_user_text(request)
        record = next(r for prompt, r in records.items() if text.endswith(prompt))
        k = request.get("seed", 0)
        return Reply(content=f"<answer>{answer_for(record) if right(record, k) else 'nothing'}</answer>")

    with FakeChatServer(handler) as server:
        result = runner.invoke(eval_app, [
            "run", "synthetic", "--data", str(suite), "--out", str(out), "--base-url", server.url,
            "--num-frames", "2", "--max-pixels", "4096", "--temperature", "0.7", "--top-p", "0.95",
            "--samples", str(samples), "--k", ",".join(str(k) for k in range(1, samples + 1))],
            catch_exceptions=False)
    assert result.exit_code == 0, result.output


def test_run_writes_charts_and_an_html_report(suite, tmp_path):
    out = tmp_path / "run"
    # direction: always right; rotation: never; the others: right on the third sample only.
    _run(suite, out, 3, lambda r, k: r["task"] == "direction" or (r["task"] != "rotation" and k == 2))
    metrics = json.loads((out / "metrics.json").read_text())
    charts = out / "charts"
    for key in ("task", "primitive", "family", "answer_type"):
        _check_chart(charts, f"by_{key}")
    _check_chart(charts, "pass_at_k")
    assert not (charts / "grounding_recall.png").exists()  # no grounding question in this suite
    # The curve ends at the reported pass@k values.
    scores = [json.loads(line) for line in (out / "scores.jsonl").read_text().splitlines()]
    per_q: dict[str, list[bool]] = {}
    for row in scores:
        per_q.setdefault(row["id"], []).append(row["correct"])
    curve = pass_at_k_curve([(len(v), sum(v)) for v in per_q.values()])
    assert curve == pytest.approx([metrics["overall"][f"pass@{k}"] for k in (1, 2, 3)])
    assert curve[0] < curve[1] < curve[2]
    assert metrics["by"]["task"]["direction"]["score"] == 1.0 and metrics["by"]["task"]["rotation"]["score"] == 0.0

    html = re.sub(r">\s+<", "><", (out / "report.html").read_text())
    assert html.count("<svg") == 7  # overall, pass@k, one per breakdown (task, family, primitive, question, task_question)
    assert "<?xml" not in html
    for task, row in metrics["by"]["task"].items():
        assert f"<td>{task}</td><td>{row['questions']}</td>" in html
    assert '<a href="charts/pass_at_k.png">PNG</a>' in html


def test_grounding_recall_curve(tmp_path):
    ious = [0.0, 0.25, 0.3, 0.5, 0.69, 0.7, 1.0, None]  # None: a failed prediction, IoU 0
    items = [(EvalSample(id=f"q{i}", benchmark="charades_sta", video="v.mp4", question="when?",
                         answer_type="interval", answer=[[0.0, 1.0]], metric="grounding"),
              [Scored("ok" if iou is not None else "failed", iou or 0.0, (iou or 0) >= 0.5, None, iou, iou)])
             for i, iou in enumerate(ious)]
    metrics = {"benchmark": "charades_sta", "model": "m", "overall": summarize(items, [1]), "by": {},
               "settings": {"backend": "openai", "samples": 1,
                            "frames": {"num_frames": 8, "fps": None, "max_pixels": 1},
                            "decoding": {"temperature": 0, "top_p": 1, "max_new_tokens": 8}}}
    paths = run_charts(metrics, items, tmp_path / "charts")
    _check_chart(tmp_path / "charts", "grounding_recall")
    curve = recall_curve([iou or 0.0 for iou in ious])
    for t in (0.3, 0.5, 0.7):
        assert curve[IOU_GRID.index(t)] == metrics["overall"][f"R@{t}"]
    assert curve[IOU_GRID.index(0.3)] == 5 / 8 and curve[-1] == 1 / 8
    assert all(a >= b for a, b in zip(curve, curve[1:]))
    # Same metrics, same bytes (PNG and SVG).
    again = run_charts(metrics, items, tmp_path / "again")
    assert [p.read_bytes() for p in paths] == [p.read_bytes() for p in again]
    html = write_run_report(tmp_path, metrics, paths).read_text()
    assert "R@0.5" in html and html.count("<svg") == 1


def test_compare_writes_delta_charts_and_html(suite, tmp_path):
    a, b = tmp_path / "base", tmp_path / "tuned"
    _run(suite, a, 1, lambda r, k: r["task"] == "direction")
    _run(suite, b, 1, lambda r, k: r["task"] in ("direction", "rotation"))
    report = tmp_path / "cmp"
    result = runner.invoke(eval_app, ["compare", str(a), str(b), "--report-dir", str(report)])
    assert result.exit_code == 0, result.output
    for key in ("task", "primitive", "family", "answer_type"):
        _check_chart(report / "charts", f"compare_by_{key}")
    html = re.sub(r">\s+<", "><", (report / "compare.html").read_text())
    assert html.count("<svg") == 6  # overall and one per breakdown (task, family, primitive, question, task_question)
    assert '<td>task: rotation</td><td>2</td><td>0.0</td><td>100.0</td><td class="pos">+100.0</td>' in html
    assert '<td>task: direction</td><td>2</td><td>100.0</td><td>100.0</td><td class="">+0.0</td>' in html
