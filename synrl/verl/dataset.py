"""synrl's verl dataset class: verl's ``RLHFDataset`` with the T-GRPO twins' frames shuffled.

Importable by name (``synrl.verl.dataset``): verl pickles the dataset (its length filter hashes
a closure over it), and a class defined in a file verl executed by path pickles by value and
comes back without its inherited methods. :mod:`synrl.verl.plugin` is the file verl loads.
"""

from __future__ import annotations

from typing import Any

import torch
from verl.utils.dataset.rl_dataset import RLHFDataset

from synrl.verl.tgrpo import frame_permutation

__all__ = ["SHUFFLE_KEY", "SynrlVideoDataset", "shuffle_videos"]

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
