"""The pixel audit of "when" (temporal grounding) records: every task with a when auditor
measures the asked event's bounds within one frame of the answer, in both forms; a shifted
answer is a mismatch; a task without a when auditor is unaudited, never ok."""

import copy

import pytest

from synrl.audit import audit_sample
from synrl.audit import when as when_audit
from synrl.config import VideoOptions
from synrl.generate import SampleRequest, build_sample, write_video

VIDEO = VideoOptions(width=224, height=224)
# (task, question form, sample index): open and multiple-choice forms, instants, lasting
# events and edges between them.
CASES = [("collision_count", "when", 0), ("collision_count", "when_mc", 1),
         ("velocity_rank", "when", 0), ("acceleration", "when", 1),
         ("acceleration", "when_mc", 0), ("trajectory_shape", "when", 0),
         ("trajectory_shape", "when_mc", 2), ("direction", "when", 0),
         ("direction", "when", 1), ("rotation", "when", 0), ("rotation", "when_mc", 1),
         ("event_order", "when", 0), ("event_order", "when_mc", 1),
         ("relative_position", "when", 0), ("motion_count", "when", 0),
         ("motion_count", "when_mc", 1),
         ("attribute_change", "when", 0), ("attribute_change", "when_mc", 1)]


@pytest.fixture(scope="module")
def when_samples(tmp_path_factory):
    folder = tmp_path_factory.mktemp("when")
    (folder / "videos").mkdir()
    records = []
    for task, form, index in CASES:
        built = build_sample(SampleRequest(task, "train", 0, index, 1, (form,), VIDEO))
        write_video(built.sim, folder / built.record["video"]["path"], VIDEO)
        records.append(built.record)
    return folder, records


def test_every_when_answer_agrees_with_the_pixels(when_samples):
    folder, records = when_samples
    results = [audit_sample(r, folder) for r in records]
    assert [(s.id, s.status, s.message) for s in results if s.status != "ok"] == []
    for record, result in zip(records, results):
        assert record["query"]["kind"] == "when"
        assert result.when_error_s is not None
        assert result.when_error_s <= when_audit.tolerance_s(record)
    forms = {r["query"]["form"] for r in records}
    instants = {r["query"]["instant"] for r in records}
    assert forms == {"open", "mc"} and instants == {True, False}


def test_every_when_auditor_is_exercised():
    # Every task that asks "when" questions has one (speed_change and distance ask none); the
    # short-term ones are exercised here, the long-term ones in test_longterm_when_audit.py.
    from synrl.suite import get_task
    from synrl.suite._when.family import NAMERS

    short_term = {t for t in NAMERS.names() if get_task(t).family == "short_term"}
    assert set(when_audit.WHEN_AUDITORS.names()) == set(NAMERS.names())
    assert {task for task, _, _ in CASES} == short_term
    assert len(short_term) == 10


def shifted(record, seconds):
    out = copy.deepcopy(record)
    out["answer_value"] = [round(v + seconds, 2) for v in record["answer_value"]]
    if record["query"]["form"] == "open":
        out["answer"] = out["answer_value"]
    else:
        out["query"]["option_intervals"][record["answer"]] = out["answer_value"]
    if record["query"]["instant"]:
        out["query"]["at_s"] = round(record["query"]["at_s"] + seconds, 3)
    return out


def test_an_answer_a_few_frames_off_is_a_mismatch(when_samples):
    folder, records = when_samples
    for record in records:
        duration = record["video"]["duration_ms"] / 1000
        # One frame past the tolerance (three frames for acceleration's speed phases).
        step = round(when_audit.tolerance_s(record) + 1 / record["video"]["fps"], 2)
        step = step if record["answer_value"][1] + step <= duration else -step
        result = audit_sample(shifted(record, step), folder)
        assert result.status == "mismatch", (record["id"], result.message)
        assert result.expected != result.derived


def test_a_wrong_occurrence_count_is_a_mismatch(when_samples):
    folder, records = when_samples
    record = copy.deepcopy(records[0])
    record["query"]["occurrences"] += 1
    result = audit_sample(record, folder)
    assert result.status == "mismatch" and "occurrences" in result.derived


def test_mc_letter_must_be_the_measured_option(when_samples):
    folder, records = when_samples
    record = copy.deepcopy(next(r for r in records if r["query"]["form"] == "mc"))
    options = record["query"]["option_intervals"]
    other = next(letter for letter in options if letter != record["answer"])
    record["answer"] = other
    result = audit_sample(record, folder)
    assert result.status == "mismatch"
    assert result.derived["letter"] != result.expected["letter"]


def test_without_a_when_auditor_a_record_is_unaudited(when_samples, monkeypatch):
    folder, records = when_samples
    monkeypatch.setattr(when_audit, "when_auditor_for", lambda task_id: None)
    result = audit_sample(records[0], folder)
    assert result.status == "unaudited"
