"""Table-driven tests of the T-GRPO temporal bonus (Video-R1 eq. 1-2)."""

from __future__ import annotations

import time
from typing import Any

import numpy as np
import pytest

from synrl.rewards.tgrpo import temporal_bonus, temporal_bonus_batched

A = 0.3

TGRPO_CASES: list[tuple[list[Any], list[Any], dict[str, Any], list[float]]] = [
    # p = 3/8 >= p~ = 1/4: the three correct ordered responses get alpha
    ([1, 1, 0, 0, 1, 0, 0, 0], [1, 0, 0, 0], {}, [A, A, 0, 0, A, 0, 0, 0]),
    # p = 2/8 < p~ = 2/4: nothing
    ([1, 1, 0, 0, 0, 0, 0, 0], [1, 1, 0, 0], {}, [0.0] * 8),
    # p = p~ = 1/2: ">=" grants the bonus
    ([1, 0, 1, 0], [1, 0, 1, 0], {}, [A, 0, A, 0]),
    # p = 7/8 < p~ = 1 with the paper's factor 1.0: nothing
    ([1, 1, 1, 1, 1, 1, 1, 0], [1, 1, 1, 1], {}, [0.0] * 8),
    # same groups with the released code's factor 0.8: 0.875 >= 0.8
    ([1, 1, 1, 1, 1, 1, 1, 0], [1, 1, 1, 1], {"factor": 0.8}, [A] * 7 + [0.0]),
    # the boundary p = 4/5 = 0.8 * 1 counts as reached despite float rounding
    ([1, 1, 1, 1, 0], [1, 1, 1, 1], {"factor": 0.8}, [A, A, A, A, 0]),
    # all wrong in both groups: granted, but no correct response to reward
    ([0, 0, 0, 0], [0, 0], {}, [0.0] * 4),
    # reward values thresholded at 0.5: correct = [0.9, 0.5]; p = 2/4 >= p~ = 1/4
    ([0.9, 0.4, 0.5, 0.0], [0.7, 0.1, 0.2, 0.49], {}, [A, 0, A, 0]),
    # a stricter threshold: correct = [0.9]; p = 1/4 >= p~ = 0 (0.7 < 0.8)
    ([0.9, 0.4, 0.5, 0.0], [0.7, 0.1], {"threshold": 0.8}, [A, 0, 0, 0]),
    # booleans and a custom alpha
    ([True, False], [False, False], {"alpha": 1.0}, [1.0, 0.0]),
    # NaN (a failed score) counts as incorrect: p = 1/2 >= p~ = 0
    ([float("nan"), 1.0], [0.0], {}, [0.0, A]),
]


@pytest.mark.parametrize(("ordered", "shuffled", "kwargs", "expected"), TGRPO_CASES)
def test_temporal_bonus(ordered: list[Any], shuffled: list[Any], kwargs: dict[str, Any], expected: list[float]) -> None:
    np.testing.assert_allclose(temporal_bonus(ordered, shuffled, **kwargs), expected)


def test_batched_matches_rows() -> None:
    rng = np.random.default_rng(0)
    ordered = rng.random((64, 8))
    shuffled = rng.random((64, 4))
    batched = temporal_bonus_batched(ordered, shuffled, factor=0.8)
    assert batched.shape == (64, 8)
    rows = np.stack([temporal_bonus(o, s, factor=0.8) for o, s in zip(ordered, shuffled)])
    np.testing.assert_array_equal(batched, rows)


def test_batched_two_prompts_by_hand() -> None:
    # prompt 0: p = 1/2 >= p~ = 0 -> bonus on its correct responses;
    # prompt 1: p = 1/2 < p~ = 1 -> nothing
    ordered = np.array([[1, 0], [0, 1]], dtype=bool)
    shuffled = np.array([[0, 0], [1, 1]], dtype=bool)
    np.testing.assert_allclose(temporal_bonus_batched(ordered, shuffled), [[A, 0], [0, 0]])


SHAPE_ERRORS: list[tuple[Any, Any]] = [
    # different numbers of prompts
    (np.ones((2, 8)), np.ones((3, 4))),
    # one-dimensional input to the batched form
    (np.ones(8), np.ones(4)),
    # an empty shuffled group
    (np.ones((2, 8)), np.ones((2, 0))),
]


@pytest.mark.parametrize(("ordered", "shuffled"), SHAPE_ERRORS)
def test_shape_errors(ordered: Any, shuffled: Any) -> None:
    with pytest.raises(ValueError):
        temporal_bonus_batched(ordered, shuffled)


def test_512_by_8_is_fast() -> None:
    rng = np.random.default_rng(1)
    ordered = rng.random((512, 8))
    shuffled = rng.random((512, 4))
    start = time.perf_counter()
    for _ in range(10):
        temporal_bonus_batched(ordered, shuffled)
    # ten calls of the whole batch; the benchmark measures the real figure (~0.1 ms)
    assert time.perf_counter() - start < 0.5
