"""recipes/verl/grpo_synrl.sh: every override exists in verl 0.9.1's config and holds the
SynRL hyper-parameters (the run itself needs GPUs)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

pytest.importorskip("verl", reason="verl is tested in its own environment (.ci/envs.sh verl_env)")

import verl
from hydra import compose, initialize_config_dir

RECIPE = Path(__file__).resolve().parents[2] / "recipes" / "verl" / "grpo_synrl.sh"
VARIABLES = {"$ESTIMATOR": "grpo", "$DATA": "/data", "$MAX_PROMPT": "4096", "$SHUFFLE": "True", "$PLUGIN": "/p.py",
             "$MODEL": "/model", "$ROLLOUT": "vllm", "$REWARD": "/r.py", "$ROUND": "1", "$ALGO": "grpo",
             "$OUT": "/out", "$NNODES": "1", "$GPUS": "8"}


def _overrides() -> list[str]:
    lines = re.findall(r"^\s+([+\w.]+=\S+) \\$", RECIPE.read_text(), flags=re.MULTILINE)
    out = []
    for line in lines:
        for name in sorted(VARIABLES, key=len, reverse=True):
            line = line.replace(name, VARIABLES[name])
        out.append(line.replace("'", ""))
    return out


def test_recipe_composes_with_verls_config() -> None:
    overrides = _overrides()
    assert len(overrides) > 40
    config_dir = str(Path(verl.__file__).parent / "trainer" / "config")
    with initialize_config_dir(config_dir=config_dir, version_base=None):
        cfg = compose(config_name="ppo_trainer", overrides=overrides)
    actor, rollout = cfg.actor_rollout_ref.actor, cfg.actor_rollout_ref.rollout
    # the SynRL paper: no KL, no entropy loss, lr 1e-6, 8 rollouts at T=1.0, 512 prompts per batch
    assert actor.use_kl_loss is False and cfg.algorithm.use_kl_in_reward is False
    assert actor.entropy_coeff == 0 and actor.optim.lr == 1e-6
    assert rollout.n == 8 and rollout.temperature == 1.0 and cfg.data.train_batch_size == 512
    assert actor.strategy == "fsdp" and rollout.name == "vllm"
    assert cfg.reward.custom_reward_function.name == "compute_score"
    assert cfg.data.custom_cls.name == "SynrlVideoDataset"
