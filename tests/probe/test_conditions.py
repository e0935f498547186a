import numpy as np
import pytest

from synrl.probe.conditions import ORDERED, REVERSED, SHUFFLED, SINGLE, apply, apply_batch, middle_index


def clip(t=16):
    return np.arange(t)[:, None, None, None] * np.ones((t, 2, 2, 3), np.int64)


def test_shuffled_keeps_the_frame_multiset_and_changes_the_order():
    frames = clip()
    shown = apply(SHUFFLED, frames, np.random.default_rng(0))
    assert sorted(shown[:, 0, 0, 0]) == list(range(16))
    assert list(shown[:, 0, 0, 0]) != list(range(16))


def test_batch_shuffle_draws_one_permutation_per_clip():
    batch = np.stack([clip(), clip()])
    shown = apply_batch(SHUFFLED, batch, np.random.default_rng(1))
    assert list(shown[0, :, 0, 0, 0]) != list(shown[1, :, 0, 0, 0])
    for row in shown:
        assert sorted(row[:, 0, 0, 0]) == list(range(16))


def test_single_is_the_middle_frame_and_reversed_is_backwards():
    frames = clip()
    assert middle_index(16) == 8 and middle_index(15) == 7
    assert apply(SINGLE, frames)[:, 0, 0, 0].tolist() == [8]
    assert apply(REVERSED, frames)[:, 0, 0, 0].tolist() == list(range(15, -1, -1))
    assert apply(ORDERED, frames) is frames
    batch = apply_batch(SINGLE, np.stack([frames, frames]))
    assert batch.shape[:2] == (2, 1) and (batch[:, 0, 0, 0, 0] == 8).all()


def test_unknown_condition_and_shuffle_without_generator_fail():
    with pytest.raises(ValueError, match="unknown condition"):
        apply("sideways", clip())
    with pytest.raises(ValueError, match="random generator"):
        apply(SHUFFLED, clip())
