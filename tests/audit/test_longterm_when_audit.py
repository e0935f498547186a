"""The "when" audit of the six long-term tasks, by re-simulation: each auditor replays the
operations with its own simulator, names every operation from its replayed states and times
the asked one by its frames. Real records agree in both forms; a shifted answer, a wrong
occurrence, an event type the question does not name and a corrupted state are mismatches."""

import copy

import pytest

from synrl.audit import SampleAudit, audit_sample
from synrl.audit import when as when_audit
from synrl.audit.observe import observe
from synrl.audit.replay import replay
from synrl.config import VideoOptions
from synrl.generate import SampleRequest, build_sample, write_video
from synrl.render.video import read_frames
from synrl.suite.grid_swap.audit import step as grid_swap_step
from synrl.suite.grid_swap.audit import swapped_cells
from tests.audit.test_longterm_audit import corrupted_state
from tests.audit.test_when_audit import shifted

LONG_TERM = ["cards", "chips", "file_system", "grid_swap", "math_trail", "sliding_puzzle"]
VIDEO = VideoOptions(width=224, height=224)
DIFFICULTY = 2
# Two open questions and one multiple-choice question per task.
CASES = [(task, form, index) for task in LONG_TERM
         for form, index in (("when", 0), ("when", 1), ("when_mc", 2))]


@pytest.fixture(scope="module")
def samples(tmp_path_factory):
    """(folder, [(record, observations)]): the videos written once and decoded once."""
    folder = tmp_path_factory.mktemp("longterm_when")
    (folder / "videos").mkdir()
    out = []
    for task, form, index in CASES:
        built = build_sample(SampleRequest(task, "train", 0, index, DIFFICULTY, (form,), VIDEO))
        path = folder / built.record["video"]["path"]
        write_video(built.sim, path, VIDEO)
        out.append((built.record, observe(read_frames(path), built.record)))
    return folder, out


def verdict(record, observations):
    """The "when" check alone on already decoded observations (what `audit_sample` runs
    after the visibility and centroid checks)."""
    result = SampleAudit(record["id"], record["task"], "ok")
    return when_audit.check_when(result, record, observations)


def test_every_long_term_when_answer_agrees_with_the_replay(samples):
    folder, items = samples
    results = [audit_sample(record, folder) for record, _ in items]
    assert [(s.id, s.status, s.message) for s in results if s.status != "ok"] == []
    for (record, _), result in zip(items, results):
        assert record["query"]["kind"] == "when"
        assert result.when_error_s <= when_audit.tolerance_s(record)
        assert result.operations > 0 and result.hidden == []
    assert {r["task"] for r, _ in items} == set(LONG_TERM)
    assert {r["query"]["form"] for r, _ in items} == {"open", "mc"}
    # Ordinals are exercised: some asked operations share their wording with others.
    assert any(r["query"]["occurrences"] > 1 for r, _ in items)


def test_every_task_with_a_namer_has_a_when_auditor():
    from synrl.suite._when.family import NAMERS

    assert set(LONG_TERM) <= set(when_audit.WHEN_AUDITORS.names())
    assert set(NAMERS.names()) == set(when_audit.WHEN_AUDITORS.names())
    assert {when_audit.SOURCES[t] for t in LONG_TERM} == {"replay"}


def test_an_answer_a_few_frames_off_is_a_mismatch(samples):
    for record, observations in samples[1]:
        duration = record["video"]["duration_ms"] / 1000
        step = round(when_audit.tolerance_s(record) + 1 / record["video"]["fps"], 2)
        step = step if record["answer_value"][1] + step <= duration else -step
        result = verdict(shifted(record, step), observations)
        assert result.status == "mismatch", (record["id"], result.message)
        assert result.expected != result.derived


def test_a_wrong_occurrence_is_a_mismatch(samples):
    repeated = 0
    for record, observations in samples[1]:
        query = record["query"]
        more = copy.deepcopy(record)
        more["query"]["occurrences"] += 1
        result = verdict(more, observations)
        assert result.status == "mismatch" and "occurrences" in result.derived, record["id"]
        if query["occurrences"] > 1:
            # Another occurrence of the same wording is asked with this answer.
            repeated += 1
            other = copy.deepcopy(record)
            other["query"]["occurrence"] = query["occurrence"] % query["occurrences"] + 1
            result = verdict(other, observations)
            assert result.status == "mismatch", (record["id"], result.message)
    assert repeated > 0


def test_an_event_the_question_does_not_name_is_a_mismatch(samples):
    for record, observations in samples[1]:
        wrong = copy.deepcopy(record)
        wrong["query"]["event_type"] = "reveal"
        result = verdict(wrong, observations)
        assert result.status == "mismatch" and "query_mismatch" in result.derived


def test_a_corrupted_state_is_a_mismatch(samples):
    for record, observations in samples[1]:
        bad = corrupted_state(record)
        result = verdict(bad, observations)
        assert result.status == "mismatch", record["id"]
        assert "state_mismatch" in result.derived, (record["id"], result.derived)


def test_grid_swap_names_a_pair_of_cells_whatever_their_order():
    # Sample 1 at difficulty 2 swaps two cells back in the other order: one wording, asked
    # "for the second time", and the replay finds both swaps.
    record = build_sample(SampleRequest("grid_swap", "train", 0, 1, DIFFICULTY, ("when",),
                                        VIDEO)).record
    query = record["query"]
    pair = sorted(record["timeline"][query["event"]]["cells"])
    orders = {tuple(e["cells"]) for e in record["timeline"]
              if e["type"] == "swap" and sorted(e["cells"]) == pair}
    assert orders == {tuple(pair), tuple(reversed(pair))}
    assert (query["occurrence"], query["occurrences"]) == (2, 2)
    assert f"cells {pair[0]} and {pair[1]} swap places for the second time" in record["question"]
    # The replay alone (no pixels needed) finds both swaps; the second is the answer.
    states, mismatch = replay(record, dict(record["states"][0]["cells"]), grid_swap_step,
                              lambda s: s["cells"])
    assert mismatch is None
    moments = when_audit.operation_moments(record, states, swapped_cells,
                                           lambda event: ("swap", *sorted(event["cells"])))
    assert len(moments) == 2
    assert [round(v, 2) for v in moments[1]] == record["answer_value"]
