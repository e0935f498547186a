"""The predictions file: kill-safe appends, resume, honest scoring of what is missing."""

from __future__ import annotations

import json

from synrl.dataset import JsonlAppender, repair_tail
from synrl.eval.runner import read_predictions
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
