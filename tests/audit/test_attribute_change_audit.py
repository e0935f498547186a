"""attribute_change audit: the outline classifier and size steps on synthetic inputs, and
every label of a small dataset against its pixels, forwards and backwards."""

import numpy as np
import pytest

from synrl.audit import audit_reversed, audit_sample
from synrl.audit.observe import classify_shape, sector_profile, stable_runs
from synrl.suite.attribute_change.audit import size_steps
from synrl.config import GenerateConfig
from synrl.generate import build_sample, requests_for, write_video
from synrl.render.canvas import Sprite, coverage
from synrl.render.shapes import SHAPES

TASK = "attribute_change"


def write_samples(folder, task, indices, difficulty):
    """Records, videos and dataset identity of the chosen samples of a task, written as
    `synrl generate` writes them (only those samples, to keep the tests fast)."""
    config = GenerateConfig(tasks=[task], per_task=max(indices) + 1, out=folder, workers=1,
                            difficulty=difficulty)
    (folder / "videos").mkdir(parents=True)
    records = []
    for request in requests_for(config):
        if request.index in indices:
            built = build_sample(request)
            write_video(built.sim, folder / built.record["video"]["path"], config.video)
            records.append(built.record)
    return folder, records, config.identity()


@pytest.fixture(scope="module")
def dataset(tmp_path_factory):
    """One sample of each template, difficulty 3 (a decoy object changes too)."""
    return write_samples(tmp_path_factory.mktemp("attribute_change"), TASK, range(6), 3)


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("radius,angle", [(12.0, 0.0), (20.0, 37.0), (33.0, 101.0)])
def test_outline_classifier_names_every_shape_at_any_size_and_angle(shape, radius, angle):
    x0, y0, alpha = coverage(Sprite(shape, (0, 0, 0), 100.3, 80.7, radius, angle))
    ys, xs = np.nonzero(alpha > 0.05)
    profile = sector_profile((xs + x0).astype(float), (ys + y0).astype(float),
                             alpha[ys, xs].astype(float))
    assert classify_shape(profile)[0] == shape


def test_stable_runs_drop_blips_and_merge():
    labels = ["red"] * 5 + ["blue"] + ["red"] * 4 + [None] * 2 + ["green"] * 6
    assert stable_runs(labels, 3) == [("red", 0, 10), ("green", 12, 18)]


def test_size_steps_find_each_jump_once():
    radius = np.concatenate([np.full(20, 10.0), np.full(20, 14.0), np.full(20, 10.0)])
    radius += np.random.default_rng(0).normal(0, 0.1, radius.size)
    steps = size_steps(radius)
    assert [frame for frame, _ in steps] == [20, 40]
    assert steps[0][1] == pytest.approx(1.4, abs=0.05)
    assert steps[1][1] == pytest.approx(1 / 1.4, abs=0.05)


def test_every_label_agrees_with_the_pixels(dataset):
    out, records, _ = dataset
    results = [audit_sample(r, out) for r in records]
    assert [(s.id, s.message) for s in results if s.status != "ok"] == []
    assert {r["query"]["kind"] for r in records} == {
        "what_changed", "color_before", "shape_before", "change_count", "grew"}


def test_time_reversed_pixels_give_the_declared_reversed_answers(dataset):
    _, records, identity = dataset
    # The templates whose answer changes backwards: colour before, shape before, grew.
    chosen = [r for r in records if r["query"]["kind"] in ("color_before", "shape_before",
                                                            "grew")]
    results = [audit_reversed(r, identity) for r in chosen]
    assert [(s.id, s.message) for s in results if s.status != "ok"] == []
    assert all(s.expected != r["answer_value"] for s, r in zip(results, chosen))


def test_a_when_question_on_an_object_that_only_changes_size_is_audited(tmp_path):
    """Sample 6 of the 'when' form at difficulty 3 asks when the orange star gets smaller;
    the star changes nothing but its size, and its outline (which the size is read
    through) must still be classified: it used to be an audit error."""
    config = GenerateConfig(tasks=[TASK], per_task=7, out=tmp_path, workers=1, difficulty=3,
                            question_types=["when"])
    (tmp_path / "videos").mkdir(parents=True)
    request = requests_for(config)[6]
    built = build_sample(request)
    event = built.record["timeline"][built.record["query"]["event"]]
    track = next(t for t in built.record["tracks"] if t["id"] == event["object"])
    assert event["type"] == "size_change"
    assert not track.get("color_by_frame") and not track.get("shape_by_frame")
    write_video(built.sim, tmp_path / built.record["video"]["path"], config.video)
    result = audit_sample(built.record, tmp_path)
    assert result.status == "ok", result.message
