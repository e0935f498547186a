"""Auditors of trajectory_shape, motion_count, acceleration and velocity_rank: their
measuring tools on synthetic inputs, and every label of a small dataset against its pixels,
forwards and backwards."""

import numpy as np
import pytest

from synrl.audit import AuditSummary, audit_reversed, audit_sample
from synrl.audit.observe import Observation
from synrl.suite.acceleration.audit import fit_ramp, fit_two_phases
from synrl.suite.motion_count.audit import movements
from synrl.suite.trajectory_shape.audit import path_shape, returns_to_start, turning_points
from synrl.suite.velocity_rank.audit import median_speed
from synrl.config import VideoOptions
from synrl.generate import SampleRequest, build_sample, write_video
from synrl.suite.trajectory_shape.task import resample_at_constant_speed, unit_path


def observation(x, y, area=400.0, occluded=None):
    n = len(x)
    return Observation(np.asarray(x, float), np.asarray(y, float), np.full(n, area),
                       np.full(n, np.nan), np.zeros(n, bool) if occluded is None else occluded,
                       np.full((n, 3), np.nan))


@pytest.mark.parametrize("shape", ["line", "circle", "zigzag", "wave", "square"])
def test_path_shape_from_noisy_centres(shape):
    rng = np.random.default_rng(1)
    for _ in range(5):
        vertices, _, _ = unit_path(shape, rng, 5, 90)
        xy = resample_at_constant_speed(vertices * 150, 90) + rng.normal(0, 0.3, (90, 2))
        obs = observation(xy[:, 0], xy[:, 1])
        assert path_shape(obs) == shape
        assert returns_to_start(obs) == (shape in ("circle", "square"))


def test_turning_points_ignore_jitter_and_the_clip_ends():
    t = np.linspace(0, 3, 91)
    triangle = 2 * np.abs((t % 1.0) - 0.5) + 0.01 * np.sin(40 * t)
    # Reversals at every half unit, except t = 0 and t = 3 (the ends).
    assert [round(t[i], 2) for i in turning_points(triangle, 0.5)] == [0.5, 1.0, 1.5, 2.0, 2.5]


def test_movements_split_at_rests_and_tell_jumps_from_slides():
    tau = np.linspace(0, 1, 15)
    still, flat = np.zeros(10), np.zeros(15)
    hop = -60 * 4 * tau * (1 - tau)  # up is negative y
    ease = 40 * tau * tau * (3 - 2 * tau)
    y = 300 + np.concatenate([still, hop, still, flat, still, hop, still])
    x = 100 + np.concatenate([still, flat, still, ease, still + 40, flat + 40, still + 40])
    assert movements(observation(x, y)) == ["jump", "slide", "jump"]


def test_fit_ramp_recovers_change_times_from_noisy_speeds():
    rng = np.random.default_rng(2)
    t = (np.arange(150) + 0.5) / 30
    true = np.interp(t, [0, 1.5, 3.0, 5.0], [90, 90, 150, 150])
    start, end = fit_ramp(t, true + rng.normal(0, 6, t.size))
    assert start == pytest.approx(1.5, abs=0.15) and end == pytest.approx(3.0, abs=0.15)


@pytest.mark.parametrize("profile", [("constant", "speeding_up"), ("slowing_down", "constant"),
                                     ("speeding_up", "slowing_down")])
def test_two_phase_profiles(profile):
    rng = np.random.default_rng(3)
    t = (np.arange(150) + 0.5) / 30
    level = {"constant": 0, "speeding_up": 1, "slowing_down": -1}
    knots = np.cumsum([0, level[profile[0]], level[profile[1]]])
    speed = 90 * 1.6 ** (knots - knots.min())
    v = np.interp(t, [0, 2.5, 5.0], speed) + rng.normal(0, 6, t.size)
    assert fit_two_phases(t, v) == list(profile)


def test_median_speed_skips_occluded_frames():
    x = 100 + 3.0 * np.arange(60)
    x[20:30] = 500  # corrupted while another object overlaps it
    occluded = np.zeros(60, bool)
    occluded[20:30] = True
    assert median_speed(observation(x, np.zeros(60), occluded=occluded), 30) == pytest.approx(90)


# One sample of each question kind whose answer changes when the clip is reversed, plus one
# each of the tasks whose answers do not: (task, sample index picking the template).
SAMPLES = [("trajectory_shape", 0), ("motion_count", 3), ("acceleration", 0),
           ("acceleration", 1), ("acceleration", 2), ("velocity_rank", 1)]
VIDEO = VideoOptions()


@pytest.fixture(scope="module")
def motion_samples(tmp_path_factory):
    """Records of SAMPLES at difficulty 2 (one distractor), with their videos in a folder."""
    folder = tmp_path_factory.mktemp("motion")
    (folder / "videos").mkdir()
    records = []
    for task, index in SAMPLES:
        built = build_sample(SampleRequest(task, "train", 0, index, 2, ("mc", "open"), VIDEO))
        write_video(built.sim, folder / built.record["video"]["path"], VIDEO)
        records.append(built.record)
    return folder, records


def test_every_label_agrees_with_the_pixels(motion_samples):
    folder, records = motion_samples
    summary = AuditSummary([audit_sample(r, folder) for r in records])
    assert [(s.id, s.message) for s in summary.samples if s.status != "ok"] == []
    for task, row in summary.by_task().items():
        assert row["mean_px"] <= 1.0, (task, row)


def test_time_reversed_pixels_give_the_declared_reversed_answers(motion_samples):
    _, records = motion_samples
    identity = {"video": VIDEO.model_dump(), "question_types": ["mc", "open"]}
    results = [audit_reversed(r, identity) for r in records]
    assert [(s.id, s.message) for s in results if s.status != "ok"] == []
    # The declared mappings really change answers (not a mapping of everything to itself).
    changed = [s for s, r in zip(results, records) if s.expected != r["answer_value"]]
    assert len(changed) >= 3
