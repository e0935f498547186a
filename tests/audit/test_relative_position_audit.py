"""relative_position audit: relations and passing from offsets, and every label of a small
dataset against its pixels, forwards and backwards."""

import numpy as np
import pytest

from synrl.audit import AuditError, audit_reversed, audit_sample
from synrl.suite.relative_position.audit import relation, side_changes
from tests.audit.test_attribute_change_audit import write_samples

TASK = "relative_position"


@pytest.fixture(scope="module")
def dataset(tmp_path_factory):
    """One sample of each template."""
    return write_samples(tmp_path_factory.mktemp("relative_position"), TASK, range(4), 2)


def test_relation_needs_a_dominant_axis():
    assert relation(-60.0, 20.0) == "left" and relation(3.0, 40.0) == "below"
    with pytest.raises(AuditError):
        relation(40.0, -35.0)


def test_side_changes_ignore_jitter_around_zero():
    offset = np.concatenate([np.linspace(-50, -1, 20), [0.5, -0.8, 1.2, -0.3],
                             np.linspace(1, 60, 20)])
    assert side_changes(offset) == 1
    assert side_changes(np.linspace(-50, -5, 30)) == 0


def test_every_label_agrees_with_the_pixels(dataset):
    out, records, _ = dataset
    results = [audit_sample(r, out) for r in records]
    assert [(s.id, s.message) for s in results if s.status != "ok"] == []


def test_time_reversed_pixels_give_the_declared_reversed_answers(dataset):
    _, records, identity = dataset
    results = [audit_reversed(r, identity) for r in records[:2]]
    assert [(s.id, s.message) for s in results if s.status != "ok"] == []
