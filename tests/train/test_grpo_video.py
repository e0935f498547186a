"""The GRPO loss pass sees the video; T-GRPO's shuffled rollouts measure but do not train."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch
from conftest import TINY_TRAIN

from synrl.train.config import GRPORunConfig, TGRPOOptions, load_config
from synrl.train.grpo import TemporalBonusReward, build_grpo_trainer
from synrl.train.models import vision_tower


def _cfg(model, data, out, *extra):
    return load_config(GRPORunConfig, None, [
        *TINY_TRAIN, f"model.name_or_path={model}", f"data={data}", f"train.output_dir={out}",
        "train.max_steps=1", "train.per_device_train_batch_size=2", "grpo.num_generations=2",
        "grpo.max_completion_length=6", "grpo.reward_modules=[_test_rewards]",
        "grpo.rewards={accuracy: 1.0, test_char_length: 1.0}", *extra])


class VisionSpy:
    """Counts vision-tower forwards with gradients on (the loss pass) and off (generation)."""

    def __init__(self, model):
        self.grad_calls = self.no_grad_calls = self.backward_calls = 0
        vision_tower(model).register_forward_hook(self._hook)

    def _hook(self, module, inputs, output):
        if not torch.is_grad_enabled():
            self.no_grad_calls += 1
            return
        self.grad_calls += 1
        features = output if isinstance(output, torch.Tensor) else output[0]
        if features.requires_grad:  # the loss's backward pass reaches the video features
            features.register_hook(self._backward)

    def _backward(self, grad):
        self.backward_calls += 1


def _train_one_step(trainer_cls, tiny_models, video_dataset, tmp_path, family="qwen2_5_vl"):
    from synrl.train.models import load_model

    cfg = _cfg(tiny_models[family], video_dataset, tmp_path / "out")
    model, processor = load_model(cfg.model, use_cpu=True)
    spy = VisionSpy(model)
    trainer = build_grpo_trainer(cfg, trainer_cls=trainer_cls, model=model, processor=processor)
    trainer.train()
    return spy, model


def test_vision_tower_runs_and_learns_in_the_loss_pass(tiny_models, video_dataset, tmp_path):
    spy, model = _train_one_step(None, tiny_models, video_dataset, tmp_path)
    assert spy.no_grad_calls >= 1  # generation saw the video
    assert spy.grad_calls >= 1  # ... and so did the loss
    assert spy.backward_calls >= 1, "the loss does not depend on the video features"


def test_stock_trl_trainer_drops_the_video_from_the_loss(tiny_models, video_dataset, tmp_path):
    """Counter-example (TRL #4144): with TRL's own scoring and loss methods, generation sees
    the video but the loss is computed without it; the spy that passes above fails here.

    Only prompt tokenization is ours (stock TRL decodes videos from paths with torchcodec,
    which is not installed here); old/ref log-probs, batching and the loss are stock.
    """
    from trl import GRPOTrainer

    from synrl.train.grpo import video_grpo_trainer_class

    class StockLossPath(video_grpo_trainer_class()):
        _generate_and_score_completions = GRPOTrainer._generate_and_score_completions
        _get_per_token_logps_and_entropies = GRPOTrainer._get_per_token_logps_and_entropies
        _compute_loss = GRPOTrainer._compute_loss

    spy, _ = _train_one_step(StockLossPath, tiny_models, video_dataset, tmp_path)
    assert spy.no_grad_calls >= 1, "stock generation should see the video"
    assert spy.grad_calls == spy.backward_calls == 0, "stock TRL now feeds the video to the loss: VideoGRPOTrainer may be redundant"


def test_tgrpo_shuffled_rollouts_do_not_enter_the_loss(tiny_models, video_dataset, tmp_path):
    from synrl.train.models import load_model

    cfg = _cfg(tiny_models["qwen2_vl"], video_dataset, tmp_path / "out", "grpo.tgrpo.enabled=true",
               "grpo.tgrpo.shuffled_generations=3", "grpo.tgrpo.correctness_reward=test_char_length")
    model, processor = load_model(cfg.model, use_cpu=True)
    trainer = build_grpo_trainer(cfg, model=model, processor=processor)
    seen = {}
    real_loss = trainer._compute_loss
    real_shuffled = trainer._shuffled_rollouts

    def compute_loss(model, inputs):
        seen["loss_rows"] = inputs["completion_ids"].shape[0]
        seen["video_rows"] = len(inputs["video_inputs"])
        return real_loss(model, inputs)

    def shuffled(inputs):
        real_shuffled(inputs)
        seen["shuffled"] = {k: list(v) for k, v in trainer._tgrpo_shuffled.items()}

    trainer._compute_loss = compute_loss
    trainer._shuffled_rollouts = shuffled
    trainer.train()
    assert seen["loss_rows"] == seen["video_rows"] == 2  # the ordered group only
    (uid, values), = seen["shuffled"].items()  # one prompt, its shuffled group of 3
    assert len(values) == 3
    logged = [h for h in trainer.state.log_history if "tgrpo/p" in h]
    assert logged and all(0 <= logged[0][k] <= 1 for k in ("tgrpo/p", "tgrpo/p_shuffled", "tgrpo/bonus_rate"))


class _FakeTrainer:
    def __init__(self, shuffled):
        self._tgrpo_shuffled = shuffled
        self._metrics = {"train": __import__("collections").defaultdict(list)}
        self.model = torch.nn.Linear(1, 1)


@pytest.mark.parametrize("shuffled,expect", [
    ([0.0, 0.0], [0.3, 0.0, 0.3, 0.0]),  # p = 0.5 >= p_shuffled = 0: correct ones get alpha
    ([1.0, 1.0], [0.0, 0.0, 0.0, 0.0]),  # p = 0.5 < 1: no bonus
    ([1.0, 0.0], [0.3, 0.0, 0.3, 0.0]),  # p = 0.5 >= 0.5: bonus (Video-R1 eq. 1 uses >=)
])
def test_temporal_bonus_reward(shuffled, expect):
    reward = TemporalBonusReward(TGRPOOptions(enabled=True))
    reward.trainer = _FakeTrainer({"u": shuffled})
    gt = '{"answer_type": "multiple_choice", "answer": "B", "options": {"A": "x", "B": "y"}}'
    completions = ["<answer>B</answer>", "<answer>A</answer>", "<answer>B</answer>", "nothing"]
    out = reward(completions, uid=["u"] * 4, ground_truth=[gt] * 4)
    assert np.allclose(out, expect)
    m = reward.trainer._metrics["train"]
    assert m["tgrpo/p"] == [0.5] and math.isclose(m["tgrpo/p_shuffled"][0], np.mean(shuffled))


def test_tgrpo_without_shuffled_rollouts_fails_loudly():
    reward = TemporalBonusReward(TGRPOOptions(enabled=True))
    reward.trainer = _FakeTrainer({})
    with pytest.raises(RuntimeError, match="no shuffled rollouts"):
        reward(["<answer>B</answer>"], uid=["u"], ground_truth=['{"answer_type": "yes_no", "answer": "yes"}'])
