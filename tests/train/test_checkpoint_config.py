"""Checkpoints reload and generate; resume continues; configs load, override and ship."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import torch
from conftest import TINY_TRAIN, run_cli, run_cli_subprocess

from synrl.train.config import GRPORunConfig, SFTRunConfig, load_config

CONFIGS = Path(__file__).resolve().parents[2] / "configs"


def _sets(*pairs):
    return [x for p in pairs for x in ("--set", p)]


def test_checkpoint_reloads_generates_and_resumes(tiny_models, video_dataset, sft_jsonl, tmp_path):
    from synrl.train.data import VideoOptions, load_clip, processor_video_kwargs
    from synrl.train.models import load_model
    from synrl.train.config import ModelOptions

    out = tmp_path / "sft"
    args = ["train", "sft", "--model", tiny_models["qwen3_vl"], "--data", sft_jsonl, "-o", out,
            *_sets(*TINY_TRAIN, "train.save_steps=1", "train.per_device_train_batch_size=1")]
    run_cli(*args, "--max-steps", 2)
    assert (out / "checkpoint-2").is_dir()
    first = json.loads((out / "synrl_summary.json").read_text())["losses"]
    run_cli(*args, "--max-steps", 3, "--resume", "last")
    summary = json.loads((out / "synrl_summary.json").read_text())
    # the history comes back from checkpoint-2 and only step 3 is new
    assert summary["global_step"] == 3 and summary["losses"][:2] == first and len(summary["losses"]) == 3

    model, processor = load_model(ModelOptions(name_or_path=str(out / "checkpoint-3"), dtype="float32"),
                                  use_cpu=True)
    clip = load_clip(next((video_dataset / "videos").glob("*.mp4")), num_frames=4)
    messages = [{"role": "user", "content": [{"type": "video", "video": clip.path},
                                             {"type": "text", "text": "What happens?"}]}]
    text = processor.apply_chat_template(messages, tokenize=False, add_generation_prompt=True)
    enc = processor(text=[text], return_tensors="pt",
                    **processor_video_kwargs(processor, [clip], VideoOptions(num_frames=4, max_pixels=4096)))
    with torch.no_grad():
        generated = model.generate(**enc, max_new_tokens=5, do_sample=False)
    assert generated.shape[1] > enc["input_ids"].shape[1]


def test_tgrpo_run_resumes_from_its_last_checkpoint(tiny_models, video_dataset, tmp_path):
    """A killed GRPO run (here: T-GRPO, stopped after step 2) continues from checkpoint-2:
    the logged history of steps 1-2 comes back unchanged and only step 3 is new."""
    out = tmp_path / "tgrpo"
    args = ["train", "grpo", "--model", tiny_models["qwen2_5_vl"], "--data", video_dataset, "-o", out,
            "--tgrpo", *_sets(*TINY_TRAIN, "train.save_steps=1", "train.per_device_train_batch_size=2",
                              "grpo.num_generations=2", "grpo.max_completion_length=8",
                              "grpo.reward_modules=[_test_rewards]",
                              "grpo.rewards={accuracy: 1.0, test_char_length: 1.0}",
                              "grpo.tgrpo.correctness_reward=test_char_length")]
    run_cli(*args, "--max-steps", 2)
    assert (out / "checkpoint-2" / "trainer_state.json").is_file()
    first = [h for h in json.loads((out / "synrl_summary.json").read_text())["log_history"] if "loss" in h]
    run_cli(*args, "--max-steps", 3, "--resume", "last")
    summary = json.loads((out / "synrl_summary.json").read_text())
    steps = [h for h in summary["log_history"] if "loss" in h]
    assert summary["global_step"] == 3 and [h["step"] for h in steps] == [1, 2, 3]
    assert steps[:2] == first
    assert 0.0 <= steps[2]["tgrpo/p"] <= 1.0 and (out / "checkpoint-3").is_dir()


def test_resume_last_without_a_checkpoint_is_a_clear_error(tiny_models, video_dataset, tmp_path):
    from synrl.train.config import TrainOptions
    from synrl.train.run import resume_arg

    with pytest.raises(FileNotFoundError, match="has no checkpoint"):
        resume_arg(TrainOptions(output_dir=str(tmp_path / "empty"), resume_from_checkpoint="last"))


def test_shipped_deepspeed_configs():
    # the training presets are checked against their sources in test_preset_sources.py
    for name in ("zero2", "zero3"):
        assert json.loads((CONFIGS / "deepspeed" / f"{name}.json").read_text())["zero_optimization"]["stage"] == int(name[-1])


def test_overrides_and_errors(tmp_path):
    cfg = load_config(GRPORunConfig, CONFIGS / "grpo_synrl.yaml",
                      ["grpo.tgrpo.enabled=true", "train.learning_rate=2e-6", "grpo.rewards={accuracy: 1}"],
                      **{"train.max_steps": 7, "data": None})
    assert cfg.grpo.tgrpo.enabled and cfg.train.learning_rate == 2e-6 and cfg.train.max_steps == 7
    assert cfg.grpo.rewards == {"accuracy": 1.0} and cfg.data == "data/rl"
    with pytest.raises(ValueError, match="learning_rat"):
        load_config(GRPORunConfig, None, ["train.learning_rat=1"])  # typos are errors, not ignored
    with pytest.raises(ValueError, match="num_frames or fps"):
        load_config(SFTRunConfig, None, ["video.num_frames=null"])


def test_real_entry_point_shows_config_and_help():
    proc = run_cli_subprocess("train", "grpo", "--config", CONFIGS / "tgrpo_videor1.yaml", "--show-config",
                              "--set", "grpo.tgrpo.alpha=0.2")
    assert proc.returncode == 0, proc.stderr
    assert "alpha: 0.2" in proc.stdout and "shuffled_generations: 4" in proc.stdout
    proc = run_cli_subprocess("train", "sft", "--help-config")
    assert proc.returncode == 0 and "video.max_pixels" in proc.stdout
    proc = run_cli_subprocess("train", "sft", "--set", "train.nope=1", "--show-config")
    assert proc.returncode == 2 and "Traceback" not in proc.stderr and "nope" in proc.stderr
