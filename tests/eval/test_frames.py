"""Frame sampling: uniform times, clip bounds, pixel budgets, frame folders."""

from __future__ import annotations

import pytest
from PIL import Image

from synrl.eval.config import FrameConfig
from synrl.eval.frames import load_clip, sample_times
from synrl.render.video import VideoError


def test_sample_times():
    # 4 frames over [0, 8]: centres of 2 s segments
    assert sample_times(0.0, 8.0, FrameConfig(num_frames=4)) == [1.0, 3.0, 5.0, 7.0]
    # 1 fps over 3 s is 3 frames, under the cap of 16: centres 0.5, 1.5, 2.5
    assert sample_times(0.0, 3.0, FrameConfig(num_frames=16, fps=1.0)) == [0.5, 1.5, 2.5]
    # 10 fps over 3 s would be 30 frames: capped at 4
    assert len(sample_times(0.0, 3.0, FrameConfig(num_frames=4, fps=10.0))) == 4


def test_video_clip_and_pixels(suite):
    video = next((suite / "videos").glob("*.mp4"))
    clip = load_clip(video, FrameConfig(num_frames=3, max_pixels=32 * 32))
    assert len(clip.frames) == 3 and clip.duration > 0
    # 64x64 = 4096 px scaled to <= 1024 px: 32x32
    assert clip.frames[0].size == (32, 32)
    bounded = load_clip(video, FrameConfig(num_frames=2), clip=(0.5, 1.5))
    assert bounded.times == [0.75, 1.25]


def test_frame_folder(tmp_path):
    for i in range(6):  # 6 frames at 3 fps = 2 s
        Image.new("RGB", (8, 8), (40 * i, 0, 0)).save(tmp_path / f"{i:05d}.jpg")
    clip = load_clip(tmp_path, FrameConfig(num_frames=2, min_pixels=64))
    assert clip.duration == 2.0 and len(clip.frames) == 2


def test_missing_video_raises(tmp_path):
    with pytest.raises(VideoError):
        load_clip(tmp_path / "nope.mp4", FrameConfig())
