"""``synrl eval suite paper``: the synrl route end to end (tiny model), the reference rows,
the table layout, missing/failed benchmarks, ``eval compare`` on suite runs, and the new
AoTBench loader and CVBench hooks on files in their published formats."""

from __future__ import annotations

import json
import sys

import pytest
from typer.testing import CliRunner

from synrl.cli.eval import eval_app
from synrl.eval.paper_reference import TABLE_BLOCKS, reference_rows
from synrl.eval.suite import PAPER_SUITE, SuiteOptions, select, suite_columns
from tests.eval import suite_fixtures as fx

SYNRL_ROUTE = ["aotbench", "nextgqa", "rextime", "charades_sta"]


def test_reference_rows_are_the_papers_numbers():
    rows = {r["label"]: r["values"] for r in reference_rows()}
    assert rows["Qwen3-VL-4B"]["TOMATO"] == (32.1, "Table 1")
    assert rows["Qwen3-VL-8B + SynRL"]["Vinoground"] == (47.6, "Table 2")
    assert rows["Qwen3-VL-4B + SynRL"]["ReXTime mIoU"] == (28.9, "Table 3")
    assert rows["Qwen2.5-VL-7B"]["NExT-GQA R@0.3"] == (31.6, "Table 3")
    assert rows["Qwen3-VL-4B + SynRL"]["Charades R@0.3"] == (73.7, "Table 4")
    assert rows["Qwen3-VL-4B ++ SynRL (2nd RL round)"]["AoTBench"] == (54.9, "Table 7")
    columns = {c for _, block in TABLE_BLOCKS for c in block}
    # every reference number belongs to a column of the table, every table column to a benchmark
    assert all(set(values) <= columns for values in rows.values())
    assert columns == set(suite_columns(PAPER_SUITE))


def test_suite_selection():
    assert [b.key for b in select("paper", optional=False)][:2] == ["tomato", "videott"]
    assert len(select("paper", optional=False)) == 15  # the paper's 15 benchmarks
    with pytest.raises(ValueError, match="unknown benchmark"):
        select("paper", ["nope"])
    with pytest.raises(ValueError, match="unknown suite"):
        select("other")


def test_benchmarks_command_lists_the_suite_layouts():
    result = CliRunner().invoke(eval_app, ["benchmarks"])
    assert result.exit_code == 0, result.output
    text = " ".join(result.output.split())  # the console wraps long lines
    assert "aotbench (multiple_choice)" in text and "Suite paper" in text
    for bench in PAPER_SUITE:  # each benchmark's folder and download source, in one place
        assert f"[{bench.key}]" in text and " ".join(bench.source.split()) in text


def test_aotbench_loader_reads_the_released_json(tmp_path):
    from synrl.eval.benchmarks import BenchmarkError, load_benchmark

    folder = fx.aotbench(tmp_path)
    samples = load_benchmark("aotbench", folder)
    assert [s.id for s in samples] == ["ReverseFilm-0", "UCF101-0"]
    assert samples[0].answer == "B" and samples[0].options == {"A": "forward", "B": "reverse"}
    assert samples[0].video == str((folder / "ReverseFilm/r0.mp4").resolve())
    assert samples[0].prompt_text().startswith("Is this video played forward") and "<answer>" in samples[0].prompt_text()
    (folder / "data_files/input/UCF101.json").write_text(json.dumps([{"qa_idx": 1, "video_name": "x.mp4"}]))
    with pytest.raises(BenchmarkError, match="needs qa_idx"):
        load_benchmark("aotbench", folder)


