"""What the grounded writers of the newer tasks say, beyond passing the checker: every
logged event in time order, long-term states followed through every operation (backwards
when only the end is shown), and measurements that agree with the answer."""

from __future__ import annotations

import re

import pytest

from synrl.cot.check import mentioned_times
from synrl.render.shapes import shape_name
from synrl.suite import task_ids
from synrl.cot.grounded import grounded_think
from tests.cot.test_grounded import records

LONG_TERM = ("cards", "chips", "file_system", "grid_swap", "math_trail")


def _times(think: str) -> list[float]:
    return [value for _, value in mentioned_times(think)]


def _in_order(wanted_s: list[float], cited_s: list[float]) -> bool:
    """Whether ``wanted_s`` appear among ``cited_s`` in this order, each within 0.5 s."""
    position = 0
    for want in wanted_s:
        while position < len(cited_s) and abs(cited_s[position] - want) > 0.5:
            position += 1
        if position == len(cited_s):
            return False
        position += 1
    return True


def _operations(record) -> list[dict]:
    return [e for e in record["timeline"] if "step" in e and not e["type"].endswith("_reveal")]


@pytest.mark.parametrize("task_id", [t for t in LONG_TERM if t in task_ids()])
def test_long_term_chain_follows_every_operation(task_id):
    for record in records(task_id):
        think = grounded_think(record)
        cited = _times(think)
        starts = [e["start_ms"] / 1000 for e in _operations(record)]
        assert _in_order(starts, cited), (record["id"], think)
        final = next(e for e in record["timeline"] if e["type"] == "final_reveal")
        if final["visible"] and task_id != "math_trail":
            # Only the end is shown: after reading it, the operations are undone newest first.
            after_reveal = cited[[abs(t - final["start_ms"] / 1000) <= 0.5 for t in cited].index(True):]
            assert _in_order(starts[::-1], after_reveal), (record["id"], think)


@pytest.mark.parametrize("task_id", ["motion_count", "event_order", "attribute_change"])
def test_short_term_chain_logs_each_event_in_time_order(task_id):
    kinds = {"motion_count": ("jump", "slide"), "attribute_change": ("color_change", "shape_change", "size_change")}
    for record in records(task_id):
        query = record["query"]
        if task_id == "event_order":
            events = [e for e in record["timeline"] if e["type"] != "move"]
        else:
            events = [e for e in record["timeline"] if e["type"] in kinds[task_id]
                      and e["object"] == query["object"]]
            if query.get("kind") == "first_motion":
                events = events[:1]
        starts = sorted(e["start_ms"] / 1000 for e in events)
        think = grounded_think(record)
        assert _in_order(starts, _times(think)), (record["id"], think)


def test_velocity_rank_measured_speeds_follow_the_ranking():
    for record in records("velocity_rank"):
        think = grounded_think(record)
        motions = {e["object"]: e["speed_px_s"] for e in record["timeline"] if e["type"] == "motion"}
        asked = record["query"]["objects"]
        measured = {}
        for track in record["tracks"]:
            if track["id"] in asked:
                name = f"{track['color']} {shape_name(track['shape'])}"
                found = re.search(rf"the {re.escape(name)}[^.\n]*?(\d+) px", think, re.IGNORECASE)
                assert found, (name, think)
                measured[track["id"]] = int(found.group(1))
        assert sorted(asked, key=lambda o: -measured[o]) == sorted(asked, key=lambda o: -motions[o]), think


def test_math_trail_result_is_worked_out_to_the_answer():
    for record in records("math_trail"):
        if record["query"]["kind"] != "result":
            continue
        think = grounded_think(record)
        assert f"The result is {record['answer_value']}." in think, think
