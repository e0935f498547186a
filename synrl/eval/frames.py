"""Sampling and sizing frames from a video file or a folder of frame images."""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image

from synrl.eval.config import FrameConfig
from synrl.render.loader import frame_index, load_frames
from synrl.render.video import VideoError

IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".bmp", ".webp")
#: Frame folders (MVBench's TVQA frames) carry no rate; TVQA's are extracted at 3 fps.
FOLDER_FPS = 3.0


@dataclass
class Clip:
    """Sampled frames and the time (seconds, from the video start) each was taken at."""

    frames: list[Image.Image]
    times: list[float]
    duration: float


def sample_indices(total_frames: int, rate: float, config: FrameConfig,
                   clip: tuple[float, float] | None = None) -> list[int]:
    """Indices of the frames shown, as lmms-eval's ``read_video_pyav`` picks them.

    lmms-eval (``lmms_eval/models/model_utils/load_video.py``): ``n = min(total, num_frames)``,
    with ``fps``: ``n = min(n, int(total / rate * fps))``; then
    ``np.unique(np.linspace(0, total - 1, n, dtype=int))``. A clip ``[start, end]`` (MVBench's
    bounds, ReXTime's clips) is treated as the pre-cut video lmms-eval would read: frames
    ``round(start * rate)`` to ``min(round(end * rate), total - 1)``.
    """
    if total_frames <= 0:
        return []
    first, last = 0, total_frames - 1
    if clip is not None:
        first = min(last, max(0, round(clip[0] * rate)))
        last = max(first, min(last, round(clip[1] * rate)))
    count = last - first + 1
    wanted = min(count, config.num_frames)
    if config.fps is not None and rate > 0:
        wanted = min(wanted, int(count / rate * config.fps))
    wanted = max(1, wanted)
    return [first + int(i) for i in np.unique(np.linspace(0, count - 1, wanted, dtype=int))]


def sample_times(start: float, end: float, config: FrameConfig, rate: float = 30.0) -> list[float]:
    """Times (s) of the frames :func:`sample_indices` picks from ``[start, end]`` of a video
    decoded at ``rate`` frames per second (``index / rate``)."""
    total = int(math.floor(end * rate + 1e-9)) + 1
    return [i / rate for i in sample_indices(total, rate, config, (start, end))]


def resize(image: Image.Image, config: FrameConfig) -> Image.Image:
    """Scale so the pixel count lies within [min_pixels, max_pixels], keeping the aspect."""
    pixels = image.width * image.height
    if pixels > config.max_pixels:
        scale = math.sqrt(config.max_pixels / pixels)
    elif pixels < config.min_pixels:
        scale = math.sqrt(config.min_pixels / pixels)
    else:
        return image
    size = (max(1, int(image.width * scale)), max(1, int(image.height * scale)))
    return image.resize(size, Image.Resampling.BICUBIC)


def _load_folder(folder: Path, clip: tuple[float, float] | None, config: FrameConfig) -> Clip:
    files = sorted(p for p in folder.iterdir() if p.suffix.lower() in IMAGE_SUFFIXES)
    if not files:
        raise VideoError(f"{folder}: no frame images")
    duration = len(files) / FOLDER_FPS
    indices = sample_indices(len(files), FOLDER_FPS, config, clip)
    frames = []
    for index in indices:
        with Image.open(files[index]) as image:
            frames.append(resize(image.convert("RGB"), config))
    return Clip(frames, [i / FOLDER_FPS for i in indices], duration)


def load_clip(path: str | Path, config: FrameConfig, clip: tuple[float, float] | None = None) -> Clip:
    """Sample frames of ``path`` (a video or a folder of images) per ``config``.

    The frames are the ones lmms-eval would show for the same ``num_frames``/``fps`` (see
    :func:`sample_indices`): frame indices count decoded frames, as lmms-eval's PyAV reader
    does, and each frame's time is its presentation timestamp from the first frame (its index
    over the rate for a constant-rate video). Frames come from :mod:`synrl.render.loader`,
    the loader training uses too: each decoded from its nearest keyframe. Raises
    :class:`VideoError`.
    """
    path = Path(path)
    if path.is_dir():
        return _load_folder(path, clip, config)
    index = frame_index(path)
    rate = index.fps or 30.0
    indices = sample_indices(index.num_frames, rate, config, clip)
    loaded = load_frames(path, indices)
    images = [resize(Image.fromarray(frame), config) for frame in loaded.frames]
    return Clip(images, loaded.times, index.num_frames / rate)
