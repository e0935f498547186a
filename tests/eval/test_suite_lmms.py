"""The suite's lmms-eval route, in lmms-eval's own venv (skipped where lmms-eval is absent).

CI runs this file with .venv-lmms (lmms-eval 0.7.3 + synrl): the synrl model wrapper, the
task overlays of every lmms-eval benchmark of the paper suite, and the suite end to end
(TOMATO, TemporalBench and CVBench in their published formats, the tiny Qwen2.5-VL) through lmms-eval.
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


def test_suite_through_lmms_eval_end_to_end(tmp_path):
    """The whole paper suite: TOMATO, TemporalBench and CVBench run by lmms-eval with the tiny model, every other
    benchmark reported missing, every column in the table."""
    from synrl.eval.paper_reference import TABLE_BLOCKS
    from synrl.eval.suite import PAPER_SUITE, SuiteOptions, load_suite, run_suite, suite_columns
    from synrl.train.tiny import build_tiny_model

    data = tmp_path / "data"
    fx.tomato(data)
    fx.cvbench(data)
    fx.temporalbench(data)
    tiny = build_tiny_model("qwen2_5_vl", tmp_path / "tiny")
    options = SuiteOptions(model=str(tiny), device="cpu", max_new_tokens=8, num_frames=4, max_pixels=56 * 56,
                           lmms_python=sys.executable,
                           lmms_env={"SYNRL_LMMS_PRELUDE": "tests.train._tv_workaround:register_torchvision_schemas",
                                     "PYTHONPATH": str(ROOT)})
    # The synrl-route benchmarks are covered in the main venv (test_suite.py); here only lmms-eval's.
    lmms_keys = [b.key for b in PAPER_SUITE if b.route == "lmms"]
    run_suite("paper", tmp_path / "out", data, options, lmms_keys)
    result = load_suite(tmp_path / "out")
    status = {e["key"]: e for e in result["benchmarks"]}
    assert status["tomato"]["status"] == "ok", status["tomato"]["error"]
    assert status["cvbench"]["status"] == "ok", status["cvbench"]["error"]
    assert status["temporalbench"]["status"] == "ok", status["temporalbench"]["error"]
    ran = {"tomato", "cvbench", "temporalbench"}
    assert {k for k, e in status.items() if e["status"] == "missing"} == set(lmms_keys) - ran
    assert 0.0 <= status["tomato"]["columns"]["TOMATO"] <= 1.0
    assert set(status["cvbench"]["columns"]) == {"CVBench"}
    # TemporalBench's scorer returns binary and multiple-binary accuracy: both columns filled
    tb = status["temporalbench"]["columns"]
    assert set(tb) == {"TemporalBench Binary Acc.", "TemporalBench Multiple Binary Acc."}
    assert tb["TemporalBench Multiple Binary Acc."] <= tb["TemporalBench Binary Acc."] <= 1.0
    assert status["temporalbench"]["details"]["questions"] == 4
    raw = status["temporalbench"]["details"]["raw"]["synrl_temporalbench_short_qa"]
    assert [v / 100 for v in raw] == [tb["TemporalBench Binary Acc."], tb["TemporalBench Multiple Binary Acc."]]
    # lmms-eval really answered every question, through synrl's wrapper (raw responses logged)
    for key, n in (("tomato", 2), ("cvbench", 2), ("temporalbench", 4)):
        rows = (tmp_path / "out" / key / "responses.jsonl").read_text().splitlines()
        assert len(rows) == n
    assert status["tomato"]["frames"]["num_frames"] == 4
    table = (tmp_path / "out" / "table.md").read_text()
    for column in suite_columns(tuple(b for b in PAPER_SUITE if b.route == "lmms")):
        assert column in table
    assert "| **this run** |" in table and "| Qwen3-VL-4B + SynRL |" in table
    assert "missing" in table and TABLE_BLOCKS[0][0] in table
