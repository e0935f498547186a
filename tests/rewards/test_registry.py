"""Tests of the reward registry."""

from __future__ import annotations

import pytest

import synrl.rewards as rewards
from synrl.rewards.registry import UnknownRewardError, get_reward, register_reward, reward_names, reward_spec

EXPECTED_NAMES = [
    "accuracy",
    "box_iou",
    "format",
    "length",
    "list",
    "multiple_choice",
    "number",
    "regression",
    "rouge",
    "temporal_iou",
    "wer",
    "yes_no",
]


def test_registered_names() -> None:
    # Other tests may register plugin rewards of their own; the package's are these.
    builtin = [n for n in reward_names() if get_reward(n).__module__.startswith("synrl.")]
    assert builtin == EXPECTED_NAMES


REGISTRY_CASES = [
    # name -> function and documented range
    ("accuracy", rewards.accuracy_reward, (0.0, 1.0)),
    # format
    ("format", rewards.format_reward, (0.0, 1.0)),
    # the length bonus tops out at its default omega
    ("length", rewards.length_reward, (0.0, 0.2)),
    # temporal IoU
    ("temporal_iou", rewards.temporal_iou_reward, (0.0, 1.0)),
    # WER
    ("wer", rewards.wer_reward, (0.0, 1.0)),
]


@pytest.mark.parametrize(("name", "func", "bounds"), REGISTRY_CASES)
def test_lookup(name: str, func: object, bounds: tuple[float, float]) -> None:
    spec = reward_spec(name)
    assert (get_reward(name), (spec.low, spec.high)) == (func, bounds)
    assert spec.summary  # the first docstring line, shown in docs and errors


def test_unknown_name_lists_known_names_and_a_close_match() -> None:
    with pytest.raises(UnknownRewardError) as error:
        get_reward("temporal_iuo")
    message = str(error.value)
    assert "did you mean 'temporal_iou'?" in message
    assert all(name in message for name in EXPECTED_NAMES)


def test_unknown_name_is_a_key_error() -> None:
    # callers catching KeyError keep working
    with pytest.raises(KeyError):
        get_reward("nope")


def test_registering_a_taken_name_fails() -> None:
    with pytest.raises(ValueError, match="registered twice"):
        register_reward("format", low=0.0, high=1.0)(lambda completion, ground_truth=None: 0.0)
