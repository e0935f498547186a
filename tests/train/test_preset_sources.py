"""Each preset is what its source says: reward composition, batch arithmetic and the T-GRPO and
length rules, checked against numbers worked by hand from the SynRL paper, verl's defaults and
Video-R1's released code (commit 59d65c3), not against the preset itself."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from synrl.rewards.length import length_bonus_group
from synrl.rewards.tgrpo import temporal_decision
from synrl.train.config import GRPORunConfig, SFTRunConfig, load_config

CONFIGS = Path(__file__).resolve().parents[2] / "configs"


def _grpo(name: str) -> GRPORunConfig:
    return load_config(GRPORunConfig, CONFIGS / name)


def _prompts(cfg: GRPORunConfig, gpus: int, steps: int) -> float:
    return cfg.train.per_device_train_batch_size * steps * gpus / cfg.grpo.num_generations


def test_grpo_synrl_is_the_paper():
    cfg = _grpo("grpo_synrl.yaml")
    g, t = cfg.grpo, cfg.train
    assert g.rewards == {"accuracy": 1.0}                     # "GRPO using only accuracy rewards"
    assert (g.beta, g.num_generations, g.temperature, t.learning_rate) == (0.0, 8, 1.0, 1e-6)
    # global batch 512 prompts per rollout on the paper's 8 GPUs; verl's 256-prompt mini-batches
    assert _prompts(cfg, gpus=8, steps=g.steps_per_generation) == 512
    assert _prompts(cfg, gpus=8, steps=t.gradient_accumulation_steps) == 256
    # verl's defaults for what the paper leaves open
    assert (g.loss_type, t.max_grad_norm, t.lr_scheduler_type, t.weight_decay, g.epsilon, g.top_p) == \
        ("dapo", 1.0, "constant", 0.01, 0.2, 1.0)
    assert not g.tgrpo.enabled


def test_round2_continues_round1_with_twice_the_frames():
    one, two = _grpo("grpo_synrl.yaml"), _grpo("grpo_synrl_round2.yaml")
    assert two.model.name_or_path == one.train.output_dir
    assert two.video.num_frames == 2 * one.video.num_frames
    assert two.data != one.data and two.train.output_dir != one.train.output_dir
    assert two.grpo == one.grpo and two.train.learning_rate == one.train.learning_rate


# (ordered accuracies, shuffled accuracies, bonus under Video-R1's code, bonus under its paper)
GROUPS = [
    # code: 0.875 >= 0.8 * 1.0; paper: 7/8 < 1
    ([1, 1, 1, 1, 1, 1, 1, 0], [1, 1, 1, 1], [0.3] * 7 + [0.0], [0.0] * 8),
    # code: mean 1.05 / 8 = 0.131 >= 0.8 * 0.1; paper: p = 1/8 (only 0.6 >= 0.5) >= p~ = 0
    ([0.6, 0.15, 0.3, 0.0, 0, 0, 0, 0], [0.1, 0.1, 0.1, 0.1], [0.3, 0.3, 0.3] + [0.0] * 5,
     [0.3] + [0.0] * 7),
]
# (accuracies, token counts, length bonus under the code, under the paper)
LENGTHS = [
    # code: only one correct response in the group; paper: no group condition
    ([1, 0, 0, 0, 0, 0, 0, 0], [400] * 8, [0.0] * 8, [0.2] + [0.0] * 7),
    # code: 0.3 and 0.2 are > 0.1 (two correct), the 600-token one is outside; paper: < 0.5
    ([0.3, 0.2, 0, 0, 0, 0, 0, 0], [400, 600] + [400] * 6, [0.2] + [0.0] * 7, [0.0] * 8),
]


@pytest.mark.parametrize(("name", "column"), [("tgrpo_videor1.yaml", 2), ("tgrpo_paper.yaml", 3)])
def test_tgrpo_rules_match_hand_computed_groups(name, column):
    cfg = _grpo(name)
    for case in GROUPS:
        bonus = temporal_decision([case[0]], [case[1]], **cfg.grpo.tgrpo.rule()).bonus[0]
        np.testing.assert_allclose(bonus, case[column])
    length = cfg.grpo.reward_params["length"]
    for case in LENGTHS:
        np.testing.assert_allclose(length_bonus_group(case[0], case[1], **length), case[column])


def test_tgrpo_videor1_is_the_released_code():
    cfg = _grpo("tgrpo_videor1.yaml")
    g, t, v = cfg.grpo, cfg.train, cfg.video
    assert g.rewards == {"accuracy": 1.0, "format": 1.0, "length": 1.0}
    assert _prompts(cfg, gpus=1, steps=t.gradient_accumulation_steps) == 1   # one prompt per GPU
    assert (g.num_generations, g.tgrpo.shuffled_generations, g.tgrpo.alpha) == (8, 4, 0.3)
    assert (g.beta, g.top_p, g.temperature, g.max_completion_length, g.loss_type) == (0.04, 0.95, 1.0, 768, "grpo")
    assert (t.lr_scheduler_type, t.learning_rate, t.max_grad_norm, t.weight_decay) == ("cosine", 1e-6, 5.0, 0.01)
    assert (v.num_frames, v.fps, v.min_frames, v.max_frames, v.min_pixels, v.max_pixels) == \
        (None, 2.0, 4, 16, 128 * 28 * 28, 128 * 28 * 28)


def test_tgrpo_paper_changes_only_the_rules():
    code, paper = _grpo("tgrpo_videor1.yaml"), _grpo("tgrpo_paper.yaml")
    assert paper.grpo.tgrpo.rule() == {"alpha": 0.3, "factor": 1.0, "statistic": "fraction_correct",
                                       "threshold": 0.5, "strict": False}
    assert paper.grpo.model_copy(update={"tgrpo": code.grpo.tgrpo, "reward_params": code.grpo.reward_params}) \
        == code.grpo
    assert paper.video == code.video


def test_sft_is_video_r1_cold_start():
    cfg = load_config(SFTRunConfig, CONFIGS / "sft_synrl.yaml")
    t, v = cfg.train, cfg.video
    assert (t.learning_rate, t.num_train_epochs, t.per_device_train_batch_size, t.gradient_accumulation_steps,
            t.max_grad_norm, t.lr_scheduler_type, t.weight_decay) == (1e-6, 1, 1, 2, 5.0, "linear", 0.0)
    assert (v.fps, v.min_frames, v.max_frames, v.max_pixels) == (2.0, 4, 16, 128 * 28 * 28)


def test_extends_merges_and_refuses_cycles(tmp_path):
    (tmp_path / "a.yaml").write_text("extends: b.yaml\ngrpo: {beta: 0.1}\n")
    (tmp_path / "b.yaml").write_text("grpo: {beta: 0.0, top_p: 0.9}\ntrain: {learning_rate: 2.0e-6}\n")
    cfg = load_config(GRPORunConfig, tmp_path / "a.yaml")
    assert (cfg.grpo.beta, cfg.grpo.top_p, cfg.train.learning_rate) == (0.1, 0.9, 2e-6)
    (tmp_path / "b.yaml").write_text("extends: a.yaml\n")
    with pytest.raises(ValueError, match="cycle"):
        load_config(GRPORunConfig, tmp_path / "a.yaml")
