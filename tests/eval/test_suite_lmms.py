"""The suite's lmms-eval route, in lmms-eval's own venv (skipped where lmms-eval is absent).

CI runs this file with .venv-lmms (lmms-eval 0.7.3 + synrl): the synrl model wrapper, the
task overlays of every lmms-eval benchmark of the paper suite, the suite end to end (all eleven
lmms-eval-route benchmarks on files in the format each task reads, the tiny Qwen2.5-VL) through
lmms-eval, synrl's Vinoground aggregation against lmms-eval's, and the server route (lmms-eval's
openai model) against a real local OpenAI-protocol server.
"""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

import pytest

if importlib.util.find_spec("lmms_eval") is None:
    pytest.skip("lmms-eval is not installed (it runs in .venv-lmms, see .ci/envs.sh)", allow_module_level=True)

from tests.train._tv_workaround import register_torchvision_schemas  # noqa: E402

register_torchvision_schemas()

from tests.eval import suite_fixtures as fx  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]


class _Echo:
    """A stand-in lmms-eval model recording what it is asked."""

    instances: list = []

    def __init__(self, reply: str = "<think>it moves right</think><answer>B</answer>", **kwargs):
        self.system_prompt = "You are a helpful assistant."
        self.reply = reply
        self.seen: list = []
        self.task_dict = {}
        _Echo.instances.append(self)

    def generate_until(self, requests):
        self.seen = [r.arguments for r in requests]
        return [self.reply, "no tags at all", "\n\n"][: len(requests)]


def test_wrapper_sends_synrl_prompts_and_filters_answers(monkeypatch, tmp_path):
    from lmms_eval.api.instance import Instance

    from synrl.eval.lmms import model as wrapper
    from synrl.qa import SYSTEM_PROMPT, THINK_INSTRUCTION

    monkeypatch.setattr(wrapper, "get_model", lambda name, force_simple=False: _Echo)
    log = tmp_path / "raw.jsonl"
    m = wrapper.SynrlModel(base="echo", max_new_tokens="256", raw_log=str(log))
    assert m.inner.system_prompt == SYSTEM_PROMPT
    m.task_dict = {"t": {}}
    assert m.inner.task_dict == {"t": {}}
    requests = [Instance(request_type="generate_until", arguments=(f"Question {i}?", {"max_new_tokens": 16}, None, i,
                                                                   "tomato", "test"), idx=0,
                         metadata={"task": "tomato", "doc_id": i, "repeats": 1}) for i in range(3)]
    out = m.generate_until(requests)
    # the answer block; an untagged reply passes through unchanged; a blank one is marked
    assert out == ["B", "no tags at all", wrapper.NO_ANSWER]
    context, gen_kwargs, *_ = m.inner.seen[0]
    assert context == f"Question 0?\n{THINK_INSTRUCTION}" and gen_kwargs["max_new_tokens"] == 256
    rows = [json.loads(line) for line in log.read_text().splitlines()]
    assert rows[0]["raw"].startswith("<think>") and rows[0]["filtered"] == "B"


def test_every_lmms_benchmark_of_the_suite_has_a_loadable_overlay(tmp_path):
    """Each lmms-eval task the paper suite names exists in this lmms-eval and its overlay loads."""
    from lmms_eval.tasks import TaskManager

    from synrl.eval.lmms.tasks import overlay_name, write_overlays
    from synrl.eval.suite import PAPER_SUITE

    include = tmp_path / "include"
    names = []
    for bench in (b for b in PAPER_SUITE if b.route == "lmms"):
        folder = tmp_path / "data" / bench.folder
        folder.mkdir(parents=True)
        (folder / "test.jsonl").write_text("")
        if bench.lmms_data_file:
            (folder / bench.lmms_data_file).write_text("[]")
        write_overlays(bench, folder, include)
        names += [overlay_name(t) for t in bench.lmms_tasks]
    manager = TaskManager(include_path=str(include))
    missing = [n for n in names if n not in manager.all_tasks]
    assert not missing, missing
    config = manager._get_config(overlay_name("mvbench_action_sequence"))
    assert config["dataset_path"].endswith("mvbench_video")  # only the data location changed
    assert "process_results" in config and config["task"] == "synrl_mvbench_action_sequence"


#: Questions each lmms-eval-route fixture holds (MVBench: one per subset, TVBench likewise,
#: Vinoground: two caption pairs x text/video x pos/neg, VideoMMMU: 1 + 1 + 2).
FIXTURE_QUESTIONS = {"tomato": 2, "videott": 2, "mvbench": 20, "videomme": 2, "temporalbench": 4, "vinoground": 8,
                     "videommmu": 4, "vcrbench": 2, "cvbench": 2, "tvbench": 10, "minerva": 2}


