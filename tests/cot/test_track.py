"""Grounded chains for tracking questions: every short-term task's chain names the object,
states its box at every asked time and passes the checker; a chain with the right answer
but no boxes in its reasoning, or a box a few pixels off, does not."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from synrl.config import GenerateConfig, VideoOptions
from synrl.cot import grounded_cot
from synrl.cot.check import MAX_BOX_ERROR_PX, check_cot
from synrl.generate import build_sample, requests_for
from synrl.qa import answer_for
from synrl.suite import get_task, task_ids

VIDEO = VideoOptions(width=256, height=256)
SHORT_TERM = [t for t in task_ids() if get_task(t).family == "short_term"]


def track_records(task: str, n: int = 2) -> list[dict]:
    config = GenerateConfig(tasks=[task], per_task=n, out=Path("/x"), video=VIDEO,
                            question_types=["track"], difficulty=3)
    return [build_sample(r).record for r in requests_for(config)]


@pytest.mark.parametrize("task", SHORT_TERM)
def test_grounded_track_chain_states_every_box_and_passes(task):
    for record in track_records(task):
        chain = grounded_cot(record)
        result = check_cot(chain, record)
        assert result.ok and result.grounding_ok, (record["id"], result.problems, chain)
        think = chain.split("</think>")[0]
        for box in record["answer"]:
            assert "[" + ", ".join(map(str, box)) + "]" in think
        name = next(f"{t['color']} " for t in record["tracks"] if t["id"] == record["query"]["object"])
        assert name in think
        for t in record["query"]["times_s"]:
            assert any(abs(t - m) < 1e-6 for m in result.timestamps), (t, result.timestamps)


def test_right_answer_without_boxes_in_the_reasoning_fails_grounding():
    record = track_records("direction")[0]
    bare = f"<think>I followed the object through the clip.</think><answer>{answer_for(record)}</answer>"
    result = check_cot(bare, record)
    assert result.answer_ok and not result.grounding_ok and not result.ok
    assert "state its box at every asked time" in " ".join(result.problems)


def test_a_box_a_few_pixels_off_fails_grounding():
    record = track_records("velocity_rank")[0]
    chain = grounded_cot(record)
    box = record["answer"][1]
    off = [box[0] + int(MAX_BOX_ERROR_PX) + 2, box[1], box[2] + int(MAX_BOX_ERROR_PX) + 2, box[3]]
    wrong = re.sub(re.escape("[" + ", ".join(map(str, box)) + "]"), str(off), chain.split("</think>")[0])
    result = check_cot(wrong + "</think>" + chain.split("</think>")[1], record)
    assert not result.grounding_ok and str(box) in " ".join(result.problems)
