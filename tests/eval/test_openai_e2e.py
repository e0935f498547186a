"""End to end through the CLI: the OpenAI backend against a real local chat-completions server."""

from __future__ import annotations

import json
import threading
from pathlib import Path

from typer.testing import CliRunner

from synrl.cli.eval import eval_app
from synrl.qa import answer_for, user_prompt
from synrl.dataset import load_dataset
from tests.cot.fake_openai import FakeChatServer, Reply, last_user_text

runner = CliRunner()


def _answers(suite: Path) -> dict[str, dict]:
    """prompt text -> record (the fake model recognises a question by its full prompt)."""
    records = {user_prompt(r): r for r in load_dataset(suite)}
    assert len(records) == len(load_dataset(suite)), "two samples share a prompt; pick other tasks"
    return records


def _record_for(request: dict, records: dict[str, dict]) -> dict:
    text = last_user_text(request)
    matches = [r for prompt, r in records.items() if text.endswith(prompt)]
    assert len(matches) == 1, text
    return matches[0]


def _run(*args: str) -> object:
    result = runner.invoke(eval_app, ["run", *args], catch_exceptions=False)
    return result


def test_synthetic_suite_through_openai_backend(suite, tmp_path):
    records = _answers(suite)
    by_id = {r["id"]: r for r in records.values()}
    wrong_id = min(i for i, r in by_id.items() if r["answer_type"] == "multiple_choice")
    order = sorted(i for i in by_id if i != wrong_id)
    empty_id, junk_id, broken_id = order[0], order[1], order[2]
    flaky: dict[str, int] = {}
    lock = threading.Lock()

    def handler(request: dict) -> Reply:
        record = _record_for(request, records)
        rid = record["id"]
        assert request["messages"][0]["role"] == "system"
        images = [p for p in request["messages"][-1]["content"] if p["type"] == "image_url"]
        assert len(images) == 4 and images[0]["image_url"]["url"].startswith("data:image/jpeg;base64,")
        assert request["temperature"] == 0.01 and request["max_tokens"] == 64
        with lock:
            flaky[rid] = flaky.get(rid, 0) + 1
            calls = flaky[rid]
        if calls == 1 and rid == order[3]:
            return Reply(status=503)  # retried, then answered
        if rid == broken_id:
            return Reply(status=500)  # fails every time: counted as failed, never dropped
        if rid == empty_id:
            return Reply(content="")
        if rid == junk_id:
            return Reply(content="<think>hmm</think><answer>I cannot tell</answer>")
        answer = answer_for(record)
        if rid == wrong_id:  # a real but wrong option: parsed fine, scored 0
            answer = min(letter for letter in record["options"] if letter != record["answer"])
        return Reply(content=f"<think>watching</think><answer>{answer}</answer>")

    out = tmp_path / "run"
    with FakeChatServer(handler) as server:
        args = ["synthetic", "--data", str(suite), "--out", str(out), "--base-url", server.url, "--model", "fake-vl",
                "--num-frames", "4", "--max-pixels", "4096", "--max-new-tokens", "64", "--retries", "2",
                "--backoff", "0.05", "--concurrency", "3"]
        first = _run(*args)
        assert first.exit_code == 0, first.output
        requests_first = len(server.requests)
        metrics = json.loads((out / "metrics.json").read_text())
        overall = metrics["overall"]
        n = len(records)
        assert overall["questions"] == n
        assert (overall["failed"], overall["empty"], overall["unparseable"], overall["missing"]) == (1, 1, 1, 0)
        # four questions wrong (wrong, empty, junk, failed), all in the denominator
        assert overall["score"] == (n - 4) / n
        assert set(metrics["by"]) >= {"task", "family", "primitive"}
        assert (out / "report.md").read_text().count("| overall |") == 1
        assert (out / "charts" / "by_task.png").stat().st_size > 0
        run_json = json.loads((out / "run.json").read_text())
        assert run_json["config"]["frames"]["num_frames"] == 4
        assert run_json["config"]["decoding"]["max_new_tokens"] == 64
        # resume: only the failed question is asked again (3 attempts), everything else skipped
        second = _run(*args)
        assert second.exit_code == 0, second.output
        assert len(server.requests) - requests_first == 3
        lines = (out / "predictions.jsonl").read_text().splitlines()
        assert len(lines) == n + 1