def test_cvbench_hooks_follow_the_published_task(tmp_path, monkeypatch):
    from synrl.eval.lmms import cvbench

    folder = fx.cvbench(tmp_path)
    monkeypatch.setenv("SYNRL_CVBENCH_ROOT", str(folder))
    rows = [json.loads(line) for line in (folder / "test.jsonl").read_text().splitlines()]
    assert cvbench.doc_to_visual(rows[0]) == [str(folder / "videos/a.mp4"), str(folder / "videos/b.mp4")]
    assert "letter (A, B, C, or D)" in cvbench.doc_to_text(rows[0]) and "(YES or NO)" in cvbench.doc_to_text(rows[1])
    scored = [cvbench.process_results(rows[0], ["A"])["cvbench_accuracy"],
              cvbench.process_results(rows[1], ["no"])["cvbench_accuracy"],
              cvbench.process_results(rows[0], [""])["cvbench_accuracy"]]
    assert [s["correct"] for s in scored] == [1.0, 0.0, 0.0]
    assert cvbench.aggregate(scored) == pytest.approx(1 / 3)


@pytest.fixture(scope="module")
def tiny_model(tmp_path_factory):
    pytest.importorskip("transformers")
    from tests.train._tv_workaround import register_torchvision_schemas

    register_torchvision_schemas()
    from synrl.train.tiny import build_tiny_model

    return build_tiny_model("qwen2_5_vl", tmp_path_factory.mktemp("tiny") / "qwen2_5_vl")


