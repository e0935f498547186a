"""Fixtures for the training tests: tiny models, a tiny generated dataset, SFT data.

The torchvision workaround below is for this test environment only (PyPI's torchvision
0.28.0 is a CUDA build whose import fails on CPU torch); it is not part of the package.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

sys.path.insert(0, os.path.dirname(__file__))

from _tv_workaround import register_torchvision_schemas  # noqa: E402

register_torchvision_schemas()

import torch  # noqa: E402

# Two cores shared by many processes: one thread is ~20x faster than two under contention.
torch.set_num_threads(1)

HERE = Path(__file__).parent
FAMILIES = ("qwen2_vl", "qwen2_5_vl", "qwen3_vl")
# 3 s clips: collision_count cannot fit one at 64x64, and rotation's 5 s clips would put the
# last temporal position above the spatial extent of a 64x64 video, where transformers and
# vLLM place the answer's tokens differently (docs/training.md, vLLM rollouts).
TASKS = "direction,speed_change,trajectory_shape"


@pytest.fixture(scope="session")
def tiny_models(tmp_path_factory) -> dict[str, Path]:
    """Each tiny family built once per session (save_pretrained folders)."""
    from synrl.train.tiny import build_tiny_model

    root = tmp_path_factory.mktemp("tiny")
    return {family: build_tiny_model(family, root / family) for family in FAMILIES}


@pytest.fixture(scope="session")
def video_dataset(tmp_path_factory) -> Path:
    """Videos the engine generates, through its CLI: 3 tasks x 2 samples, 64x64, 4 fps."""
    out = tmp_path_factory.mktemp("data") / "ds"
    proc = subprocess.run(
        [sys.executable, "-m", "synrl.cli", "generate", "--tasks", TASKS, "--per-task", "2", "--out", str(out),
         "--previews", "0", "--width", "64", "--height", "64", "--fps", "4"],
        capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return out


@pytest.fixture(scope="session")
def sft_jsonl(video_dataset) -> Path:
    """TRL conversational rows in `synrl sft-data`'s layout, built from the manifest with synrl.qa.

    The think text is the record's own timeline (a stand-in for a checked CoT chain).
    """
    from synrl.qa import SYSTEM_PROMPT, answer_for, format_completion, user_prompt

    out = video_dataset / "sft.jsonl"
    with open(out, "w") as fh:
        for line in (video_dataset / "manifest.jsonl").read_text().splitlines():
            r = json.loads(line)
            think = "; ".join(f"{e['type']} at {e['start_ms'] / 1000:.1f}s" for e in r.get("timeline", []))
            fh.write(json.dumps({"messages": [
                {"role": "system", "content": [{"type": "text", "text": SYSTEM_PROMPT}]},
                {"role": "user", "content": [{"type": "video", "video": r["video"]["path"]},
                                             {"type": "text", "text": user_prompt(r)}]},
                {"role": "assistant", "content": [{"type": "text", "text": format_completion(think, answer_for(r))}]},
            ]}) + "\n")
    return out


#: Settings that keep one step well under a second on a shared CPU.
TINY_TRAIN = [
    "train.use_cpu=true", "train.bf16=false", "train.gradient_checkpointing=false",
    "train.dataloader_num_workers=0", "train.learning_rate=1e-3", "train.save_steps=1000",
    "video.num_frames=4", "video.max_pixels=4096", "model.dtype=float32",
]


def run_cli(*args, spy: Path | None = None) -> str:
    """Run ``synrl train ...`` through the typer app, in this process.

    In-process because each new interpreter spends seconds importing torch, transformers
    and TRL on a shared 2-core machine; the argument parsing, config loading and training
    code are the ones a user's ``synrl train`` runs (``test_subprocess_cli`` covers the
    real entry point). ``spy``: write the vision tower's call counts there (see _cli.py).
    """
    import typer
    from typer.testing import CliRunner

    from synrl.cli.train import register

    app = typer.Typer()
    register(app)
    counts = None
    if spy is not None:
        counts = {"grad_calls": 0, "calls": 0}
        import synrl.train.models as models

        real = models.load_model

        def load_model(*a, **k):
            model, processor = real(*a, **k)

            def hook(module, inputs, output):
                counts["calls"] += 1
                counts["grad_calls"] += int(torch.is_grad_enabled())

            models.vision_tower(model).register_forward_hook(hook)
            return model, processor

        models.load_model = load_model
    try:
        result = CliRunner().invoke(app, [str(a) for a in args], catch_exceptions=True)
    finally:
        if spy is not None:
            models.load_model = real
            spy.write_text(json.dumps(counts))
    if result.exit_code != 0:
        import traceback

        tb = "".join(traceback.format_exception(*result.exc_info)) if result.exc_info else ""
        raise AssertionError(f"exit {result.exit_code}\n{result.output[-4000:]}\n{tb[-6000:]}")
    return result.output


def run_cli_subprocess(*args, timeout: int = 300) -> subprocess.CompletedProcess:
    """``python tests/train/_cli.py ...``: the real entry point in a fresh interpreter."""
    env = {**os.environ, "OMP_NUM_THREADS": "1", "TOKENIZERS_PARALLELISM": "false"}
    proc = subprocess.run([sys.executable, str(HERE / "_cli.py"), *map(str, args)], capture_output=True,
                          text=True, env=env, timeout=timeout)
    return proc