def test_pass_at_k_and_compare(suite, tmp_path):
    records = _answers(suite)
    seen: dict[tuple[str, int], int] = {}

    def handler(request: dict) -> Reply:
        record = _record_for(request, records)
        # seed = base + k: the first sample of each question is wrong, the second right
        right = request.get("seed", 0) % 2 == 1
        answer = answer_for(record) if right else "nothing"
        seen[(record["id"], request.get("seed", 0))] = 1
        return Reply(content=f"<answer>{answer}</answer>")

    out_a, out_b = tmp_path / "a", tmp_path / "b"
    with FakeChatServer(handler) as server:
        common = ["synthetic", "--data", str(suite), "--base-url", server.url, "--num-frames", "2",
                  "--max-pixels", "4096", "--temperature", "0.7", "--top-p", "0.95"]
        result = _run(*common, "--out", str(out_a), "--samples", "2", "--k", "1,2")
        assert result.exit_code == 0, result.output
        result = _run(*common, "--out", str(out_b), "--samples", "1", "--seed", "1")
        assert result.exit_code == 0, result.output
    a = json.loads((out_a / "metrics.json").read_text())["overall"]
    # pass@1 = mean of (1 correct of 2) = 0.5 per question; pass@2 = 1
    assert a["pass@1"] == 0.5 and a["pass@2"] == 1.0
    assert a["unparseable"] + a["predictions"] > 0
    b = json.loads((out_b / "metrics.json").read_text())["overall"]
    assert b["score"] == 1.0
    cmp = runner.invoke(eval_app, ["compare", str(out_a), str(out_b), "--out", str(tmp_path / "cmp.md")])
    assert cmp.exit_code == 0, cmp.output
    table = (tmp_path / "cmp.md").read_text()
    assert "| overall |" in table and "+50.0" in table
    # a run folder refuses predictions of other settings
    clash = runner.invoke(eval_app, ["run", *common[:-4], "--out", str(out_a), "--base-url", "http://127.0.0.1:9/v1"])
    assert clash.exit_code == 2 and "other settings" in clash.output


def test_charades_sta_grounding_through_cli(suite, tmp_path):
    import shutil

    videos = sorted((suite / "videos").glob("*.mp4"))
    data = tmp_path / "Charades-STA"
    (data / "Charades_v1_480").mkdir(parents=True)
    shutil.copy(videos[0], data / "Charades_v1_480" / "AAAAA.mp4")
    # GT [0.5,1.5] vs prediction [0.5,1.5]: IoU 1, IoP 1; GT [1,2]: IoU 0.5/1.5 = 1/3, IoP 0.5;
    # the third video was never downloaded: failed, scored 0, still counted
    (data / "charades_sta_test.txt").write_text(
        "AAAAA 0.5 1.5##a shape moves.\nAAAAA 1.0 2.0##a shape turns.\nMISSING 0.0 1.0##nothing.\n")
    with FakeChatServer(lambda request: Reply(content="<think>t</think><answer>0.5 to 1.5</answer>")) as server:
        out = tmp_path / "run"
        result = _run("charades_sta", "--data", str(data), "--out", str(out), "--base-url", server.url,
                      "--num-frames", "2", "--max-pixels", "4096")
        assert result.exit_code == 0, result.output
        assert len(server.requests) == 2
        texts = [p["text"] for p in server.requests[0]["messages"][-1]["content"] if p["type"] == "text"]
        assert any(t.endswith("s") and t[:-1].replace(".", "").isdigit() for t in texts)  # frame times
        overall = json.loads((out / "metrics.json").read_text())["overall"]
        assert overall["questions"] == 3 and overall["failed"] == 1
        assert overall["R@0.3"] == 2 / 3 and overall["R@0.5"] == 1 / 3 and overall["R@0.7"] == 1 / 3
        assert abs(overall["mIoU"] - 4 / 9) < 1e-9 and abs(overall["mIoP"] - 0.5) < 1e-9
        # video_url mode: the server gets a file:// URL instead of frames
        out2 = tmp_path / "run2"
        result = _run("charades_sta", "--data", str(data), "--out", str(out2), "--base-url", server.url,
                      "--video-input", "video_url", "--limit", "1")
        assert result.exit_code == 0, result.output
        parts = server.requests[-1]["messages"][-1]["content"]
        assert parts[0]["type"] == "video_url" and parts[0]["video_url"]["url"].startswith("file://")


def test_timeouts_are_retried_then_counted(suite):
    from synrl.eval.backends.base import Request
    from synrl.eval.backends.openai_backend import OpenAIBackend
    from synrl.eval.benchmarks import load_benchmark
    from synrl.eval.config import DecodingConfig, FrameConfig, OpenAIConfig

    samples = load_benchmark("synthetic", suite)[:2]
    calls: dict[str, int] = {}

    def handler(request: dict) -> Reply:
        key = last_user_text(request)
        calls[key] = calls.get(key, 0) + 1
        slow = key.endswith(samples[1].prompt_text()) or calls[key] == 1
        return Reply(content="<answer>A</answer>", delay_s=1.0 if slow else 0.0)

    with FakeChatServer(handler) as server:
        backend = OpenAIBackend(OpenAIConfig(base_url=server.url, model="m", retries=1, timeout_s=0.3, backoff_s=0.01),
                                FrameConfig(num_frames=2, max_pixels=4096), DecodingConfig(), None)
        done = {c.id: c for c in backend.run([Request(s, 0) for s in samples])}
        backend.close()
    # first sample: timed out once, answered on the retry
    assert done[samples[0].id].text == "<answer>A</answer>" and done[samples[0].id].attempts == 2
    # second: always too slow -> a failed completion with the error, after 1 + 1 attempts
    assert done[samples[1].id].text is None and done[samples[1].id].attempts == 2
    assert done[samples[1].id].error.startswith("timeout:")
