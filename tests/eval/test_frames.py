"""Frame sampling: uniform times, clip bounds, pixel budgets, frame folders."""

from __future__ import annotations

import pytest
from PIL import Image

from synrl.eval.config import FrameConfig
from synrl.eval.frames import load_clip, sample_indices, sample_times
from synrl.render.video import VideoError


# Frame indices computed with lmms-eval's own _compute_sample_count and
# _compute_uniform_indices (EvolvingLMMs-Lab/lmms-eval 75571cfe, lmms_eval/models/model_utils/
# load_video.py) for (total_frames, num_frames, fps, average_rate).
LMMS_EVAL_INDICES = [
    ((300, 16, None, 30.0), [0, 19, 39, 59, 79, 99, 119, 139, 159, 179, 199, 219, 239, 259, 279, 299]),
    ((300, 32, None, 30.0), [0, 9, 19, 28, 38, 48, 57, 67, 77, 86, 96, 106, 115, 125, 135, 144, 154, 163, 173, 183,
                             192, 202, 212, 221, 231, 241, 250, 260, 270, 279, 289, 299]),
    # fewer frames than asked for: every frame
    ((10, 16, None, 30.0), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]),
    # fps caps the count: 10 s at 1 fps = 10 frames
    ((300, 64, 1.0, 30.0), [0, 33, 66, 99, 132, 166, 199, 232, 265, 299]),
    # a long video (5 min at 24 fps)
    ((7201, 32, None, 24.0), [0, 232, 464, 696, 929, 1161, 1393, 1625, 1858, 2090, 2322, 2554, 2787, 3019, 3251, 3483,
                              3716, 3948, 4180, 4412, 4645, 4877, 5109, 5341, 5574, 5806, 6038, 6270, 6503, 6735,
                              6967, 7200]),
    ((301, 8, 2.0, 29.97), [0, 42, 85, 128, 171, 214, 257, 300]),
]


@pytest.mark.parametrize(("settings", "expected"), LMMS_EVAL_INDICES)
def test_sample_indices_match_lmms_eval(settings, expected):
    total, num_frames, fps, rate = settings
    assert sample_indices(total, rate, FrameConfig(num_frames=num_frames, fps=fps)) == expected


def test_clip_is_read_as_a_pre_cut_video():
    # [1 s, 2 s] at 10 fps: frames 10..20, 11 frames; 3 of them as lmms-eval on an 11-frame video
    # (linspace(0, 10, 3, dtype=int) = 0, 5, 10)
    assert sample_indices(100, 10.0, FrameConfig(num_frames=3), (1.0, 2.0)) == [10, 15, 20]
    assert sample_times(1.0, 2.0, FrameConfig(num_frames=3), rate=10.0) == [1.0, 1.5, 2.0]


def test_video_clip_and_pixels(suite):
    video = next((suite / "videos").glob("*.mp4"))
    clip = load_clip(video, FrameConfig(num_frames=3, max_pixels=32 * 32))
    assert len(clip.frames) == 3 and clip.duration > 0
    # 64x64 = 4096 px scaled to <= 1024 px: 32x32
    assert clip.frames[0].size == (32, 32)
    bounded = load_clip(video, FrameConfig(num_frames=2), clip=(0.5, 1.5))
    # the clip's first and last frame (index / rate)
    assert bounded.times[0] == pytest.approx(0.5, abs=0.05) and bounded.times[1] == pytest.approx(1.5, abs=0.05)


def test_frame_folder(tmp_path):
    for i in range(6):  # 6 frames at 3 fps = 2 s
        Image.new("RGB", (8, 8), (40 * i, 0, 0)).save(tmp_path / f"{i:05d}.jpg")
    clip = load_clip(tmp_path, FrameConfig(num_frames=2, min_pixels=64))
    assert clip.duration == 2.0 and len(clip.frames) == 2


def test_missing_video_raises(tmp_path):
    with pytest.raises(VideoError):
        load_clip(tmp_path / "nope.mp4", FrameConfig())
