"""Grounded chains for "when" questions: every task's chain cites the asked event's start
and end (its instant) and passes the checker; a chain that gets the answer right without
citing them, or cites them a few frames off, does not."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from synrl.config import GenerateConfig, VideoOptions
from synrl.cot import grounded_cot
from synrl.cot.check import check_cot
from synrl.generate import build_sample, requests_for
from synrl.qa import answer_for
from synrl.suite._when.family import NAMERS

VIDEO = VideoOptions(width=256, height=256)


def when_records(task: str, n: int = 4) -> list[dict]:
    config = GenerateConfig(tasks=[task], per_task=n, out=Path("/x"), video=VIDEO,
                            question_types=["when", "when_mc"], difficulty=2)
    return [build_sample(r).record for r in requests_for(config)]


@pytest.mark.parametrize("task", sorted(NAMERS.names()))
def test_grounded_when_chain_cites_the_event_and_passes(task):
    for record in when_records(task):
        chain = grounded_cot(record)
        result = check_cot(chain, record)
        assert result.ok and result.grounding_ok, (record["id"], result.problems, chain)
        start, end = record["answer_value"]
        cited = [start, end] if not record["query"]["instant"] else [record["query"]["at_s"]]
        for t in cited:
            assert any(abs(t - m) <= 1 / record["video"]["fps"] + 0.01 for m in result.timestamps)
        assert record["query"]["clause"] in chain or record["query"]["clause"][:20] in chain


def test_right_answer_without_the_times_fails_grounding():
    record = next(r for r in when_records("motion_count", 6) if not r["query"]["instant"])
    bare = f"<think>I watched the video carefully.</think><answer>{answer_for(record)}</answer>"
    result = check_cot(bare, record)
    assert result.answer_ok and not result.grounding_ok and not result.ok
    assert "starts and at which it ends" in " ".join(result.problems)


def test_times_a_few_frames_off_fail_grounding():
    record = next(r for r in when_records("motion_count", 6) if not r["query"]["instant"])
    chain = grounded_cot(record)
    start = record["answer_value"][0]
    shifted = f"00:{start + 0.2:05.2f}"
    text = re.sub(re.escape(f"00:{start:05.2f}"), shifted, chain)
    assert text != chain
    result = check_cot(text, record)
    assert not result.grounding_ok and result.timestamps_ok  # still near an event, not the asked start


def test_other_records_need_no_grounding():
    config = GenerateConfig(tasks=["direction"], per_task=2, out=Path("/x"), video=VIDEO)
    for record in (build_sample(r).record for r in requests_for(config)):
        result = check_cot(grounded_cot(record), record)
        assert result.ok and result.grounding_ok
