import itertools
import math

import numpy as np
import pytest

from synrl.render.shapes import PALETTE, SHAPES, parse_color, shape_area, unit_polygon


@pytest.mark.parametrize("shape", SHAPES)
def test_unit_polygon_has_centroid_at_origin_and_radius_one(shape):
    poly = unit_polygon(shape)
    x, y = poly[:, 0], poly[:, 1]
    xn, yn = np.roll(x, -1), np.roll(y, -1)
    cross = x * yn - xn * y
    area = cross.sum() / 2
    assert abs(((x + xn) * cross).sum() / (6 * area)) < 1e-9
    assert abs(((y + yn) * cross).sum() / (6 * area)) < 1e-9
    assert np.linalg.norm(poly, axis=1).max() == pytest.approx(1.0)


def test_palette_colours_are_far_apart():
    for (a, ca), (b, cb) in itertools.combinations(PALETTE.items(), 2):
        assert math.dist(ca, cb) >= 100, (a, b)


def test_parse_color_forms_and_errors():
    assert parse_color("red") == PALETTE["red"]
    assert parse_color("#0a0B0c") == (10, 11, 12)
    assert parse_color("1, 2, 3") == (1, 2, 3)
    for bad in ("nope", "#12345", "1,2", "300,0,0"):
        with pytest.raises(ValueError):
            parse_color(bad)


def test_shape_area_of_square():
    # A square of circumradius r has side r * sqrt(2).
    assert shape_area("square", 10) == pytest.approx(200.0)


def test_no_colour_lies_on_another_colours_antialiasing_segment():
    # The audit finds an object by projecting pixels on the segment background -> colour;
    # another object's colour must stay far from that segment (white background).
    background = np.array([255.0, 255.0, 255.0])
    for (a, ca), (b, cb) in itertools.permutations(PALETTE.items(), 2):
        d = np.array(cb, float) - background
        p = np.array(ca, float) - background
        alpha = float(np.clip(p @ d / (d @ d), 0, 1.3))
        assert np.linalg.norm(p - alpha * d) > 60, (a, b)
