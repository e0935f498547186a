"""End to end through the CLI, on engine-generated videos, for each tiny model family:
2 SFT steps, then 2 GRPO steps and 2 T-GRPO steps from the SFT checkpoint."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest
import torch
from conftest import FAMILIES, TINY_TRAIN, run_cli
from safetensors.torch import load_file


def _weights(folder: Path) -> dict[str, torch.Tensor]:
    out = {}
    for f in sorted(Path(folder).glob("*.safetensors")):
        out.update(load_file(f))
    return out


def _changed(before: Path, after: Path) -> tuple[int, int]:
    a, b = _weights(before), _weights(after)
    shared = sorted(set(a) & set(b))
    assert shared, "no common tensors"
    return sum(not torch.equal(a[k], b[k]) for k in shared), len(shared)


def _sets(*pairs: str) -> list[str]:
    return [x for p in pairs for x in ("--set", p)]


GRPO_TINY = [
    "train.per_device_train_batch_size=2", "grpo.num_generations=2", "grpo.max_completion_length=8",
    # accuracy/format are ~0 for an untrained model; the test reward gives groups variance.
    "grpo.reward_modules=[_test_rewards]",
    "grpo.rewards={accuracy: 1.0, format: 0.5, test_char_length: 1.0}",
]


@pytest.mark.parametrize("family", FAMILIES)
def test_sft_then_grpo_then_tgrpo(family, tiny_models, video_dataset, sft_jsonl, tmp_path):
    base = tiny_models[family]

    # --- SFT
    sft_out = tmp_path / "sft"
    run_cli("train", "sft", "--model", base, "--data", sft_jsonl, "-o", sft_out, "--max-steps", 2,
            *_sets(*TINY_TRAIN, "train.per_device_train_batch_size=2"))
    summary = json.loads((sft_out / "synrl_summary.json").read_text())
    assert summary["global_step"] == 2 and len(summary["losses"]) == 2
    assert all(math.isfinite(x) for x in summary["losses"])
    assert summary["bad_videos"] == 0 and summary["videos_seen"] >= 4
    changed, total = _changed(base, sft_out)
    assert changed > total // 2, f"SFT changed only {changed}/{total} tensors"

    # --- GRPO from the SFT checkpoint; the spy counts vision-tower calls with grad enabled
    grpo_out, spy = tmp_path / "grpo", tmp_path / "spy.json"
    run_cli("train", "grpo", "--model", sft_out, "--data", video_dataset, "-o", grpo_out, "--max-steps", 2,
            *_sets(*TINY_TRAIN, *GRPO_TINY), spy=spy)
    summary = json.loads((grpo_out / "synrl_summary.json").read_text())
    steps = [h for h in summary["log_history"] if "loss" in h]
    assert summary["global_step"] == 2 and len(steps) == 2
    assert all(math.isfinite(h["loss"]) for h in steps)
    for h in steps:  # every reward is logged
        for name in ("accuracy", "format", "test_char_length"):
            assert math.isfinite(h[f"rewards/{name}/mean"])
        assert math.isfinite(h["reward"])
    # On-policy GRPO's loss value is 0 (advantages are centred per group) but its gradient is not.
    assert max(h["grad_norm"] for h in steps) > 0
    assert json.loads(spy.read_text())["grad_calls"] >= 2, "vision tower not run in the loss pass"
    changed, _ = _changed(sft_out, grpo_out)
    assert changed > 0, "GRPO changed no parameter"

    # --- T-GRPO: same trainer, one option
    tgrpo_out = tmp_path / "tgrpo"
    run_cli("train", "grpo", "--model", sft_out, "--data", video_dataset, "-o", tgrpo_out, "--max-steps", 2,
            "--tgrpo", *_sets(*TINY_TRAIN, *GRPO_TINY, "grpo.tgrpo.correctness_reward=test_char_length"))
    summary = json.loads((tgrpo_out / "synrl_summary.json").read_text())
    steps = [h for h in summary["log_history"] if "loss" in h]
    assert len(steps) == 2 and all(math.isfinite(h["loss"]) for h in steps)
    for h in steps:
        for key in ("tgrpo/p", "tgrpo/p_shuffled", "tgrpo/bonus_rate", "rewards/temporal_bonus/mean"):
            assert 0.0 <= h[key] <= 1.0, (key, h)
    changed, _ = _changed(sft_out, tgrpo_out)
    assert changed > 0, "T-GRPO changed no parameter"


def test_lora_sft_then_grpo(tiny_models, video_dataset, sft_jsonl, tmp_path):
    """LoRA SFT, then GRPO from its output; the saved adapter loads over its base model."""
    lora = ["model.lora.enabled=true", "model.lora.r=4", "model.lora.alpha=8"]
    sft_out = tmp_path / "sft-lora"
    run_cli("train", "sft", "--model", tiny_models["qwen2_vl"], "--data", sft_jsonl, "-o", sft_out,
            "--max-steps", 1, *_sets(*TINY_TRAIN, *lora))
    assert (sft_out / "adapter_config.json").is_file()
    assert all(math.isfinite(x) for x in json.loads((sft_out / "synrl_summary.json").read_text())["losses"])
    grpo_out = tmp_path / "grpo-lora"
    # GRPO starts from the SFT adapter (merged into its base on load) and trains a new one
    run_cli("train", "grpo", "--model", sft_out, "--data", video_dataset, "-o", grpo_out,
            "--max-steps", 1, *_sets(*TINY_TRAIN, *GRPO_TINY, *lora))
    from peft import PeftModel
    from transformers import AutoModelForImageTextToText

    base = AutoModelForImageTextToText.from_pretrained(tiny_models["qwen2_vl"])
    model = PeftModel.from_pretrained(base, grpo_out)
    assert any("lora_" in n for n, _ in model.named_parameters())
