"""Grounded CoT over the whole task registry: every sample's chain passes the checker and
scores full accuracy and format reward; phrasing varies with the seed; content is the
record's own events."""

from __future__ import annotations

import json
import re
from functools import lru_cache
from pathlib import Path
from typing import Any

import pytest
import typer
from typer.testing import CliRunner

from synrl import qa
from synrl.cot import prompts
from synrl.config import VideoOptions
from synrl.cot import GROUNDED_COT, MissingWriterError, check_cot, grounded_cot, write_grounded_cot
from synrl.cli.cot import register
from synrl.cot.grounded import grounded_think
from synrl.generate import SampleRequest, build_sample
from synrl.rewards import get_reward
from synrl.suite import get_task, task_ids

DIFFICULTIES = (1, 3, 5)


@lru_cache(maxsize=None)
def _records(task_id: str) -> tuple[str, ...]:
    """Records (as JSON) covering every template twice at three difficulties; no pixels."""
    count = 2 * len(get_task(task_id).templates)
    out = []
    for difficulty in DIFFICULTIES:
        for index in range(count):
            request = SampleRequest(task_id, "train", 11, index, difficulty, ("mc", "open"), VideoOptions())
            out.append(json.dumps(build_sample(request).record))
    return tuple(out)


def records(task_id: str) -> list[dict[str, Any]]:
    return [json.loads(r) for r in _records(task_id)]


@pytest.mark.parametrize("task_id", task_ids())
def test_every_grounded_chain_passes_checker_and_rewards(task_id):
    accuracy, fmt = get_reward("accuracy"), get_reward("format")
    for record in records(task_id):
        cot = grounded_cot(record)
        result = check_cot(cot, record)
        assert result.ok, (record["id"], result.problems, cot)
        assert accuracy(cot, record) == 1.0 and fmt(cot, record) == 1.0, (record["id"], cot)
        assert qa.split_completion(cot)[1] == qa.answer_for(record)  # type: ignore[index]
        assert result.timestamps, f"{record['id']}: the reasoning cites no time"
        think = qa.split_completion(cot)[0]  # type: ignore[index]
        target = _target(record)
        if target is not None:
            assert prompts.object_names(record)[target] in think


def _target(record: dict[str, Any]) -> str | None:
    """The object asked about; None for tasks about a state (a pile, cups, a file tree)."""
    return (record.get("query") or {}).get("object") or next(
        (t["id"] for t in record["tracks"] if t.get("role") == "target"), None)


@pytest.mark.parametrize("task_id", task_ids())
def test_phrasing_varies_with_the_seed(task_id):
    base = records(task_id)[0]
    chains = set()
    openings = set()
    for seed in range(40):
        record = {**base, "seed": seed}
        chain = grounded_cot(record)
        chains.add(chain)
        openings.add(grounded_think(record).split("\n\n")[0])
        assert check_cot(chain, record).ok
    assert len(chains) >= 10 and len(openings) >= 3
    assert grounded_cot(base) == grounded_cot(dict(base))  # same record, same words


def _mmss(ms: float, think: str) -> bool:
    """Whether the think block cites ``ms`` (whole seconds or tenths, rounded)."""
    return prompts.format_timestamp(ms) in think or prompts.format_timestamp(ms, 1) in think


def test_collision_chain_logs_each_contact_and_counts():
    for record in records("collision_count"):
        think = grounded_think(record)
        contacts = [e for e in record["timeline"] if e["type"] == "wall_contact" and e["object"] == "obj0"]
        kind = record["query"]["kind"]
        shown = contacts[:1] if kind == "first_wall" else contacts
        for event in shown:
            assert _mmss(event["start_ms"], think) and f"{event['wall']} wall" in think, (record["id"], think)
        if kind == "wall_contacts" and record["answer_type"] == "number":
            value = record["answer_value"]
            assert re.search(rf"\b{value}\b|once|twice", think), think


def test_direction_chain_names_legs_and_turn_time():
    for record in records("direction"):
        think = grounded_think(record)
        legs = [e for e in record["timeline"] if e["type"] == "move" and e["object"] == "obj0"]
        for leg in legs:
            assert leg["direction"] in think
        for turn in (e for e in record["timeline"] if e["type"] == "direction_change"):
            assert _mmss(turn["start_ms"], think), think


def test_speed_chain_measures_per_frame_steps_that_agree_with_the_trend():
    step = re.compile(r"(\d+\.\d) px")
    for record in records("speed_change"):
        think = grounded_think(record)
        values = [float(v) for v in step.findall(think)]
        trend = next(e["trend"] for e in record["timeline"] if e["type"] == "motion")
        first, last = values[0], values[-1]
        if trend == "accelerating":
            assert last > first, think
        elif trend == "decelerating":
            assert last < first, think
        else:
            assert abs(last - first) <= 0.1 * first, think


def test_rotation_chain_marks_every_full_turn():
    for record in records("rotation"):
        think = grounded_think(record)
        turns = [e for e in record["timeline"] if e["type"] == "full_turn" and e["object"] == "obj0"]
        for event in turns:
            assert _mmss(event["start_ms"], think), think
        spin = next(e["direction"] for e in record["timeline"] if e["type"] == "spin")
        if spin == "clockwise":
            assert "the same way as a clock's hands" in think
        elif spin == "counter-clockwise":
            assert "against a clock's hands" in think


def test_write_grounded_cot_writes_every_sample_deterministically(dataset: Path):
    summary = write_grounded_cot(dataset)
    manifest = [json.loads(line) for line in (dataset / "manifest.jsonl").read_text().splitlines()]
    assert summary.ok and summary.written == summary.passed == len(manifest)
    path = dataset / GROUNDED_COT
    lines = [json.loads(line) for line in path.read_text().splitlines()]
    assert [line["id"] for line in lines] == [r["id"] for r in manifest]
    for line, record in zip(lines, manifest):
        assert line["status"] == "passed" and line["source"] == "grounded" and line["round"] == 0
        assert line["check"]["ok"] and line["cot"] == grounded_cot(record)
    first = path.read_bytes()
    write_grounded_cot(dataset)
    assert path.read_bytes() == first


def _add_unknown_task(folder: Path) -> None:
    manifest = folder / "manifest.jsonl"
    record = json.loads(manifest.read_text().splitlines()[0])
    record.update(id="made_up_task-train-s0-000000", task="made_up_task")
    with manifest.open("a") as f:
        f.write(json.dumps(record) + "\n")


def test_a_task_without_writer_fails_loudly(dataset: Path):
    _add_unknown_task(dataset)
    with pytest.raises(MissingWriterError, match="made_up_task"):
        write_grounded_cot(dataset)
    assert not (dataset / GROUNDED_COT).exists()
    lenient = write_grounded_cot(dataset, strict=False)
    assert lenient.missing_writers == ["made_up_task"] and lenient.skipped == 1 and not lenient.ok


def test_cot_command_grounded(dataset: Path):
    app = typer.Typer()
    register(app)
    runner = CliRunner()
    result = runner.invoke(app, ["cot", str(dataset)])
    assert result.exit_code == 0, result.output
    assert (dataset / GROUNDED_COT).is_file() and "pass the checker" in result.output
    _add_unknown_task(dataset)
    result = runner.invoke(app, ["cot", str(dataset)])
    assert result.exit_code == 2 and "made_up_task" in result.output