def _lmms_options(model: str, **extra) -> "SuiteOptions":  # noqa: F821
    from synrl.eval.suite import SuiteOptions

    env = {"SYNRL_LMMS_PRELUDE": "tests.train._tv_workaround:register_torchvision_schemas", "PYTHONPATH": str(ROOT),
           **extra.pop("env", {})}
    return SuiteOptions(model=model, device="cpu", max_new_tokens=8, num_frames=4, max_pixels=56 * 56,
                        lmms_python=sys.executable, lmms_env=env, **extra)


def test_suite_through_lmms_eval_end_to_end(tmp_path):
    """All eleven lmms-eval-route benchmarks, each on files in the format its lmms-eval task reads,
    run by lmms-eval with the tiny model through synrl's wrapper; the table has every column."""
    from synrl.eval.paper_reference import TABLE_BLOCKS
    from synrl.eval.suite import PAPER_SUITE, load_suite, run_suite, suite_columns
    from synrl.train.tiny import build_tiny_model

    data = tmp_path / "data"
    lmms_keys = [b.key for b in PAPER_SUITE if b.route == "lmms"]
    assert sorted(lmms_keys) == sorted(fx.LMMS_WRITERS)
    for key in lmms_keys:
        fx.LMMS_WRITERS[key](data)
    tiny = build_tiny_model("qwen2_5_vl", tmp_path / "tiny")
    # The synrl-route benchmarks are covered in the main venv (test_suite.py); here only lmms-eval's.
    run_suite("paper", tmp_path / "out", data, _lmms_options(str(tiny)), lmms_keys)
    result = load_suite(tmp_path / "out")
    status = {e["key"]: e for e in result["benchmarks"]}
    failed = {k: e["error"] for k, e in status.items() if e["status"] != "ok"}
    assert not failed, failed
    for bench in (b for b in PAPER_SUITE if b.route == "lmms"):
        entry = status[bench.key]
        assert set(entry["columns"]) == set(bench.columns), bench.key
        assert all(0.0 <= v <= 1.0 for v in entry["columns"].values()), entry["columns"]
        # lmms-eval answered every question of the fixture, through synrl's wrapper (raw responses logged)
        assert entry["details"]["questions"] == FIXTURE_QUESTIONS[bench.key], bench.key
        rows = (tmp_path / "out" / bench.key / "responses.jsonl").read_text().splitlines()
        assert len(rows) == FIXTURE_QUESTIONS[bench.key], bench.key
        assert entry["frames"]["num_frames"] == 4 and entry["frames"]["max_pixels"] == 56 * 56
    # TemporalBench's scorer returns binary and multiple-binary accuracy: both columns filled
    tb = status["temporalbench"]["columns"]
    assert tb["TemporalBench Multiple Binary Acc."] <= tb["TemporalBench Binary Acc."] <= 1.0
    raw = status["temporalbench"]["details"]["raw"]["synrl_temporalbench_short_qa"]
    assert [v / 100 for v in raw] == [tb["TemporalBench Binary Acc."], tb["TemporalBench Multiple Binary Acc."]]
    # Vinoground: text, video and group score from synrl's aggregation; the column is the text score
    vino = status["vinoground"]["details"]["raw"]["synrl_vinoground"]
    assert len(vino) == 3 and status["vinoground"]["columns"]["Vinoground"] == vino[0] / 100
    # VCR-Bench keeps its own protocol's fps under the --num-frames override; Qwen2.5-VL cannot follow it
    assert status["vcrbench"]["frames"]["fps"] == 1.0 and "does not sample by fps" in status["vcrbench"]["frames"]["note"]
    table = (tmp_path / "out" / "table.md").read_text()
    block = table.split("## " + TABLE_BLOCKS[0][0])[1].split("## ")[0]
    run_row = next(line for line in block.splitlines() if line.startswith("| **this run** |"))
    assert "missing" not in run_row and "failed" not in run_row and run_row.count("**") == 2 * 7
    for column in suite_columns(tuple(b for b in PAPER_SUITE if b.route == "lmms")):
        assert column in table
    assert "| Qwen3-VL-4B + SynRL |" in table


