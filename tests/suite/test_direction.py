import numpy as np

from synrl.generate import build_sample
from synrl.suite.direction.task import path_distractors, path_text
from tests.suite.test_conformance import request


def test_path_distractors_are_near_misses():
    options = path_distractors(("down", "left"), np.random.default_rng(0))
    # Reversed order, mirrored, time-reversed come first; the true path never appears.
    assert options[:3] == ["First left, then down", "First up, then right",
                           "First right, then up"]
    assert path_text(("down", "left")) not in options


def test_track_follows_the_legs_of_the_answer():
    for index in range(8):
        record = build_sample(request("direction", index)).record
        target = record["tracks"][-1]
        moves = [e for e in record["timeline"] if e["type"] == "move"]
        for move in moves:
            # The frame nearest the turn may belong to either leg.
            a, b = move["start_frame"] + 1, move["end_frame"] - 1
            dx = target["x"][b] - target["x"][a]
            dy = target["y"][b] - target["y"][a]
            expected = {"right": (1, 0), "left": (-1, 0), "down": (0, 1), "up": (0, -1)}
            ex, ey = expected[move["direction"]]
            assert np.sign(round(dx, 6)) == ex and np.sign(round(dy, 6)) == ey
        if record["query"]["kind"] == "path":
            assert record["answer_value"] == [m["direction"] for m in moves]
