"""Tracking questions through `synrl eval run synthetic` and a real local OpenAI-protocol
server: the true boxes score box mIoU 1 per task; the blind answer "it stays where the
question says it starts" scores exactly its mean box IoU, far below."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from synrl.answers import box_iou
from synrl.qa import answer_for
from tests.eval.test_openai_e2e import _answers
from tests.eval.test_when_e2e import _serve

TASKS = "direction,velocity_rank"


@pytest.fixture(scope="module")
def track_suite(tmp_path_factory) -> Path:
    from synrl.eval.benchmarks.synthetic import _generate

    root = tmp_path_factory.mktemp("track-suite")
    _generate(root, {"tasks": TASKS, "per_task": "4", "width": "256", "height": "256", "fps": "10",
                     "question_types": "mc,track"})
    return root


def test_true_boxes_score_one_per_task(track_suite, tmp_path):
    metrics = _serve(track_suite, tmp_path / "truth", answer_for)
    track = metrics["by"]["question"]["track"]
    assert track["questions"] == 4 and track["box_mIoU"] == 1.0 and track["box@0.5"] == 1.0
    for task in TASKS.split(","):
        assert metrics["by"]["task_question"][f"{task}/track"]["box_mIoU"] == 1.0
    assert metrics["by"]["question"]["task"]["accuracy"] == 1.0


def test_staying_put_scores_its_box_iou(track_suite, tmp_path):
    def stay(record: dict) -> str:
        if record["answer_type"] != "box":
            return answer_for(record)
        return ", ".join(str(record["query"]["first_box"]) for _ in record["answer"])

    metrics = _serve(track_suite, tmp_path / "stay", stay)
    records = [r for r in _answers(track_suite).values() if r["answer_type"] == "box"]
    expected = np.mean([np.mean([box_iou(r["query"]["first_box"], b) for b in r["answer"]])
                        for r in records])
    track = metrics["by"]["question"]["track"]
    assert track["box_mIoU"] == pytest.approx(expected, abs=1e-9) and track["box_mIoU"] < 0.3
