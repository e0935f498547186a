"""The predictions file: kill-safe appends, resume, honest scoring of what is missing."""

from __future__ import annotations

import json

from synrl.dataset import JsonlAppender, repair_tail
from synrl.eval.runner import read_predictions, stratified_limit
from synrl.eval.sample import EvalSample
from synrl.eval.scoring import score_prediction


def test_half_written_line_is_cut_before_appending(tmp_path):
    path = tmp_path / "predictions.jsonl"
    with JsonlAppender(path) as writer:
        writer.append({"id": "a", "k": 0, "completion": "x"})
    # a kill in the middle of a write leaves an unterminated line
    with path.open("ab") as handle:
        handle.write(b'{"id":"b","k":0,"compl')
    assert set(read_predictions(path)) == {("a", 0)}  # the fragment is not read
    assert repair_tail(path) == len(b'{"id":"b","k":0,"compl')
    with JsonlAppender(path) as writer:
        writer.append({"id": "b", "k": 0, "completion": "y"})
    lines = path.read_text().splitlines()
    assert [json.loads(line)["id"] for line in lines] == ["a", "b"]


def test_later_line_wins(tmp_path):
    path = tmp_path / "predictions.jsonl"
    with JsonlAppender(path) as writer:
        writer.append({"id": "a", "k": 0, "completion": None, "error": "500"})
        writer.append({"id": "a", "k": 0, "completion": "ok"})
    assert read_predictions(path)[("a", 0)]["completion"] == "ok"


def test_statuses():
    sample = EvalSample(id="q", benchmark="t", video="v.mp4", question="Which?", answer_type="multiple_choice",
                        answer="B", options={"A": "left", "B": "right"})
    # backend failure, blank text, no parseable answer, right, wrong: each scored, none dropped
    assert score_prediction(sample, None).status == "failed"
    assert score_prediction(sample, "  ").status == "empty"
    assert score_prediction(sample, "<answer>A or B</answer>").status == "unparseable"
    assert score_prediction(sample, "<think>..</think><answer>B</answer>").score == 1.0
    assert score_prediction(sample, "<answer>(A)</answer>").score == 0.0
    # lenient reads a tag-less answer; strict (the training reward's rule) does not
    assert score_prediction(sample, "The answer is right.").score == 1.0
    assert score_prediction(sample, "The answer is right.", lenient=False).status == "unparseable"


def _mc(sid: str, task: str) -> EvalSample:
    return EvalSample(id=sid, benchmark="t", video="v.mp4", question="?", answer_type="multiple_choice",
                      answer="A", options={"A": "x", "B": "y"}, groups={"task": task})


def test_limit_is_stratified_over_sub_tasks_and_seeded():
    # MVBench-like: 3 tasks of 200, 100 and 100 questions; the first N would all be task a.
    samples = ([_mc(f"a-{i}", "a") for i in range(200)] + [_mc(f"b-{i}", "b") for i in range(100)]
               + [_mc(f"c-{i}", "c") for i in range(100)])
    chosen = stratified_limit(samples, 8, seed=0)
    assert [s.groups["task"] for s in chosen].count("a") == 4  # 8 * 200/400
    assert [s.groups["task"] for s in chosen].count("b") == 2 and len(chosen) == 8
    assert [s.id for s in chosen] == [s.id for s in stratified_limit(samples, 8, seed=0)]  # repeatable
    assert {s.id for s in chosen} != {s.id for s in stratified_limit(samples, 8, seed=1)}
    order = [s.id for s in samples]
    assert [order.index(s.id) for s in chosen] == sorted(order.index(s.id) for s in chosen)  # benchmark order kept
    # 3 over 3 equal strata: one each (largest remainders); a limit >= the size is everything
    equal = samples[190:210] + samples[390:]  # 10 of each task
    assert sorted(s.groups["task"] for s in stratified_limit(equal, 3, seed=5)) == ["a", "b", "c"]
    assert stratified_limit(samples, 1000) == samples


def test_limit_keeps_both_halves_of_a_grounded_item():
    samples = []
    for i in range(6):
        samples += [_mc(f"v{i}-1/qa", "CW" if i < 3 else "TN"), _mc(f"v{i}-1/ground", "CW" if i < 3 else "TN")]
    chosen = stratified_limit(samples, 2, seed=3)
    assert len(chosen) == 4
    assert {s.id.split("/")[0] for s in chosen} == {s.id.split("/")[0] for s in chosen if s.id.endswith("/qa")}
    assert sorted({s.groups["task"] for s in chosen}) == ["CW", "TN"]
