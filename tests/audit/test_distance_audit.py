"""distance audit: pairs and trends from centres, and every label of a small dataset
against its pixels, forwards and backwards."""

import numpy as np
import pytest

from synrl.audit import AuditError, audit_reversed, audit_sample
from synrl.audit.observe import Observation
from synrl.suite.distance.audit import distance_trend, measured_pair
from tests.audit.test_attribute_change_audit import write_samples

TASK = "distance"


@pytest.fixture(scope="module")
def dataset(tmp_path_factory):
    """One sample of each template."""
    return write_samples(tmp_path_factory.mktemp("distance"), TASK, range(4), 2)


def test_measured_pair_orders_ids_numerically_and_refuses_ties():
    points = {"obj10": (0.0, 0.0), "obj2": (5.0, 0.0), "obj3": (100.0, 0.0)}
    assert measured_pair(points, "closest") == ["obj2", "obj10"]
    assert measured_pair(points, "farthest") == ["obj3", "obj10"]
    with pytest.raises(AuditError):
        measured_pair({"obj0": (0, 0), "obj1": (10, 0), "obj2": (20.1, 0)}, "closest")


def test_distance_trend_thresholds():
    def record_with(end_distance):
        return {"query": {"object": "obj0", "reference": "obj1"}, "video": {"num_frames": 2},
                "tracks": [{"id": "obj0"}, {"id": "obj1"}]}, [
            Observation(np.array([0.0, 0.0]), np.zeros(2), np.ones(2), np.ones(2),
                        np.zeros(2, bool), np.zeros((2, 3))),
            Observation(np.array([100.0, end_distance]), np.zeros(2), np.ones(2), np.ones(2),
                        np.zeros(2, bool), np.zeros((2, 3)))]
    assert distance_trend(*record_with(70.0)) == "closer"
    assert distance_trend(*record_with(130.0)) == "farther"
    assert distance_trend(*record_with(101.0)) == "same"
    with pytest.raises(AuditError):
        distance_trend(*record_with(93.0))


def test_every_label_agrees_with_the_pixels(dataset):
    out, records, _ = dataset
    results = [audit_sample(r, out) for r in records]
    assert [(s.id, s.message) for s in results if s.status != "ok"] == []


def test_time_reversed_pixels_give_the_declared_reversed_answers(dataset):
    _, records, identity = dataset
    results = [audit_reversed(r, identity) for r in records[:2]]
    assert [(s.id, s.message) for s in results if s.status != "ok"] == []
    assert all(s.expected != r["answer_value"] for s, r in zip(results, records))
