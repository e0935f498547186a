"""T-GRPO on verl's DataProto: bonus, loss mask and advantages against hand-computed values."""

from __future__ import annotations

import math

import numpy as np
import pytest

pytest.importorskip("verl", reason="verl is tested in its own environment (.ci/envs.sh verl_env)")
import torch
from verl import DataProto
from verl.trainer.ppo import core_algos
from verl.trainer.ppo.ray_trainer import compute_advantage

import synrl.verl.plugin  # noqa: F401  (registers the estimators, as verl's loading of the file does)
from synrl.verl.tgrpo import TGRPOError, apply_tgrpo

# Prompt A: ordered accuracies [1, 0, 1], shuffled [0, 1]. Both rules grant (code: mean 2/3 >=
# 0.8 * 1/2; paper: share 2/3 >= 1/2): +0.3 to ordered rows 0 and 2.
# Prompt B: ordered [0.4, 0.4, 0.4], shuffled [0.5, 0]. Code: mean 0.4 >= 0.8 * 0.25, every
# ordered reward > 0.1 -> +0.3 each. Paper: share correct (>= 0.5) 0 < 1/2 -> no bonus.
ACC = [1.0, 0.0, 1.0, 0.0, 1.0, 0.4, 0.4, 0.4, 0.5, 0.0]
ROLES = ["ordered"] * 3 + ["shuffled"] * 2 + ["ordered"] * 3 + ["shuffled"] * 2
GROUPS = ["A"] * 5 + ["B"] * 5
UIDS = ["a"] * 3 + ["as"] * 2 + ["b"] * 3 + ["bs"] * 2  # verl's uid: one per dataset row
LENGTHS = [4, 2, 3, 4, 1, 3, 4, 2, 4, 2]  # valid response tokens per row
WIDTH = 5


def _batch() -> DataProto:
    mask = torch.zeros(len(ACC), WIDTH)
    scores = torch.zeros(len(ACC), WIDTH)
    for i, (n, a) in enumerate(zip(LENGTHS, ACC)):
        mask[i, :n] = 1
        scores[i, n - 1] = a  # verl puts the outcome reward on the last valid token
    return DataProto.from_dict(
        tensors={"response_mask": mask, "token_level_scores": scores.clone(), "token_level_rewards": scores.clone()},
        non_tensors={"uid": np.array(UIDS, dtype=object), "accuracy": np.array(ACC),
                     "extra_info": np.array([{"tgrpo_role": r, "tgrpo_group": g} for r, g in zip(ROLES, GROUPS)],
                                            dtype=object)})


def _sequence_rewards(data: DataProto) -> list[float]:
    return data.batch["token_level_rewards"].sum(-1).tolist()


def test_code_rule_bonus_and_mask() -> None:
    data = _batch()
    metrics = apply_tgrpo(data, rule="code")
    assert _sequence_rewards(data) == pytest.approx([1.3, 0.0, 1.3, 0, 0, 0.7, 0.7, 0.7, 0, 0])
    # the bonus sits on the last valid token of each rewarded row
    assert data.batch["token_level_rewards"][0, 3].item() == pytest.approx(1.3)
    assert data.batch["token_level_rewards"][5, 2].item() == pytest.approx(0.7)
    mask = data.batch["response_mask"]
    assert mask[[3, 4, 8, 9]].sum() == 0  # shuffled: out of the loss
    assert mask.sum(-1).tolist() == [4, 2, 3, 0, 0, 3, 4, 2, 0, 0]
    assert metrics == pytest.approx({"tgrpo/p": (2 / 3 + 0.4) / 2, "tgrpo/p_shuffled": (0.5 + 0.25) / 2,
                                     "tgrpo/granted_rate": 1.0, "tgrpo/bonus_rate": 5 / 6})


def test_paper_rule() -> None:
    data = _batch()
    metrics = apply_tgrpo(data, rule="paper")
    assert _sequence_rewards(data) == pytest.approx([1.3, 0.0, 1.3, 0, 0, 0.4, 0.4, 0.4, 0, 0])
    assert metrics["tgrpo/granted_rate"] == 0.5 and metrics["tgrpo/bonus_rate"] == pytest.approx(2 / 6)


def test_advantages_through_verls_grpo() -> None:
    # ordered A scores [1.3, 0, 1.3]: mean 0.8667, std (unbiased) 0.7506 -> [1, -2, 1] / sqrt(3);
    # ordered B scores all equal -> 0; shuffled rows -> 0 (masked)
    data = _batch()
    estimator = core_algos.get_adv_estimator_fn("synrl_tgrpo_code")
    adv, _ = estimator(token_level_rewards=data.batch["token_level_rewards"], response_mask=data.batch["response_mask"],
                       index=data.non_tensor_batch["uid"], config=None, non_tensor_batch=data.non_tensor_batch)
    per_row = adv[:, 0].tolist()
    s = 1 / math.sqrt(3)
    assert per_row == pytest.approx([s, -2 * s, s, 0, 0, 0, 0, 0, 0, 0], abs=1e-5)
    assert torch.equal(adv != 0, (data.batch["response_mask"] > 0) & (torch.tensor(per_row)[:, None] != 0))
    # verl's token-mean loss then averages over the ordered tokens only
    loss = core_algos.agg_loss(loss_mat=torch.ones_like(adv), loss_mask=data.batch["response_mask"],
                               loss_agg_mode="token-mean")
    assert loss.item() == pytest.approx(1.0)
    assert data.batch["response_mask"].sum().item() == 4 + 2 + 3 + 3 + 4 + 2


def test_verls_trainer_does_not_hand_extra_info_to_estimators() -> None:
    # verl 0.9.1's compute_advantage passes non_tensor_batch to 'gdpo' only: the estimator says so
    with pytest.raises(RuntimeError, match="passes only to the 'gdpo' estimator"):
        compute_advantage(_batch(), adv_estimator="synrl_tgrpo_code", config=None)


def test_a_prompt_without_its_shuffled_group_is_an_error() -> None:
    data = _batch()[:3]
    with pytest.raises(TGRPOError, match="prompt A: no shuffled responses"):
        apply_tgrpo(data)
