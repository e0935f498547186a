"""The long-term drawing toolkit: exact centroids of tracked sprites, compositing, and text
that stays legible after H.264."""

import numpy as np
import pytest

from synrl.config import VideoOptions
from synrl.generate import SampleRequest, build_sample
from synrl.render import gridboards, tabletop, terminal  # noqa: F401  (sprite factories)
from synrl.render.boards import Compositor, colour_centroid, get_sprite, placement
from synrl.render.shapes import PALETTE
from synrl.render.video import VideoWriter, read_frames

ORANGE, CYAN = PALETTE["orange"], PALETTE["cyan"]


@pytest.mark.parametrize("key,rgb", [
    (("disc", 9.0, ORANGE), ORANGE),
    (("ball", 14.0, ORANGE, 3.0), ORANGE),
    (("box", 40, 25, CYAN), CYAN),
    (("solid_tile", 101, CYAN), CYAN),
    (("card", "QH", False, 59, 83, PALETTE["yellow"], 4.0, True), PALETTE["yellow"]),
    (("card", "10D", True, 59, 83, PALETTE["yellow"], 4.0, False), PALETTE["yellow"]),
    (("shape", "star", PALETTE["red"], 20.0), PALETTE["red"]),
    (("shape", "triangle", PALETTE["green"], 17.0), PALETTE["green"]),
])
def test_tracked_sprites_have_their_colour_centroid_on_the_anchor(key, rgb):
    dx, dy = colour_centroid(key, rgb)
    # Edge pixels below the audit's coverage threshold are not counted: a few hundredths.
    assert abs(dx) < 0.05 and abs(dy) < 0.05


class Still:
    """An animation of fixed items (test double of the Animation protocol)."""

    def __init__(self, items):
        self._items = items

    def background(self, frame):
        return "plain"

    def background_items(self, key):
        return [(("text", "a", 14, (20, 20, 20)), 10, 10)]

    def items(self, frame):
        return self._items


def test_compositor_puts_a_sprite_centroid_where_asked():
    frame = Compositor(120, 100, (255, 255, 255), Still([(("disc", 9.0, ORANGE), 61, 40)])).frame(0)
    sprite = get_sprite(("disc", 9.0, ORANGE))
    left, top = placement(sprite, 61, 40)
    assert (left, top) == (61 - sprite.anchor[0], 40 - sprite.anchor[1])
    weights = (255.0 - frame[..., 2].astype(float)) / 255.0  # orange has no blue
    weights[:20, :20] = 0  # the background's letter
    ys, xs = np.mgrid[0:100, 0:120]
    assert (weights * xs).sum() / weights.sum() == pytest.approx(61, abs=1e-3)
    assert (weights * ys).sum() / weights.sum() == pytest.approx(40, abs=1e-3)


def _through_h264(frames, tmp_path):
    path = tmp_path / "clip.mp4"
    with VideoWriter(path, frames[0].shape[1], frames[0].shape[0], 30) as writer:
        for frame in frames:
            writer.write(frame)
    return [f.copy() for f in read_frames(path)]


def _best_match(decoded, candidates):
    def norm(a):
        a = a.astype(float) - a.mean()
        return a / (np.linalg.norm(a) + 1e-9)
    return int(np.argmax([float((norm(decoded) * norm(c)).sum()) for c in candidates]))


@pytest.mark.parametrize("suit", ["S", "H"])
def test_card_faces_stay_legible_after_h264(tmp_path, suit):
    ranks = ["A", "2", "3", "4", "5", "6", "7", "8", "9", "10", "J", "Q", "K"]
    keys = [("card", r + suit, True, 59, 83, None, 4.0, False) for r in ranks]
    # The corner strip a fanned pile leaves visible, 44 px wide, of every card in a row.
    items = [(key, 40 + 46 * (i % 9), 60 + 100 * (i // 9)) for i, key in enumerate(keys)]
    clean = Compositor(448, 448, (255, 255, 255), Still(items)).frame(0).copy()
    decoded = _through_h264([clean] * 3, tmp_path)[1]
    for i, (_, x, y) in enumerate(items):
        box = (slice(y - 41, y + 42), slice(x - 29, x + 15))
        crops = [Compositor(448, 448, (255, 255, 255), Still([(k, x, y)])).frame(0)[box]
                 for k in keys]
        assert _best_match(decoded[box], crops) == i, ranks[i]


def test_board_symbols_stay_legible_after_h264(tmp_path):
    symbols = list("123456789") + ["+", "\u2212", "\u00d7", "\u00f7"]
    size, font = 55, 30  # a 7 x 7 board at 448 x 448
    items = [(("cell", size, s, False, font), 40 + 60 * (i % 7), 40 + 60 * (i // 7))
             for i, s in enumerate(symbols)]
    clean = Compositor(448, 448, (255, 255, 255), Still(items)).frame(0).copy()
    decoded = _through_h264([clean] * 3, tmp_path)[1]
    for i, (_, x, y) in enumerate(items):
        box = (slice(y - 27, y + 28), slice(x - 27, x + 28))
        crops = [get_sprite(("cell", size, s, False, font)).rgb for s in symbols]
        crops = [255.0 - c.mean(axis=2) for c in crops]
        assert _best_match(255.0 - decoded[box].mean(axis=2), crops) == i, symbols[i]


def test_the_same_request_renders_the_same_frames():
    from synrl.render.frames import render_frames

    request = SampleRequest("cards", "train", 0, 2, 3, ("mc", "open"), VideoOptions())
    first = [f.copy() for f in render_frames(build_sample(request).sim)]
    second = [f.copy() for f in render_frames(build_sample(request).sim)]
    assert len(first) == len(second) and all(np.array_equal(a, b) for a, b in zip(first, second))
