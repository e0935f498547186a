"""The model loop end to end against a real local HTTP server with scripted replies."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from synrl import qa
from synrl.cot import prompts
from synrl.cot.check import check_cot
from synrl.llm import FatalEndpointError, RetryPolicy
from synrl.cot.grounded import grounded_cot
from synrl.dataset import iter_jsonl
from synrl.cot.loop import LoopConfig, RoleConfig, run_model_cot
from synrl.dataset import load_dataset
from tests.cot.fake_openai import FakeChatServer, Reply, all_text, last_user_text

REPO = Path(__file__).resolve().parents[2]
JUDGE_PASS = json.dumps({"answer_correct": True, "events_in_order": True, "timestamps_correct": True,
                         "feedback": ""})


def wrong_answer_chain(record: dict[str, Any]) -> str:
    """The grounded reasoning with a wrong answer block."""
    think = qa.split_completion(grounded_cot(record))[0]  # type: ignore[index]
    kind, answer = record["answer_type"], record["answer"]
    if kind == "multiple_choice":
        wrong = next(letter for letter in record["options"] if letter != answer)
    elif kind == "number":
        wrong = str(int(answer) + 1)
    elif kind == "yes_no":
        wrong = "no" if answer == "yes" else "yes"
    else:
        wrong = ", ".join(reversed(answer))
    return qa.format_completion(think, wrong)


RoleFn = Callable[[dict[str, Any], dict[str, Any], int], Reply]


class Script:
    """Routes requests by model name ("gen", "judge", "polish") to per-role functions of
    (record, request, how many times this role has been asked about this record)."""

    def __init__(self, records: list[dict[str, Any]]):
        self.records = records
        self.timelines = {prompts.timeline_text(r): r for r in records}
        assert len(self.timelines) == len(records), "test records need distinct timelines"
        self.thinks = {qa.split_completion(grounded_cot(r))[0]: r for r in records}  # type: ignore[index]
        self.calls: Counter = Counter()
        self.lock = threading.Lock()
        self.gen: RoleFn = lambda record, request, n: Reply(grounded_cot(record))
        self.judge: RoleFn = lambda record, request, n: Reply(JUDGE_PASS)
        self.polish: RoleFn = self.default_polish

    @staticmethod
    def default_polish(record: dict[str, Any], request: dict[str, Any], n: int) -> Reply:
        chain = last_user_text(request).split("\n\n", 1)[1]  # after the instruction paragraph
        think, answer = qa.split_completion(chain)  # type: ignore[misc]
        return Reply(qa.format_completion("Let me think this through. " + think, answer))

    def record_of(self, request: dict[str, Any]) -> dict[str, Any]:
        text = all_text(request)
        matches = [r for t, r in self.timelines.items() if t in text]
        if not matches:  # the polisher sees only the chain
            matches = [r for t, r in self.thinks.items() if t.split("\n\n")[-1] in text]
        assert len(matches) == 1, "cannot tell which sample a request is about"
        return matches[0]

    def __call__(self, request: dict[str, Any]) -> Reply:
        record = self.record_of(request)
        role = request["model"]
        with self.lock:
            self.calls[(role, record["id"])] += 1
            n = self.calls[(role, record["id"])]
        fn = {"gen": self.gen, "judge": self.judge, "polish": self.polish}[role]
        return fn(record, request, n)


def config(url: str, **overrides: Any) -> LoopConfig:
    roles = {name: RoleConfig(base_url=url, model=model, api_key_env=None, timeout_s=3.0)
             for name, model in (("generator", "gen"), ("judge", "judge"), ("polisher", "polish"))}
    settings: dict[str, Any] = {**roles, "frames": 3, "concurrency": 4,
                                "retry": RetryPolicy(max_retries=3, backoff_base_s=0.01, backoff_max_s=0.05)}
    settings.update(overrides)
    return LoopConfig(**settings)


def lines_by_id(path: Path) -> dict[str, dict[str, Any]]:
    return {line["id"]: line for line in iter_jsonl(path)}


@pytest.fixture()
def records(dataset: Path) -> list[dict[str, Any]]:
    return load_dataset(dataset)


def test_all_pass_then_rerun_is_free(dataset, records):
    script = Script(records)
    with FakeChatServer(script) as server:
        summary = run_model_cot(dataset, config(server.url))
        n = len(records)
        assert summary["passed"] == n and summary["passed_by_round"] == {"1": n}
        assert summary["polished"] == n and summary["dropped"] == 0
        assert summary["this_run"]["requests"] == 3 * n  # one generate, judge and polish each
        assert summary["this_run"]["tokens"]["generator"] == {"prompt": 100 * n, "completion": 20 * n}
        lines = lines_by_id(dataset / "cot_model.jsonl")
        for record in records:
            line = lines[record["id"]]
            assert line["status"] == "passed" and line["source"] == "model" and line["round"] == 1
            assert line["polished"] and "Let me think this through." in line["cot"]
            assert check_cot(line["cot"], record).ok
        saved = json.loads((dataset / "cot_model.summary.json").read_text())
        assert saved["passed"] == n

        # Finished samples are skipped: nothing to ask.
        again = run_model_cot(dataset, config(server.url))
        assert again["this_run"]["requests"] == 0 and again["passed"] == n
        # Without the output, every request is answered from the cache.
        (dataset / "cot_model.jsonl").unlink()
        cached = run_model_cot(dataset, config(server.url))
        assert cached["this_run"]["requests"] == 0 and cached["this_run"]["cache_hits"] == 3 * n
        assert cached["passed"] == n
        assert len(server.requests) == 3 * n


def test_generator_request_carries_frames_question_answer_timeline(dataset, records):
    script = Script(records)
    with FakeChatServer(script) as server:
        run_model_cot(dataset, config(server.url, limit=1, polish=False))
        request = server.by_model("gen")[0]
    record = records[0]
    parts = request["messages"][1]["content"]
    images = [p for p in parts if p["type"] == "image_url"]
    assert len(images) == 3 and all(p["image_url"]["url"].startswith("data:image/jpeg;base64,") for p in images)
    text = parts[-1]["text"]
    assert record["question"] in text and prompts.timeline_text(record) in text
    assert f"Correct answer: {qa.answer_for(record)}" in text
    assert request["messages"][0]["content"] == prompts.GENERATOR_SYSTEM_PROMPT
    judge = server.by_model("judge")[0]
    assert judge["response_format"] == {"type": "json_object"}


def test_video_url_mode_sends_the_mp4(dataset, records):
    script = Script(records)
    with FakeChatServer(script) as server:
        run_model_cot(dataset, config(server.url, limit=1, polish=False, media="video"))
        parts = server.by_model("gen")[0]["messages"][1]["content"]
    videos = [p for p in parts if p["type"] == "video_url"]
    assert len(videos) == 1 and videos[0]["video_url"]["url"].startswith("data:video/mp4;base64,")


def test_wrong_answer_is_fixed_after_checker_feedback(dataset, records):
    target = records[0]
    script = Script(records)
    script.gen = lambda record, request, n: Reply(
        wrong_answer_chain(record) if record is target and n == 1 else grounded_cot(record))
    with FakeChatServer(script) as server:
        summary = run_model_cot(dataset, config(server.url))
        retry = [r for r in server.by_model("gen") if script.record_of(r) is target][1]
    line = lines_by_id(dataset / "cot_model.jsonl")[target["id"]]
    assert line["status"] == "passed" and line["round"] == 2
    assert line["rounds"][0]["failure"] == "check:answer"
    assert summary["passed_by_round"] == {"1": len(records) - 1, "2": 1}
    # Reflection: the failed chain and the feedback go back to the generator.
    assert retry["messages"][2] == {"role": "assistant", "content": wrong_answer_chain(target)}
    assert "the correct answer is" in retry["messages"][3]["content"]
    # The wrong chain never reached the judge.
    assert script.calls[("judge", target["id"])] == 1


def test_judge_feedback_is_sent_back_and_fixed(dataset, records):
    target = records[1]
    feedback = "The turn happens later than you say."
    script = Script(records)
    revised = qa.format_completion("Watching again, more carefully. " + qa.split_completion(grounded_cot(target))[0],
                                   qa.answer_for(target))
    script.gen = lambda record, request, n: Reply(revised if record is target and n > 1 else grounded_cot(record))
    script.judge = lambda record, request, n: Reply(json.dumps(
        {"answer_correct": True, "events_in_order": False, "timestamps_correct": True, "feedback": feedback})
        if record is target and n == 1 else JUDGE_PASS)
    with FakeChatServer(script) as server:
        run_model_cot(dataset, config(server.url))
        retry = [r for r in server.by_model("gen") if script.record_of(r) is target][1]
    line = lines_by_id(dataset / "cot_model.jsonl")[target["id"]]
    assert line["status"] == "passed" and line["round"] == 2
    assert line["rounds"] == [{"round": 1, "failure": "judge:order", "feedback": feedback}]
    assert feedback in retry["messages"][-1]["content"]
    assert line["cot"].startswith("<think>Let me think this through. Watching again")


def test_a_chain_that_never_passes_is_dropped_after_five_rounds(dataset, records):
    target = records[2]
    script = Script(records)
    script.gen = lambda record, request, n: Reply(wrong_answer_chain(record) if record is target
                                                  else grounded_cot(record))
    with FakeChatServer(script) as server:
        summary = run_model_cot(dataset, config(server.url))
    line = lines_by_id(dataset / "cot_model.jsonl")[target["id"]]
    assert line["status"] == "dropped" and line["cot"] is None and line["round"] == 5
    assert line["reason"] == "check:answer" and len(line["rounds"]) == 5
    assert script.calls[("gen", target["id"])] == 5
    assert script.calls[("judge", target["id"])] == 0
    assert summary["dropped"] == 1 and summary["dropped_reasons"] == {"check:answer": 1}
    assert summary["failed_rounds"] == {"check:answer": 5}
    assert summary["passed"] == len(records) - 1
    # A dropped sample is finished: a rerun does not try it again.
    with FakeChatServer(script) as server:
        assert run_model_cot(dataset, config(server.url))["this_run"]["requests"] == 0


def test_server_errors_and_timeouts_are_retried(dataset, records):
    target = records[3]
    script = Script(records)
    failures = [Reply(status=500), Reply(status=503, headers={"Retry-After": "0"}), Reply(status=429),
                Reply(grounded_cot(target), delay_s=1.5)]

    def gen(record: dict[str, Any], request: dict[str, Any], n: int) -> Reply:
        if record is target and n <= len(failures):
            return failures[n - 1]
        return Reply(grounded_cot(record))

    script.gen = gen
    with FakeChatServer(script) as server:
        cfg = config(server.url, generator=RoleConfig(base_url=server.url, model="gen", api_key_env=None,
                                                      timeout_s=0.5),
                     retry=RetryPolicy(max_retries=5, backoff_base_s=0.01, backoff_max_s=0.05))
        summary = run_model_cot(dataset, cfg)
    assert lines_by_id(dataset / "cot_model.jsonl")[target["id"]]["status"] == "passed"
    assert summary["this_run"]["retries"] == 4
    assert summary["this_run"]["retry_reasons"] == {"http_500": 1, "http_503": 1, "http_429": 1, "timeout": 1}
    assert summary["passed"] == len(records) and summary["unfinished"] == 0


def test_exhausted_retries_leave_the_sample_for_the_next_run(dataset, records):
    target = records[0]
    broken = {"on": True}
    script = Script(records)
    script.gen = lambda record, request, n: (Reply(status=502) if record is target and broken["on"]
                                             else Reply(grounded_cot(record)))
    with FakeChatServer(script) as server:
        cfg = config(server.url, retry=RetryPolicy(max_retries=2, backoff_base_s=0.01, backoff_max_s=0.02))
        summary = run_model_cot(dataset, cfg)
        assert target["id"] not in lines_by_id(dataset / "cot_model.jsonl")
        assert summary["unfinished"] == 1 and summary["errors"] == {"http_502": 1}
        assert script.calls[("gen", target["id"])] == 3
        broken["on"] = False
        again = run_model_cot(dataset, cfg)
    assert again["unfinished"] == 0 and again["passed"] == len(records)
    assert again["this_run"]["requests"] == 3  # only the missing sample: generate, judge, polish


def test_malformed_judge_json_is_counted_not_fatal(dataset, records):
    repaired, hopeless = records[0], records[1]
    script = Script(records)

    def judge(record: dict[str, Any], request: dict[str, Any], n: int) -> Reply:
        if record is hopeless:
            return Reply("Looks fine to me!")
        if record is repaired and n == 1:
            return Reply('{"answer_correct": true, "events_in_order": ')  # cut off
        return Reply("```json\n" + JUDGE_PASS + "\n```")

    script.judge = judge
    with FakeChatServer(script) as server:
        summary = run_model_cot(dataset, config(server.url, max_rounds=2))
    lines = lines_by_id(dataset / "cot_model.jsonl")
    assert lines[repaired["id"]]["status"] == "passed" and lines[repaired["id"]]["judge_malformed"] == 1
    assert lines[hopeless["id"]]["status"] == "dropped"
    assert lines[hopeless["id"]]["reason"] == "judge:malformed"
    # Two rounds, each with the judge asked twice (once more after a bad reply).
    assert lines[hopeless["id"]]["judge_malformed"] == 4
    assert summary["judge_malformed"] == 5
    assert summary["passed"] == len(records) - 1


def test_a_polish_that_breaks_the_chain_is_not_kept(dataset, records):
    target = records[4]
    script = Script(records)

    def polish(record: dict[str, Any], request: dict[str, Any], n: int) -> Reply:
        if record is target:
            think, answer = qa.split_completion(grounded_cot(record))  # type: ignore[misc]
            return Reply(qa.format_completion(think + " Then at 00:59 nothing happens.", answer))
        return Script.default_polish(record, request, n)

    script.polish = polish
    with FakeChatServer(script) as server:
        summary = run_model_cot(dataset, config(server.url))
    line = lines_by_id(dataset / "cot_model.jsonl")[target["id"]]
    assert line["status"] == "passed" and not line["polished"]
    assert line["polish_rejected"] == "check:timestamps"
    assert line["cot"] == grounded_cot(target)
    assert summary["polish_rejected"] == {"check:timestamps": 1}
    assert summary["polished"] == len(records) - 1


def test_a_refusing_endpoint_stops_the_run(dataset, records):
    with FakeChatServer(lambda request: Reply(status=401, content="bad key")) as server:
        with pytest.raises(FatalEndpointError, match="401"):
            run_model_cot(dataset, config(server.url))
        assert len(server.requests) <= 4  # the workers stop after their first refusal
    summary = json.loads((dataset / "cot_model.summary.json").read_text())
    assert "401" in summary["fatal"] and summary["finished"] == 0


def test_killed_run_resumes_without_repeating_finished_samples(dataset, records):
    records = sorted(records, key=lambda r: r["id"])
    hang_on = records[2]
    script = Script(records)
    hanging, release = threading.Event(), threading.Event()

    def gen(record: dict[str, Any], request: dict[str, Any], n: int) -> Reply:
        if record is hang_on and n == 1:
            hanging.set()
            release.wait(30)
        return Reply(grounded_cot(record))

    script.gen = gen
    out = dataset / "cot_model.jsonl"
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    with FakeChatServer(script) as server:
        command = [sys.executable, "-m", "synrl.cli", "cot", str(dataset), "--generator-url", server.url,
                   "--generator-model", "gen", "--judge-model", "judge", "--polisher-model", "polish",
                   "--api-key-env", "", "--concurrency", "1", "--frames", "2", "--backoff", "0.01"]
        first = subprocess.Popen(command + ["--timeout", "60"], env=env, stdout=subprocess.DEVNULL,
                                 stderr=subprocess.PIPE)
        try:
            assert hanging.wait(60), first.stderr.read().decode() if first.poll() is not None else "no request"
            deadline = time.monotonic() + 10
            while len(list(iter_jsonl(out))) < 2 and time.monotonic() < deadline:
                time.sleep(0.05)
            first.kill()
            first.wait(10)
        finally:
            release.set()
        before = [line["id"] for line in iter_jsonl(out)]
        assert before == [records[0]["id"], records[1]["id"]]
        assert out.read_bytes().endswith(b"\n")
        seen = len(server.requests)

        second = subprocess.run(command, env=env, capture_output=True, timeout=120)
        assert second.returncode == 0, second.stderr.decode()
        rerun_requests = server.requests[seen:]

    after = [line["id"] for line in iter_jsonl(out)]
    assert sorted(after) == sorted(r["id"] for r in records) and len(after) == len(set(after))
    assert after[:2] == before
    asked_again = {script.record_of(r)["id"] for r in rerun_requests}
    assert not asked_again & set(before)
    # Only the sample cut off mid-request is asked about twice; every other request ran once.
    for record in records:
        assert script.calls[("gen", record["id"])] == (2 if record is hang_on else 1)
        assert script.calls[("judge", record["id"])] == 1