def test_suite_end_to_end_through_synrl_loaders(tiny_model, tmp_path):
    """All 17 benchmarks asked for; the four on synrl's route run on fixture files, TOMATO's folder exists
    but lmms-eval's python does not (failed, explained), every other one is missing; the table has
    every column."""
    data = tmp_path / "data"
    for write in (fx.aotbench, fx.nextgqa, fx.rextime, fx.charades_sta, fx.tomato):
        write(data)
    out = tmp_path / "suite"
    args = ["suite", "paper", "--model", str(tiny_model), "--out", str(out), "--data-root", str(data),
            "--device", "cpu", "--max-new-tokens", "8", "--num-frames", "4", "--max-pixels", str(56 * 56),
            "--lmms-python", str(tmp_path / "no-such-venv" / "python")]
    result = CliRunner().invoke(eval_app, args, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    suite = json.loads((out / "suite.json").read_text())
    status = {e["key"]: e for e in suite["benchmarks"]}
    assert {k for k, e in status.items() if e["status"] == "ok"} == set(SYNRL_ROUTE)
    assert status["tomato"]["status"] == "failed" and "lmms-eval python" in status["tomato"]["error"]
    assert {k for k, e in status.items() if e["status"] == "missing"} == {b.key for b in PAPER_SUITE} - set(
        SYNRL_ROUTE) - {"tomato"}
    assert "download:" in status["mvbench"]["error"]
    # each synrl-route benchmark answered every question with the model and filled its columns
    assert set(status["nextgqa"]["columns"]) == {"NExT-GQA R@0.3", "NExT-GQA R@0.5", "NExT-GQA R@0.7",
                                                 "NExT-GQA mIoU", "NExT-GQA mIoP"}
    assert set(status["rextime"]["columns"]) >= {"ReXTime R@0.7", "ReXTime mIoP"}
    assert set(status["charades_sta"]["columns"]) == {"Charades R@0.3", "Charades R@0.5", "Charades R@0.7",
                                                      "Charades mIoU"}
    assert status["aotbench"]["details"]["questions"] == 2
    predictions = (out / "aotbench" / "predictions.jsonl").read_text().splitlines()
    assert len(predictions) == 2 and all(json.loads(p)["completion"] is not None for p in predictions)
    # frame protocol recorded per benchmark: the override, and AoTBench's own default otherwise
    assert status["nextgqa"]["frames"]["num_frames"] == 4 and "--num-frames" in status["nextgqa"]["frames"]["source"]
    assert suite["columns"] == suite_columns(PAPER_SUITE)
    table = (out / "table.md").read_text()
    for title, columns in TABLE_BLOCKS:
        assert title in table
        header = next(line for line in table.splitlines() if line.startswith("| model | " + columns[0]))
        assert header == "| model | " + " | ".join(columns) + " | from |"
    block = table.split("## " + TABLE_BLOCKS[0][0])[1].split("## ")[0]
    run_row = next(line for line in block.splitlines() if line.startswith("| **this run** |"))
    assert run_row == "| **this run** | failed | missing | missing | missing | missing | missing | |"
    grounding = table.split("## " + TABLE_BLOCKS[2][0])[1].split("## ")[0]
    assert grounding.count("**0.0**") == 10  # the tiny model's (random) grounding: scored, zero
    assert "| Qwen3-VL-4B + SynRL | 36.7 | 40.7 | 67.1 | 62.0 | 68.2 | 27.9 | Table 1 |" in table
    # eval compare reads suite runs: the paper's headline columns, block by block, A, B and the delta
    again = CliRunner().invoke(eval_app, ["compare", str(out), str(out / "metrics.json"), "--out",
                                          str(tmp_path / "compare.md")], catch_exceptions=False)
    assert again.exit_code == 0, again.output
    compared = (tmp_path / "compare.md").read_text()
    grounding = compared.split("## " + TABLE_BLOCKS[2][0])[1].split("## ")[0].splitlines()
    assert grounding[2] == "| run | " + " | ".join(TABLE_BLOCKS[2][1]) + " |"
    assert grounding[4] == "| suite | " + " | ".join(["0.0"] * 10) + " |"
    assert grounding[6] == "| Δ | " + " | ".join(["**+0.0**"] * 10) + " |"
    table1 = compared.split("## " + TABLE_BLOCKS[0][0])[1].split("## ")[0]
    assert "| suite | failed | missing | missing | missing | missing | missing |" in table1
    assert "| Δ | - | - | - | - | - | - |" in table1 and "| Qwen3-VL-4B + SynRL (paper) | 36.7 |" in table1
    single = tmp_path / "single"
    single.mkdir()
    (single / "metrics.json").write_text(json.dumps({"benchmark": "x", "model": "m", "overall": {}, "by": {}}))
    mixed = CliRunner().invoke(eval_app, ["compare", str(out), str(single)])
    assert mixed.exit_code == 2 and "is an `eval suite` run" in mixed.output


def test_suite_with_nothing_to_run_fails_clearly(tmp_path):
    args = ["suite", "paper", "--model", str(tmp_path / "model"), "--out", str(tmp_path / "out"),
            "--data-root", str(tmp_path / "empty")]
    result = CliRunner().invoke(eval_app, args)
    assert result.exit_code == 2 and "no benchmark ran" in result.output
    suite = json.loads((tmp_path / "out" / "suite.json").read_text())
    assert {e["status"] for e in suite["benchmarks"]} == {"missing"}
    assert "missing" in (tmp_path / "out" / "table.md").read_text()
    bad = CliRunner().invoke(eval_app, ["suite", "paper", "--model", "m", "--out", str(tmp_path / "o"), "-b", "nope"])
    assert bad.exit_code == 2 and "unknown benchmark(s) nope" in bad.output


def test_suite_defaults_record_the_protocol():
    from synrl.eval.suite import DEFAULT_FRAMES, frames_for

    options = SuiteOptions(model="m")
    nextgqa = next(b for b in PAPER_SUITE if b.key == "nextgqa")
    aot = next(b for b in PAPER_SUITE if b.key == "aotbench")
    assert frames_for(nextgqa, options)["num_frames"] == DEFAULT_FRAMES["num_frames"] == 32
    assert "Video-R1" in frames_for(nextgqa, options)["source"]
    assert frames_for(aot, options)["num_frames"] == 16 and "run_qwen25.py" in frames_for(aot, options)["source"]


def test_lmms_command_wraps_the_model(tmp_path):
    from synrl.eval.suite import frames_for, lmms_command

    bench = next(b for b in PAPER_SUITE if b.key == "mvbench")
    options = SuiteOptions(model="/models/qwen", lmms_python="/venv/bin/python", limit=5)
    command = lmms_command(bench, tmp_path / "tasks", tmp_path, options, frames_for(bench, options))
    assert command[:3] == ["/venv/bin/python", "-m", "synrl.eval.lmms.launch"]
    args = command[command.index("--model_args") + 1]
    assert args.startswith("base=qwen2_5_vl,max_new_tokens=1024,") and "pretrained=/models/qwen" in args
    assert "device_map=auto" in args
    assert "max_num_frames=32" in args and f"max_pixels={256 * 28 * 28}" in args
    assert command[command.index("--tasks") + 1].split(",")[0] == "synrl_mvbench_action_sequence"
    assert command[command.index("--model") + 1] == "synrl" and command[-2:] == ["--limit", "5"]
    server = SuiteOptions(model="http://127.0.0.1:8000/v1", served_model="qwen", lmms_python="/venv/bin/python")
    served = lmms_command(bench, tmp_path / "tasks", tmp_path, server, frames_for(bench, server))
    args = served[served.index("--model_args") + 1]
    assert args.startswith("base=openai,") and "base_url=http://127.0.0.1:8000/v1" in args
    assert "model_version=qwen" in args and "max_frames_num=32" in args and "pretrained" not in args


def test_lmms_base_follows_the_model(tmp_path):
    from synrl.eval.suite import lmms_base

    (tmp_path / "config.json").write_text(json.dumps({"model_type": "qwen3_vl"}))
    assert lmms_base(SuiteOptions(model=str(tmp_path))) == "qwen3_vl"
    assert lmms_base(SuiteOptions(model=str(tmp_path), lmms_base="llava_vid")) == "llava_vid"
    assert lmms_base(SuiteOptions(model="http://host:8000/v1")) == "openai"
    assert lmms_base(SuiteOptions(model="Qwen/Qwen2.5-VL-7B-Instruct")) == "qwen2_5_vl"


def test_default_lmms_python(monkeypatch):
    from synrl.eval.suite import lmms_python

    monkeypatch.delenv("SYNRL_LMMS_PYTHON", raising=False)
    assert lmms_python(SuiteOptions(model="m")) == sys.executable
    monkeypatch.setenv("SYNRL_LMMS_PYTHON", "/venv-lmms/bin/python")
    assert lmms_python(SuiteOptions(model="m")) == "/venv-lmms/bin/python"


def test_lmms_results_of_a_multi_task_benchmark_are_the_mean_over_questions(tmp_path):
    """MVBench's 20 tasks (percent) are combined over questions, as one accuracy over the benchmark."""
    from synrl.eval.suite import read_lmms_results

    bench = next(b for b in PAPER_SUITE if b.key == "mvbench")
    results = {f"synrl_{t}": {"alias": t, "mvbench_accuracy,none": 50.0 if i else 100.0}
               for i, t in enumerate(bench.lmms_tasks)}
    counts = {f"synrl_{t}": {"original": 200, "effective": 100 if i else 200} for i, t in enumerate(bench.lmms_tasks)}
    folder = tmp_path / "lmms" / "model"
    folder.mkdir(parents=True)
    (folder / "20260101_000000_results.json").write_text(json.dumps({"results": results, "n-samples": counts}))
    columns, details = read_lmms_results(bench, tmp_path)
    assert columns == {"MVBench": pytest.approx((200 * 1.0 + 19 * 100 * 0.5) / (200 + 1900))}
    assert details["questions"] == 2100 and len(details["raw"]) == 20
    del results["synrl_mvbench_state_change"]
    (folder / "20260101_000000_results.json").write_text(json.dumps({"results": results, "n-samples": counts}))
    with pytest.raises(RuntimeError, match="no result for synrl_mvbench_state_change"):
        read_lmms_results(bench, tmp_path)
