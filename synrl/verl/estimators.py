"""T-GRPO advantage estimators for verl (``synrl_tgrpo_code``, ``synrl_tgrpo_paper``), registered
on import; :mod:`synrl.verl.plugin` imports this when verl loads the plugin file."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import numpy as np
import torch
from verl.trainer.ppo import core_algos

from synrl.verl.tgrpo import RULES, apply_tgrpo

__all__ = ["tgrpo_advantage"]


def _get(config: Any, key: str, default: Any) -> Any:
    if config is None:
        return default
    getter = getattr(config, "get", None)
    return getter(key, default) if callable(getter) else getattr(config, key, default)


def tgrpo_advantage(token_level_rewards: torch.Tensor, response_mask: torch.Tensor, index: np.ndarray,
                    config: Any = None, non_tensor_batch: dict | None = None, *, rule: str = "code",
                    **_: Any) -> tuple[torch.Tensor, torch.Tensor]:
    """GRPO advantages with the temporal bonus: shuffled rows get the bonus role only (mask 0).

    Needs the rows' ``extra_info`` and reward extra info (``non_tensor_batch``). verl 0.9.1's
    ``compute_advantage`` passes those to GDPO alone, so a registered estimator called by the
    stock trainer raises here; docs/verl.md names the one-line verl change that lifts it.
    """
    if non_tensor_batch is None:
        raise RuntimeError(
            "synrl_tgrpo needs the batch's extra_info (ordered/shuffled tags), which verl 0.9.1's "
            "compute_advantage passes only to the 'gdpo' estimator (verl/trainer/ppo/ray_trainer.py); "
            "see docs/verl.md, 'T-GRPO'")

    # the DataProto view apply_tgrpo reads
    rows = SimpleNamespace(batch={"token_level_rewards": token_level_rewards, "response_mask": response_mask},
                           non_tensor_batch=non_tensor_batch)
    alpha = float(_get(config, "tgrpo_alpha", 0.3))
    apply_tgrpo(rows, rule=rule, alpha=alpha)
    return core_algos.compute_grpo_outcome_advantage(
        token_level_rewards=token_level_rewards, response_mask=response_mask, index=index,
        norm_adv_by_std_in_grpo=bool(_get(config, "norm_adv_by_std_in_grpo", True)), config=config)


def _register() -> None:
    for name in RULES:
        key = f"synrl_tgrpo_{name}"
        if key not in core_algos.ADV_ESTIMATOR_REGISTRY:
            def estimator(*args, _rule=name, **kwargs):
                return tgrpo_advantage(*args, rule=_rule, **kwargs)
            core_algos.register_adv_est(key)(estimator)


_register()
