"""Pieces of the model loop: verdict parsing, chain normalisation, backoff, cache, JSONL."""

from __future__ import annotations

import json
import random

import pytest

from synrl.llm.cache import ResponseCache, request_key
from synrl.llm import RetryPolicy
from synrl.dataset import JsonlAppender, iter_jsonl
from synrl.cot.loop import LoopConfig, RoleConfig, normalize_chain, parse_verdict
from synrl.cot.media import frame_indices
from tests.cot.test_check import RECORD


@pytest.mark.parametrize("text, expected", [
    ('{"answer_correct": true, "events_in_order": true, "timestamps_correct": true, "feedback": ""}',
     (True, True, True, "")),
    ('```json\n{"answer_correct": true, "events_in_order": false, "timestamps_correct": true,'
     ' "feedback": "swap the two walls"}\n```', (True, False, True, "swap the two walls")),
    ('Here is my verdict: {"answer_correct": "false", "events_in_order": "true", "timestamps_correct": true}',
     (False, True, True, "")),
])
def test_verdicts_are_read_from_json_with_or_without_fences(text, expected):
    verdict = parse_verdict(text)
    assert verdict is not None
    assert (verdict.answer_correct, verdict.events_in_order, verdict.timestamps_correct, verdict.feedback) == expected
    assert verdict.passed is all(expected[:3])


@pytest.mark.parametrize("text", [
    "Looks right to me.", '{"answer_correct": true, "events_in_order": ', "[true, true, true]",
    '{"answer_correct": "maybe", "events_in_order": true, "timestamps_correct": true}',
    '{"answer_correct": true, "events_in_order": true}', "", None,
])
def test_malformed_verdicts_are_none(text):
    assert parse_verdict(text) is None


def test_failure_reason_names_the_first_failed_flag():
    verdict = parse_verdict('{"answer_correct": true, "events_in_order": false, "timestamps_correct": false}')
    assert verdict is not None and verdict.failure == "judge:order"


def test_normalize_chain_drops_outside_text_and_canonicalises_a_correct_answer():
    raw = "Sure, here it is:\n<think> At 00:02 the top wall. </think>\n<answer>(B) 2</answer> Hope it helps"
    assert normalize_chain(raw, RECORD) == "<think>At 00:02 the top wall.</think><answer>B</answer>"
    wrong = "<think>x</think><answer>A. 1</answer>"
    assert normalize_chain(wrong, RECORD) == wrong
    assert normalize_chain("no tags at all", RECORD) == "no tags at all"


def test_backoff_doubles_with_jitter_and_honours_retry_after():
    policy = RetryPolicy(backoff_base_s=1.0, backoff_max_s=10.0)
    rng = random.Random(0)
    for retry, ceiling in ((0, 1.0), (1, 2.0), (2, 4.0), (5, 10.0)):
        for _ in range(20):
            assert ceiling / 2 <= policy.delay(retry, rng) <= ceiling
    assert policy.delay(3, rng, retry_after=2.5) == 2.5
    assert policy.delay(3, rng, retry_after=99) == 10.0


def test_cache_key_covers_model_messages_and_params(tmp_path):
    messages = [{"role": "user", "content": "hi"}]
    key = request_key("m", messages, {"temperature": 0})
    assert key == request_key("m", [{"content": "hi", "role": "user"}], {"temperature": 0})
    assert key != request_key("m2", messages, {"temperature": 0})
    assert key != request_key("m", messages, {"temperature": 1})
    cache = ResponseCache(tmp_path / "c.sqlite")
    cache.put(key, {"content": "x", "prompt_tokens": 1, "completion_tokens": 2})
    cache.close()
    reopened = ResponseCache(tmp_path / "c.sqlite")
    assert reopened.get(key) == {"content": "x", "prompt_tokens": 1, "completion_tokens": 2} and len(reopened) == 1


def test_appender_cuts_a_half_written_line(tmp_path):
    path = tmp_path / "out.jsonl"
    path.write_text('{"id": "a"}\n{"id": "b", "co')  # a kill in the middle of a write
    assert [row["id"] for row in iter_jsonl(path)] == ["a"]
    with JsonlAppender(path) as out:
        out.append({"id": "c"})
    assert [json.loads(line)["id"] for line in path.read_text().splitlines()] == ["a", "c"]


def test_frame_indices_span_the_clip():
    assert frame_indices(90, 4) == [0, 30, 59, 89]
    assert frame_indices(3, 8) == [0, 1, 2]
    assert frame_indices(90, 1) == [0]


def test_judge_and_polisher_default_to_the_generator_endpoint():
    config = LoopConfig(generator=RoleConfig(base_url="http://h:1/v1", model="vlm", temperature=0.9))
    assert config.judge is not None and config.polisher is not None
    assert (config.judge.base_url, config.judge.model, config.judge.temperature) == ("http://h:1/v1", "vlm", 0.0)
    assert config.polisher.model == "vlm" and config.max_rounds == 5
