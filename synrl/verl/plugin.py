"""The file verl loads by path: synrl's dataset class and T-GRPO advantage estimators.

verl config (see recipes/verl/ and docs/verl.md)::

    data.custom_cls.path=$(python -c "import synrl.verl.plugin as m; print(m.__file__)")
    data.custom_cls.name=SynrlVideoDataset

Loading the file (verl does it in its driver, where advantages are computed) also registers
the advantage estimators ``synrl_tgrpo_paper`` and ``synrl_tgrpo_code`` (Video-R1's rule as the
paper writes it / as its trainer runs it; :mod:`synrl.verl.tgrpo`). Absolute imports only:
verl executes this file as a bare module.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import torch
from verl.trainer.ppo import core_algos
from verl.utils.dataset.rl_dataset import RLHFDataset

from synrl.verl.tgrpo import RULES, apply_tgrpo, frame_permutation

__all__ = ["SynrlVideoDataset", "tgrpo_advantage"]

SHUFFLE_KEY = "synrl_shuffle_seed"


def _shuffle_seeds(messages: list[dict]) -> list[int]:
    """The shuffle seed of every video part, in order (-1: keep the frames in order)."""
    seeds = []
    for message in messages:
        content = message.get("content")
        if isinstance(content, list):
            seeds.extend(int(part.get(SHUFFLE_KEY, -1) if part.get(SHUFFLE_KEY) is not None else -1)
                         for part in content if isinstance(part, dict) and part.get("type") == "video")
    return seeds


def shuffle_videos(messages: list[dict], videos: list[Any] | None) -> list[Any] | None:
    """Permute the sampled frames of each video whose part carries a shuffle seed >= 0.

    Frames move, metadata (timestamps, fps) stays: the model sees the same frames at the same
    times in another order, as Video-R1's shuffled group does.
    """
    if not videos:
        return videos
    out = []
    for seed, video in zip(_shuffle_seeds(messages), videos, strict=True):
        frames, metadata = video if isinstance(video, tuple) else (video, None)
        if seed >= 0:
            order = torch.as_tensor(frame_permutation(len(frames), seed))
            frames = frames[order]
        out.append((frames, metadata) if isinstance(video, tuple) else frames)
    return out


class SynrlVideoDataset(RLHFDataset):
    """verl's ``RLHFDataset`` whose vision step shuffles the T-GRPO twins' frames.

    ``process_vision_info`` is the hook verl documents for custom vision extraction: verl's
    agent loop calls it on every prompt before the chat template, so the shuffled row's frames
    reach the rollout and the log-prob passes alike. Rows without a seed are untouched.
    """

    @classmethod
    async def process_vision_info(cls, messages: list[dict], image_patch_size, config) -> tuple:
        images, videos = await super().process_vision_info(messages, image_patch_size, config)
        return images, shuffle_videos(messages, videos)

    def _process_multi_modal_info(self, messages, image_patch_size, config):
        # the length filter's path: same frames, same count; shuffled for consistency
        images, videos, audios = super()._process_multi_modal_info(messages, image_patch_size, config)
        return images, shuffle_videos(messages, videos), audios


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

    class _Rows:  # the DataProto view apply_tgrpo reads
        batch = {"token_level_rewards": token_level_rewards, "response_mask": response_mask}

    _Rows.non_tensor_batch = non_tensor_batch
    alpha = float(_get(config, "tgrpo_alpha", 0.3))
    apply_tgrpo(_Rows, rule=rule, alpha=alpha)
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
