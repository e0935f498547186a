import numpy as np

from synrl.generate import build_sample
from tests.suite.test_conformance import request


def test_speed_profile_matches_trend():
    for index in range(12):
        record = build_sample(request("speed_change", index, difficulty=5)).record
        target = record["tracks"][-1]
        step = np.hypot(np.diff(target["x"]), np.diff(target["y"]))
        first, last = step[:10].mean(), step[-10:].mean()
        trend = record["timeline"][0]["trend"]
        if trend == "accelerating":
            assert last > 1.5 * first
        elif trend == "decelerating":
            assert first > 1.5 * last
        else:
            assert abs(last - first) < 0.05 * first


def test_rotation_angles_match_turns_and_direction():
    for index in range(12):
        record = build_sample(request("rotation", index)).record
        target = record["tracks"][-1]
        spin = next(e for e in record["timeline"] if e["type"] == "spin")
        total = target["angle"][-1] - target["angle"][0]
        # The last frame is one frame short of the clip's end.
        n = record["video"]["num_frames"]
        assert abs(total - spin["degrees"] * (n - 1) / n) < 0.1
        if spin["direction"] == "clockwise":
            assert total < 0
        turns = [e for e in record["timeline"] if e["type"] == "full_turn"]
        assert len(turns) == spin["full_turns"] == int(abs(spin["degrees"]) // 360)
        assert target["shape"] in ("T", "L")
