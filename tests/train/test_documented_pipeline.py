"""The README's SFT -> GRPO path, command by command, on engine videos and the tiny model:
`synrl cot`, `synrl sft-data --general` (the answer-only LLaVA-Video-style mix), then
`synrl train sft -c configs/sft_synrl.yaml` and `synrl train grpo -c configs/grpo_synrl.yaml`
from the SFT output."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from conftest import TINY_TRAIN, run_cli

CONFIGS = Path(__file__).resolve().parents[2] / "configs"


def _synrl(*args) -> str:
    proc = subprocess.run([sys.executable, "-m", "synrl.cli", *map(str, args)], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return proc.stdout


def _sets(items):
    return [x for item in items for x in ("--set", item)]


def test_readme_sft_then_grpo(tiny_models, video_dataset, tmp_path):
    _synrl("cot", video_dataset)
    # A general video-QA file in LLaVA-Video-178K's layout; its "real" videos are engine clips.
    videos = sorted((video_dataset / "videos").glob("*.mp4"))
    general = tmp_path / "llava_video_qa.json"
    general.write_text(json.dumps([
        {"id": f"llava-{i}", "video": str(v), "data_source": "llava_video_178k",
         "conversations": [{"from": "human", "value": "<video>\nWhat moves in the clip?"},
                           {"from": "gpt", "value": "A coloured shape."}]}
        for i, v in enumerate(videos)]))
    sft_jsonl = tmp_path / "sft.jsonl"
    _synrl("sft-data", video_dataset, "--out", sft_jsonl, "--general", general, "--general-ratio", "0.15")
    rows = [json.loads(line) for line in sft_jsonl.read_text().splitlines()]
    assert sum(r["source"] == "general" for r in rows) == 1 and len(rows) == 7  # round(0.15 * 6 / 0.85) = 1

    sft_out, grpo_out = tmp_path / "sft", tmp_path / "grpo"
    run_cli("train", "sft", "-c", CONFIGS / "sft_synrl.yaml", "--model", tiny_models["qwen2_5_vl"],
            "--data", sft_jsonl, "-o", sft_out, "--max-steps", 2,
            *_sets(TINY_TRAIN + ["model.attn_implementation=sdpa", "train.gradient_accumulation_steps=1",
                                 "train.report_to=[]"]))
    assert json.loads((sft_out / "synrl_summary.json").read_text())["global_step"] == 2
    run_cli("train", "grpo", "-c", CONFIGS / "grpo_synrl.yaml", "--model", sft_out, "--data", video_dataset,
            "-o", grpo_out, "--max-steps", 1,
            *_sets(TINY_TRAIN + ["model.attn_implementation=sdpa", "train.report_to=[]",
                                 "train.per_device_train_batch_size=2", "train.gradient_accumulation_steps=1",
                                 "grpo.steps_per_generation=1", "grpo.num_generations=2",
                                 "grpo.max_completion_length=8"]))
    summary = json.loads((grpo_out / "synrl_summary.json").read_text())
    assert summary["global_step"] == 1
    assert "rewards/accuracy/mean" in [k for h in summary["log_history"] for k in h]
