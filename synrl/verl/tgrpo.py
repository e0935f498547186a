"""Video-R1's T-GRPO on verl batches (``DataProto``), with synrl's rule (:mod:`synrl.rewards.tgrpo`).

The export (``synrl export verl --tgrpo``) writes each prompt twice, adjacent: the ordered row and
its shuffled twin (``extra_info.tgrpo_role``, ``extra_info.tgrpo_group`` = the sample id,
``videos[0].synrl_shuffle_seed``). verl's rollout answers both ``rollout.n`` times; the plugin's
dataset permutes the twin's sampled frames (timestamps stay, content moves, as in Video-R1).
:func:`apply_tgrpo` then, per prompt, applies :func:`~synrl.rewards.tgrpo.temporal_decision` to the
ordered and shuffled accuracies, adds the bonus to each rewarded ordered response's last token
reward, and zeroes the shuffled responses' ``response_mask``: they feed the bonus only, never the
policy loss (nor the GRPO group statistics, which verl computes over masked scores).

Nothing here imports verl: it works on any object with ``.batch`` (tensors) and
``.non_tensor_batch`` (numpy object arrays), verl's ``DataProto`` included.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from typing import Any

import numpy as np

from synrl.rewards.tgrpo import (
    DEFAULT_ALPHA,
    PAPER_RULE,
    VIDEO_R1_CODE_RULE,
    temporal_decision,
)

__all__ = ["RULES", "TGRPOError", "apply_tgrpo", "frame_permutation", "shuffle_seed"]

#: The rule presets by name: the paper's equations and Video-R1's released trainer.
RULES: dict[str, dict] = {"paper": PAPER_RULE, "code": VIDEO_R1_CODE_RULE}


class TGRPOError(ValueError):
    """A batch T-GRPO cannot score (a prompt without its other group, missing tags)."""


def shuffle_seed(sample_id: str, seed: int = 0) -> int:
    """The shuffled twin's permutation seed: from the sample id and the export seed only."""
    return int.from_bytes(hashlib.sha256(f"{seed}:{sample_id}".encode()).digest()[:4], "big") & 0x7FFFFFFF


def frame_permutation(n: int, seed: int) -> np.ndarray:
    """A permutation of ``n`` frames from ``seed``; never the identity when ``n >= 2``."""
    rng = np.random.default_rng(seed)
    order = rng.permutation(n)
    while n >= 2 and np.array_equal(order, np.arange(n)):
        order = rng.permutation(n)
    return order


def _correctness(data: Any, key: str) -> np.ndarray:
    if key in data.non_tensor_batch:
        return np.asarray(data.non_tensor_batch[key], dtype=np.float64)
    # verl's reward extra info is missing (e.g. a reward returning a bare float): the summed score
    return data.batch["token_level_scores"].sum(-1).double().cpu().numpy()


def apply_tgrpo(data: Any, *, rule: str | Mapping[str, Any] = "code", alpha: float = DEFAULT_ALPHA,
                correctness_key: str = "accuracy", rewards_key: str = "token_level_rewards") -> dict[str, float]:
    """Add the temporal bonus to ``data.batch[rewards_key]`` and mask the shuffled rows, in place.

    ``rule``: ``"paper"``, ``"code"`` or the keyword arguments of ``temporal_decision``.
    Correctness per response is ``non_tensor_batch[correctness_key]`` (synrl's reward returns
    ``accuracy``), else the summed ``token_level_scores``. Returns ``tgrpo/*`` metrics.
    """
    params = dict(RULES[rule] if isinstance(rule, str) else rule)
    extra = data.non_tensor_batch.get("extra_info")
    if extra is None:
        raise TGRPOError("T-GRPO needs extra_info.tgrpo_role/tgrpo_group per row: export with synrl export verl --tgrpo")
    try:
        roles = [e["tgrpo_role"] for e in extra]
        groups = [e["tgrpo_group"] for e in extra]
    except (KeyError, TypeError) as exc:
        raise TGRPOError(f"a row lacks the T-GRPO tags ({exc}); export with synrl export verl --tgrpo") from None
    acc = _correctness(data, correctness_key)
    members: dict[str, dict[str, list[int]]] = {}
    for i, (role, group) in enumerate(zip(roles, groups, strict=True)):
        if role not in ("ordered", "shuffled"):
            raise TGRPOError(f"row {i}: tgrpo_role must be ordered or shuffled, got {role!r}")
        members.setdefault(group, {"ordered": [], "shuffled": []})[role].append(i)
    rewards = data.batch[rewards_key]
    mask = data.batch["response_mask"]
    bonus = np.zeros(len(roles))
    stats = {"p": [], "p_shuffled": [], "granted": []}
    for group, rows in members.items():
        if not rows["ordered"] or not rows["shuffled"]:
            missing = "shuffled" if rows["ordered"] else "ordered"
            raise TGRPOError(f"prompt {group}: no {missing} responses in this batch; keep the exported pairs together "
                             "(data.shuffle=False, an even data.train_batch_size)")
        decision = temporal_decision(acc[rows["ordered"]][None, :], acc[rows["shuffled"]][None, :], alpha=alpha,
                                     **params)
        bonus[rows["ordered"]] = decision.bonus[0]
        stats["p"].append(decision.p[0])
        stats["p_shuffled"].append(decision.p_shuffled[0])
        stats["granted"].append(decision.granted[0])
    # The outcome reward sits on the last valid response token (verl's reward managers put it there).
    valid = mask.bool()
    last = valid.shape[1] - 1 - valid.flip(-1).int().argmax(-1)
    ordered_rows = np.array([r == "ordered" for r in roles])
    for i in np.flatnonzero(bonus):
        rewards[i, last[i]] += float(bonus[i])
    shuffled = np.flatnonzero(~ordered_rows)
    mask[shuffled] = 0
    # verl's GRPO advantage multiplies by the mask; zero the rewards too so no statistic sees them.
    rewards[shuffled] = 0
    return {
        "tgrpo/p": float(np.mean(stats["p"])),
        "tgrpo/p_shuffled": float(np.mean(stats["p_shuffled"])),
        "tgrpo/granted_rate": float(np.mean(stats["granted"])),
        "tgrpo/bonus_rate": float(np.mean(bonus[ordered_rows] > 0)),
    }
