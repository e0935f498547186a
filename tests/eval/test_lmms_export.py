"""The lmms-eval export of the synthetic suite: files, hooks, and loading by lmms-eval itself."""

from __future__ import annotations

import importlib.util
import json

import pytest
import yaml
from typer.testing import CliRunner

from synrl.cli.eval import eval_app
from synrl.qa import answer_for
from synrl.dataset import load_dataset


class _TaskLoader(yaml.SafeLoader):
    pass


_TaskLoader.add_constructor("!function", lambda loader, node: f"!function {loader.construct_scalar(node)}")


@pytest.fixture(scope="module")
def exported(suite, tmp_path_factory):
    out = tmp_path_factory.mktemp("lmms_task")
    result = CliRunner().invoke(eval_app, ["export-lmms-eval", str(out), "--data", str(suite)])
    assert result.exit_code == 0, result.output
    return out


def test_export_files_and_hooks(suite, exported, monkeypatch):
    task = yaml.load((exported / "synrl_suite.yaml").read_text(), Loader=_TaskLoader)
    assert task["task"] == "synrl_suite" and task["output_type"] == "generate_until"
    assert task["process_results"] == "!function utils.process_results"
    rows = [json.loads(line) for line in (exported / "synrl_suite.jsonl").read_text().splitlines()]
    records = {r["id"]: r for r in load_dataset(suite)}
    assert len(rows) == len(records)
    monkeypatch.syspath_prepend(str(exported))
    import utils  # the exported shim

    results = []
    for row in rows:
        assert all(isinstance(v, (str, bool)) for v in row.values())  # Arrow-typable columns
        assert utils.doc_to_visual(row)[0].endswith(".mp4")
        assert utils.doc_to_text(row).endswith("</answer> tags. " + row["prompt"].split("</answer> tags. ")[-1])
        right = f"<answer>{answer_for(records[row['id']])}</answer>"
        results.append(utils.process_results(row, [right])["accuracy"])
    assert utils.aggregate_accuracy(results) == 1.0
    junk = utils.process_results(rows[0], [""])
    assert junk["accuracy"]["score"] == 0.0 and junk["unparseable_rate"] == 1.0


def test_lmms_eval_loads_the_task(exported):
    if importlib.util.find_spec("lmms_eval") is None:
        pytest.skip("lmms-eval is not installed (see docs/evaluation.md: it pins av<16)")
    from tests.train._tv_workaround import register_torchvision_schemas

    register_torchvision_schemas()
    tasks = pytest.importorskip("lmms_eval.tasks")
    manager = tasks.TaskManager(include_path=str(exported))
    assert "synrl_suite" in manager.all_tasks
    task = tasks.get_task_dict(["synrl_suite"], manager)["synrl_suite"]
    docs = list(task.test_docs())
    assert docs and task.doc_to_text(docs[0]).startswith(docs[0]["question"].strip()[:20])
    scored = task.process_results(docs[0], ["<answer>nothing</answer>"])
    assert scored["accuracy"]["score"] == 0.0


@pytest.mark.slow
def test_lmms_eval_cli_runs_the_task_with_the_tiny_model(exported, tmp_path):
    """lmms-eval's own CLI and its qwen2_5_vl model (needs lmms-eval and decord installed)."""
    import subprocess
    import sys
    from pathlib import Path

    for module in ("lmms_eval", "decord", "torch"):
        if importlib.util.find_spec(module) is None:
            pytest.skip(f"{module} is not installed")
    from tests.train._tv_workaround import register_torchvision_schemas

    register_torchvision_schemas()
    from synrl.train.tiny import build_tiny_model

    tiny = build_tiny_model("qwen2_5_vl", tmp_path / "tiny")
    root = Path(__file__).resolve().parents[2]
    script = (
        "import sys, runpy\n"
        f"sys.path.insert(0, {str(root)!r})\n"
        "from tests.train._tv_workaround import register_torchvision_schemas\n"
        "register_torchvision_schemas()\n"
        "sys.argv = ['lmms_eval', '--model', 'qwen2_5_vl', '--model_args',\n"
        f"  'pretrained={tiny},device_map=cpu,max_num_frames=4,max_pixels=12544,min_pixels=3136',\n"
        f"  '--tasks', 'synrl_suite', '--include_path', {str(exported)!r}, '--limit', '2',\n"
        f"  '--batch_size', '1', '--device', 'cpu', '--output_path', {str(tmp_path / 'out')!r},\n"
        "  '--gen_kwargs', 'max_new_tokens=8']\n"
        "runpy.run_module('lmms_eval', run_name='__main__')\n"
    )
    run = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stderr[-3000:]
    assert "|synrl_suite|" in run.stdout and "accuracy" in run.stdout, run.stdout[-3000:]
