"""What the classifier is shown of a clip: the conditions of the probe.

- `ordered`: the frames in time order (the real video);
- `shuffled`: the same frames in a random order, a new permutation per sample (and, in
  training, per epoch), so only the set of frames is information;
- `single`: one frame, the middle one;
- `reversed`: the frames backwards, shown to the model trained on `ordered` frames (the
  answer should change as the task's reversal mapping says).
"""

from __future__ import annotations

import numpy as np

ORDERED, SHUFFLED, SINGLE, REVERSED = "ordered", "shuffled", "single", "reversed"
TRAINED = (ORDERED, SHUFFLED, SINGLE)  # conditions a model is trained under
CONDITIONS = TRAINED + (REVERSED,)


def middle_index(count: int) -> int:
    """The middle frame of `count` (the later of the two middle ones for an even count)."""
    if count <= 0:
        raise ValueError("no frames")
    return count // 2


def apply(condition: str, frames: np.ndarray, rng: np.random.Generator | None = None
          ) -> np.ndarray:
    """`frames` (T, ...) as `condition` shows them; `shuffled` draws its permutation from
    `rng`."""
    if condition == ORDERED:
        return frames
    if condition == REVERSED:
        return frames[::-1]
    if condition == SINGLE:
        middle = middle_index(len(frames))
        return frames[middle:middle + 1]
    if condition == SHUFFLED:
        if rng is None:
            raise ValueError("the shuffled condition needs a random generator")
        return frames[rng.permutation(len(frames))]
    raise ValueError(f"unknown condition {condition!r}: use one of {', '.join(CONDITIONS)}")


def apply_batch(condition: str, frames: np.ndarray, rng: np.random.Generator | None = None
                ) -> np.ndarray:
    """`apply` to each clip of a batch (B, T, ...): one permutation per clip."""
    if condition != SHUFFLED:
        return apply(condition, frames.swapaxes(0, 1)).swapaxes(0, 1)
    return np.stack([apply(condition, clip, rng) for clip in frames])
