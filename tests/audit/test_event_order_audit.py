"""event_order audit: visibility, colour and motion events on synthetic observations, and
every label of a small dataset against its pixels, forwards and backwards."""

import numpy as np
import pytest

from synrl.audit import AuditError, audit_reversed, audit_sample
from synrl.audit.observe import Observation
from synrl.suite.event_order.audit import color_event, motion_event, visibility_event
from synrl.render.shapes import PALETTE
from tests.audit.test_attribute_change_audit import write_samples

TASK = "event_order"


def observation(x, found=None, colors=None):
    n = len(x)
    x = np.asarray(x, float).copy()
    if found is not None:
        x[~np.asarray(found)] = np.nan
    rgb = np.array([PALETTE[c] for c in colors], float) if colors else np.full((n, 3), 90.0)
    return Observation(x, np.zeros(n), np.ones(n), np.zeros(n), np.zeros(n, bool), rgb)


@pytest.fixture(scope="module")
def dataset(tmp_path_factory):
    """For each event kind the first sample asking for its order (every third index is the
    `order` template; the seeded plan decides the kind); 1 and 2 are the "first" and the
    open forms."""
    from synrl.suite import get_task

    task, first = get_task(TASK), {}
    for index in range(0, 300, 3):
        first.setdefault(task.plan(index, 3, stream="train|0").value[0], index)
    return write_samples(tmp_path_factory.mktemp("event_order"), TASK,
                         (1, 2, *sorted(first.values())), 3)


def test_visibility_events():
    x = np.arange(30.0)
    seen = np.ones(30, bool)
    assert visibility_event(observation(x, seen)) is None
    appear = seen.copy()
    appear[:12] = False
    assert visibility_event(observation(x, appear)) == ("appear", 12)
    assert visibility_event(observation(x, appear[::-1])) == ("disappear", 18)
    blink = seen.copy()
    blink[10:15] = False
    assert visibility_event(observation(x, blink)) == ("flash", 10)
    blink[20:25] = False
    with pytest.raises(AuditError):
        visibility_event(observation(x, blink))


def test_colour_and_motion_events():
    colors = ["red"] * 10 + ["magenta"] * 10
    assert color_event(observation(np.arange(20.0), colors=colors)) == ("change", 10)
    x = np.concatenate([np.arange(15) * 2.0, np.full(15, 28.0)])
    assert motion_event(observation(x)) == ("stop", 14)
    assert motion_event(observation(x[::-1])) == ("start", 15)
    assert motion_event(observation(np.arange(30) * 2.0)) is None


def test_every_label_agrees_with_the_pixels(dataset):
    out, records, _ = dataset
    results = [audit_sample(r, out) for r in records]
    assert [(s.id, s.message) for s in results if s.status != "ok"] == []
    assert {r["query"]["event"] for r in records} == {"change", "appear", "stop", "flash"}


def test_time_reversed_pixels_give_the_declared_reversed_answers(dataset):
    _, records, identity = dataset
    chosen = [r for r in records if r["query"]["ask"] == "order"][:4]
    results = [audit_reversed(r, identity) for r in chosen]
    assert [(s.id, s.message) for s in results if s.status != "ok"] == []
    assert all(s.expected != r["answer_value"] for s, r in zip(results, chosen))
