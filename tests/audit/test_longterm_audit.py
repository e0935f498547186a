"""The long-term auditors on real generated videos (both reveal variants of all six tasks),
and their independent parts on hand-made inputs."""

import copy
import json
from fractions import Fraction

import numpy as np
import pytest

from synrl.audit import AuditSummary, audit_sample, auditor_for, canonical, centroid_errors
from synrl.audit.observe import observe
from synrl.suite.math_trail.audit import Parser
from synrl.suite.sliding_puzzle.audit import audit_sliding_puzzle, read_board
from synrl.config import GenerateConfig, VideoOptions
from synrl.generate import generate
from synrl.render.video import read_frames
from synrl.validate import validate

LONG_TERM = ["cards", "chips", "file_system", "math_trail", "grid_swap", "sliding_puzzle"]


@pytest.fixture(scope="module")
def long_term_datasets(tmp_path_factory):
    """One sample per task and reveal variant on 2 processes, at 256 x 256 (the pixel audit
    costs grow with the frame area; the full-size check is `synrl audit` on a dataset)."""
    out = {}
    for reveal in ("initial", "final"):
        folder = tmp_path_factory.mktemp("longterm") / reveal
        result = generate(GenerateConfig(tasks=LONG_TERM, per_task=1, out=folder, workers=2,
                                         difficulty=2, task_options={"reveal": reveal},
                                         video=VideoOptions(width=256, height=256)))
        assert not result.failed, result.failed
        out[reveal] = folder
    return out


def records(folder):
    return [json.loads(line) for line in (folder / "manifest.jsonl").open()]


@pytest.fixture(scope="module")
def observed(long_term_datasets):
    """(record, decoded frames, observations) of every sample, decoded once."""
    out = {}
    for reveal, folder in long_term_datasets.items():
        out[reveal] = []
        for record in records(folder):
            frames = [f.copy() for f in read_frames(folder / record["video"]["path"])]
            out[reveal].append((record, frames, observe(frames, record)))
    return out


@pytest.mark.parametrize("reveal", ["initial", "final"])
def test_every_long_term_label_agrees_with_its_replay_and_pixels(long_term_datasets, observed,
                                                                 reveal):
    assert validate(long_term_datasets[reveal]).ok
    for record, _, observations in observed[reveal]:
        assert record["scene"]["reveal"] == reveal
        errors = centroid_errors(record, observations)
        assert np.mean(errors) <= 0.8, (record["task"], np.mean(errors))
        derived = canonical(auditor_for(record["task"])(record, observations))
        assert derived == canonical(record["answer_value"]), record["id"]


def test_the_cli_audit_path_on_one_dataset(long_term_datasets):
    folder = long_term_datasets["final"]
    summary = AuditSummary([audit_sample(r, folder) for r in records(folder)[:2]])
    assert all(s.status == "ok" for s in summary.samples)


def corrupted_state(record):
    """A copy of `record` whose state after the first operation is changed (one field of it
    shortened, emptied or renamed): a replay must disagree with it."""
    bad = copy.deepcopy(record)
    snapshot = bad["states"][1]
    key = next(k for k in snapshot if k != "step")
    if isinstance(snapshot[key], list):
        snapshot[key] = snapshot[key][:-1] if snapshot[key] else ["x"]
    elif isinstance(snapshot[key], dict):
        snapshot[key] = {}
    else:
        snapshot[key] = snapshot[key] + "x"
    return bad


def test_a_tampered_state_is_a_mismatch(observed):
    for record, _, observations in observed["initial"]:
        audit = auditor_for(record["task"])
        bad_state = corrupted_state(record)
        assert "state_mismatch" in audit(bad_state, observations), record["task"]


@pytest.mark.parametrize("reveal", ["initial", "final"])
def test_sliding_puzzle_numbers_are_read_from_the_pixels(observed, reveal):
    record, frames, observations = next(o for o in observed[reveal]
                                        if o[0]["task"] == "sliding_puzzle")
    event = next(e for e in record["timeline"] if e["type"] == f"{reveal}_reveal")
    visible = record["states"][0 if reveal == "initial" else -1]["rows"]
    assert read_board(frames[(event["start_frame"] + event["end_frame"]) // 2], record) == visible
    # The auditor reads only the frames it declares (a mapping from index to frame).
    kept = {i: frames[i] for i in audit_sliding_puzzle.frames_wanted(record)}
    assert audit_sliding_puzzle(record, observations, kept) == record["answer_value"]
    # A board whose recorded numbers differ from the pixels is caught.
    wrong = copy.deepcopy(record)
    wrong["states"][0 if reveal == "initial" else -1]["rows"][0].reverse()
    assert "pixel_mismatch" in audit_sliding_puzzle(wrong, observations, kept)


def test_the_auditors_own_expression_parser():
    assert Parser("12+3*5").expression() == 27
    assert Parser("8/4*3-2").expression() == 4
    assert Parser("9-6/4").expression() == Fraction(15, 2)
    with pytest.raises(ValueError):
        Parser("1+*2").expression()
