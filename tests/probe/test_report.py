import json

import pytest

from synrl.probe.report import Cell, FormResult, Report, difference, verdict, wilson
from synrl.suite import get_task


def result(ordered, shuffled, single, chance=(25, 100), need="order"):
    return FormResult("direction", "single", need, 200, 100, 4, Cell(*chance),
                      {"ordered": Cell(ordered, 100), "shuffled": Cell(shuffled, 100),
                       "single": Cell(single, 100)}, None,
                      {"name": "longest_option", "accuracy": 25.0, "chance": 25.0, "n": 100})


def test_wilson_interval_matches_the_closed_form():
    low, high = wilson(8, 10)
    assert low == pytest.approx(0.4902, abs=1e-4) and high == pytest.approx(0.9433, abs=1e-4)
    assert wilson(0, 0) == (0.0, 1.0)


def test_newcombe_difference_brackets_the_gap():
    gap, low, high = difference(Cell(90, 100), Cell(50, 100))
    assert gap == pytest.approx(40) and 25 < low < 40 < high < 52


def test_verdicts_follow_the_declaration():
    assert verdict(result(90, 50, 26)) == "consistent"
    assert verdict(result(90, 88, 26)) == "no temporal gap"
    assert "one frame leaks" in verdict(result(90, 50, 45))
    assert verdict(result(28, 27, 25)) == "not learned"
    assert verdict(result(90, 89, 30, need="frames")) == "consistent"
    assert verdict(result(90, 60, 30, need="frames")) == "order helps"
    assert verdict(result(90, 89, 88, need="static")) == "consistent"


def test_report_writes_json_markdown_and_chart(tmp_path):
    r = result(90, 50, 26)
    r.verdict = verdict(r)
    report = Report({"per_task": 200, "test_per_task": 100, "difficulties": [1], "size": 64,
                     "frames": 16, "seed": 0}, "tiny", 6, [{"task": "direction", "cpu_s": 1.0}],
                    [r])
    paths = report.write(tmp_path)
    data = json.loads(paths["json"].read_text())
    assert data["results"][0]["temporal_gap"]["points"] == 40.0
    assert data["results"][0]["conditions"]["ordered"]["ci95"][0] < 90
    assert "| direction | single | order | 100 |" in paths["markdown"].read_text()
    assert paths["chart"].stat().st_size > 1000


def test_every_task_declares_the_frame_need_of_every_template():
    from synrl.suite import task_ids

    for task_id in task_ids():
        task = get_task(task_id)
        for template in task.templates:
            assert task.frame_need(template.name) in ("order", "frames", "static"), (task_id, template.name)
