import numpy as np
import pytest

from synrl.generate import build_sample
from synrl.suite._shortterm.arena import Bounce
from tests.suite.test_conformance import request


def brute_force_contacts(bounce: Bounce, duration: float):
    """Wall contacts by stepping time finely: sign changes of the velocity."""
    t = np.linspace(0, duration, 200001)
    p = bounce.positions(t)
    v = np.sign(np.diff(p))
    turns = np.flatnonzero(v[1:] != v[:-1])
    return [(t[k + 1], "max" if p[k + 1] > bounce.length / 2 else "min") for k in turns]


@pytest.mark.parametrize("p0,speed", [(10.0, 250.0), (390.0, -333.0), (200.0, 35.0),
                                      (0.5, 700.0)])
def test_bounce_contacts_match_brute_force(p0, speed):
    bounce = Bounce(p0, speed, 400.0)
    exact = bounce.contacts(4.0)
    brute = brute_force_contacts(bounce, 4.0)
    assert [side for _, side in exact] == [side for _, side in brute]
    assert np.allclose([t for t, _ in exact], [t for t, _ in brute], atol=1e-3)


def test_answer_counts_the_targets_timeline_contacts():
    for index in range(16):
        record = build_sample(request("collision_count", index, difficulty=3)).record
        walls = [e["wall"] for e in record["timeline"]
                 if e["type"] == "wall_contact" and e["object"] == "obj0"]
        query = record["query"]
        if query["kind"] == "first_wall":
            assert record["answer_value"] == walls[0]
        else:
            assert record["answer_value"] == sum(w in query["walls"] for w in walls)


def test_contacts_are_separated_in_time():
    for index in range(16):
        record = build_sample(request("collision_count", index, difficulty=5)).record
        times = [e["start_ms"] for e in record["timeline"] if e.get("object") == "obj0"]
        assert all(b - a >= 300 for a, b in zip(times, times[1:]))
        assert not times or (times[0] >= 300
                             and times[-1] <= record["video"]["duration_ms"] - 300)


def test_target_is_drawn_last_and_distractors_grow_with_difficulty():
    easy = build_sample(request("collision_count", 0, difficulty=1)).record
    hard = build_sample(request("collision_count", 0, difficulty=5)).record
    assert len(easy["tracks"]) == 1 and len(hard["tracks"]) == 4
    assert hard["tracks"][-1]["role"] == "target"
    assert len({t["color"] for t in hard["tracks"]}) == 4


