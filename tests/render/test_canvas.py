import numpy as np
import pytest

from synrl.render.canvas import Canvas, Sprite, coverage
from synrl.render.shapes import SHAPES, shape_area


def _mask_centroid(sprite):
    x0, y0, alpha = coverage(sprite)
    ys, xs = np.mgrid[0 : alpha.shape[0], 0 : alpha.shape[1]]
    return (alpha * xs).sum() / alpha.sum() + x0, (alpha * ys).sum() / alpha.sum() + y0, alpha


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("offset", [0.0, 0.3, 0.71])
@pytest.mark.parametrize("angle", [0.0, 37.0, 211.0])
def test_coverage_centroid_is_the_object_centre(shape, offset, angle):
    sprite = Sprite(shape, (255, 0, 0), 80 + offset, 60 - offset / 2, 18.0, angle)
    cx, cy, alpha = _mask_centroid(sprite)
    # Analytic antialiasing keeps the centroid within a fraction of a pixel.
    assert abs(cx - sprite.x) < 0.2 and abs(cy - sprite.y) < 0.2
    # Coverage is antialiased (fractional values on the edge) and has the shape's area.
    assert ((alpha > 0.05) & (alpha < 0.95)).any()
    tolerance = 0.02
    assert alpha.sum() == pytest.approx(shape_area(shape, 18.0), rel=tolerance)


def test_positive_angle_turns_counter_clockwise_on_screen():
    # The T's bar is at the top at angle 0; after +90 (counter-clockwise) it points left.
    up = _mask_centroid(Sprite("T", (0, 0, 0), 50, 50, 20, 0))[2]
    left = _mask_centroid(Sprite("T", (0, 0, 0), 50, 50, 20, 90))[2]
    ys, xs = np.mgrid[0 : up.shape[0], 0 : up.shape[1]]
    top_heavy = (up * (ys < up.shape[0] / 2)).sum() > (up * (ys > up.shape[0] / 2)).sum()
    ys, xs = np.mgrid[0 : left.shape[0], 0 : left.shape[1]]
    left_heavy = (left * (xs < left.shape[1] / 2)).sum() > (left * (xs > left.shape[1] / 2)).sum()
    assert top_heavy and left_heavy


def test_canvas_blends_and_clips_at_the_border():
    canvas = Canvas(64, 48, (255, 255, 255))
    canvas.clear()
    canvas.draw(Sprite("circle", (0, 0, 255), 2.0, 2.0, 6.0))  # partly outside
    canvas.draw(Sprite("square", (255, 0, 0), 40.0, 30.0, 8.0))
    frame = canvas.frame
    assert tuple(frame[30, 40]) == (255, 0, 0)
    assert tuple(frame[2, 2]) == (0, 0, 255)
    assert tuple(frame[47, 63]) == (255, 255, 255)
    assert canvas.background[30, 40].tolist() == [255, 255, 255]  # background untouched