def test_vinoground_aggregation_matches_lmms_eval_on_the_full_benchmark(tmp_path, monkeypatch):
    """On all 500 caption pairs synrl's aggregation gives lmms-eval's three numbers; on a subset,
    where lmms-eval's raises KeyError, it scores the pairs present."""
    import random

    from lmms_eval.tasks.vinoground import utils as lmms_vinoground

    from synrl.eval.lmms.vinoground import aggregate, scores

    rng = random.Random(0)
    text_keys = {f"{n}_{p}": {"GT": rng.choice("AB")} for n in range(500) for p in ("pos", "neg")}
    video_keys = {f"{n}_{p}": {"GT": rng.choice("AB")} for n in range(500) for p in ("pos", "neg")}
    results = [{"index": f"{n}_{p}", "question_type": kind, "categories": ["all", "action"],
                "pred": rng.choice(["A", "B", "b) the second"])}
               for n in range(500) for p in ("pos", "neg") for kind in ("text", "video")]
    monkeypatch.setattr(lmms_vinoground, "prep_data", lambda: (text_keys, video_keys))
    expected = lmms_vinoground.vinoground_aggregate_results(results)
    assert aggregate(results) == pytest.approx(tuple(float(v) for v in expected))
    with pytest.raises(KeyError):
        lmms_vinoground.vinoground_aggregate_results(results[:8])
    first_two = [r for r in results if int(r["index"].split("_")[0]) < 2]
    right = {r["index"].split("_")[0] + r["question_type"]: True for r in first_two}
    for r in first_two:
        keys = text_keys if r["question_type"] == "text" else video_keys
        ok = r["pred"][0].lower() == keys[r["index"]]["GT"].lower()
        right[r["index"].split("_")[0] + r["question_type"]] &= ok
    text = 100 * sum(right[f"{n}text"] for n in "01") / 2
    video = 100 * sum(right[f"{n}video"] for n in "01") / 2
    group = 100 * sum(right[f"{n}text"] and right[f"{n}video"] for n in "01") / 2
    assert scores(first_two, text_keys, video_keys) == (text, video, group)


def test_server_route_sends_synrl_system_prompt_and_reads_the_answer_block(tmp_path):
    """lmms-eval's openai model against a real local OpenAI-protocol server: synrl's wrapper puts
    synrl's system prompt first, appends the think/answer instruction, scales the frames to the
    pixel budget, and the task's scorer reads the <answer> block, not the reasoning."""
    import base64
    import io

    from PIL import Image

    from synrl.eval.suite import load_suite, run_suite
    from synrl.qa import SYSTEM_PROMPT, THINK_INSTRUCTION
    from tests.cot.fake_openai import FakeChatServer, Reply, last_user_text

    def answer(request):
        # The reasoning names the wrong letter first: a scorer reading the raw reply (Video-TT's
        # first capital A-E) would mark both questions wrong.
        if fx.COUNT_QUESTION in last_user_text(request):
            return Reply("<think>Not B or C: I see one square.</think><answer>A</answer>")
        return Reply("<think>A square moving left would be A; this one moves right.</think><answer>B</answer>")

    data = tmp_path / "data"
    fx.videott(data)
    with FakeChatServer(answer) as server:
        options = _lmms_options(server.url, served_model="served-tiny",
                                env={"OPENAI_API_KEY": "local", "NO_PROXY": "127.0.0.1,localhost"})
        run_suite("paper", tmp_path / "out", data, options, ["videott"])
        requests = list(server.requests)
    entry = load_suite(tmp_path / "out")["benchmarks"][0]
    assert entry["status"] == "ok", entry["error"]
    assert entry["columns"] == {"Video-TT": 1.0}
    assert len(requests) == 2
    for request in requests:
        assert request["model"] == "served-tiny" and request["max_tokens"] == 8
        system, user = request["messages"]
        assert system == {"role": "system", "content": SYSTEM_PROMPT} and user["role"] == "user"
        assert last_user_text(request).endswith(THINK_INSTRUCTION)
        frames = [Image.open(io.BytesIO(base64.b64decode(part["image_url"]["url"].split(",", 1)[1])))
                  for part in user["content"] if part["type"] == "image_url"]
        assert 4 <= len(frames) <= 5  # lmms-eval's openai model adds the last frame when it is not sampled
        assert all(f.width * f.height <= 56 * 56 for f in frames)
    rows = [json.loads(line) for line in (tmp_path / "out" / "videott" / "responses.jsonl").read_text().splitlines()]
    assert sorted(r["filtered"] for r in rows) == ["A", "B"] and all(r["raw"].startswith("<think>") for r in rows)
