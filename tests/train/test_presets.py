"""Every shipped preset in ``configs/`` trains one step, loaded exactly as ``synrl train ... -c FILE``.

Only what a CPU and a tiny model cannot honour is overridden: the model and data paths,
precision and attention kernel (bf16 / flash-attention are GPU features), and the batch
scale (a 512-completion step on one CPU core would take hours). Everything else comes from
the file: rewards, KL beta, T-GRPO constants, schedulers, clipping and the reporters in
``report_to``, which must be installed by the ``train`` extra (a preset naming a reporter
that is not installed stops before step one).
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest
import yaml
from conftest import TINY_TRAIN, run_cli

from synrl.train.config import read_config_file

CONFIGS = Path(__file__).resolve().parents[2] / "configs"
PRESETS = sorted(CONFIGS.glob("*.yaml"))

#: Batch scale for one CPU step; the preset's arithmetic is tested where the preset is defined.
GRPO_SCALE = [
    "train.per_device_train_batch_size=2", "train.gradient_accumulation_steps=1",
    "grpo.steps_per_generation=1", "grpo.num_generations=2", "grpo.max_completion_length=8",
    "grpo.tgrpo.shuffled_generations=1",
]
SFT_SCALE = ["train.per_device_train_batch_size=1", "train.gradient_accumulation_steps=1"]


def _sets(items: list[str]) -> list[str]:
    return [x for item in items for x in ("--set", item)]


def _kind(preset: Path) -> str:
    return "grpo" if "grpo" in read_config_file(preset) else "sft"


def test_presets_are_shipped():
    assert {p.name for p in PRESETS} >= {"sft_synrl.yaml", "grpo_synrl.yaml", "tgrpo_videor1.yaml"}


@pytest.mark.parametrize("preset", PRESETS, ids=[p.stem for p in PRESETS])
def test_preset_trains_one_step(preset, tiny_models, video_dataset, sft_jsonl, tmp_path):
    kind = _kind(preset)
    data = sft_jsonl if kind == "sft" else video_dataset
    scale = SFT_SCALE if kind == "sft" else GRPO_SCALE
    out = tmp_path / "out"
    run_cli("train", kind, "-c", preset, "--model", tiny_models["qwen2_5_vl"], "--data", data, "-o", out,
            "--max-steps", 1, *_sets(TINY_TRAIN + ["model.attn_implementation=sdpa"] + scale))

    summary = json.loads((out / "synrl_summary.json").read_text())
    assert summary["global_step"] == 1
    steps = [h for h in summary["log_history"] if "loss" in h]
    assert len(steps) == 1 and math.isfinite(steps[0]["loss"])

    resolved = yaml.safe_load((out / "synrl_config.yaml").read_text())
    shipped = read_config_file(preset)
    if kind == "grpo":  # the rewards and T-GRPO constants are the preset's, not the defaults
        assert resolved["grpo"]["rewards"] == shipped["grpo"]["rewards"]
        for name in shipped["grpo"]["rewards"]:
            assert math.isfinite(steps[0][f"rewards/{name}/mean"])
        assert resolved["grpo"]["tgrpo"]["enabled"] == shipped["grpo"].get("tgrpo", {}).get("enabled", False)
    assert resolved["train"]["report_to"] == shipped["train"].get("report_to", [])
    if "tensorboard" in resolved["train"]["report_to"]:
        assert list(out.rglob("events.out.tfevents.*")), "tensorboard wrote no event file"
