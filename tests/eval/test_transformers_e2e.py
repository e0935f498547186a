"""End to end through the CLI: the training issue's tiny Qwen2.5-VL on the synthetic suite."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from synrl.cli.eval import eval_app


@pytest.fixture(scope="module")
def tiny_model(tmp_path_factory):
    pytest.importorskip("torch")
    pytest.importorskip("transformers")
    from tests.train._tv_workaround import register_torchvision_schemas

    register_torchvision_schemas()
    from synrl.train.tiny import build_tiny_model

    return build_tiny_model("qwen2_5_vl", tmp_path_factory.mktemp("tiny") / "qwen2_5_vl")


def test_tiny_model_on_synthetic_suite(suite, tiny_model, tmp_path):
    out = tmp_path / "run"
    args = ["run", "synthetic", "--data", str(suite), "--out", str(out), "--backend", "transformers",
            "--hf-model", str(tiny_model), "--device", "cpu", "--batch-size", "3", "--num-frames", "4",
            "--max-pixels", str(56 * 56), "--max-new-tokens", "8", "--temperature", "0"]
    result = CliRunner().invoke(eval_app, args, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    metrics = json.loads((out / "metrics.json").read_text())
    overall = metrics["overall"]
    rows = [json.loads(line) for line in (out / "predictions.jsonl").read_text().splitlines()]
    # every question answered once, by the model (random weights: text, but no answer)
    assert len(rows) == overall["questions"] == 8
    assert all(r["completion"] is not None and r["error"] is None for r in rows)
    assert overall["failed"] == 0
    # nothing dropped: each prediction has exactly one status
    assert overall["empty"] + overall["unparseable"] + (overall["predictions"] - overall["empty"]
                                                        - overall["unparseable"]) == 8
    assert metrics["settings"]["transformers"]["batch_size"] == 3
    # resumable: a rerun generates nothing new
    again = CliRunner().invoke(eval_app, args, catch_exceptions=False)
    assert again.exit_code == 0 and "0 completions written" in again.output
