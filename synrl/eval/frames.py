"""Sampling and sizing frames from a video file or a folder of frame images."""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import av
import numpy as np
from PIL import Image

from synrl.eval.config import FrameConfig
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


def sample_times(start: float, end: float, config: FrameConfig) -> list[float]:
    """Frame times for a clip ``[start, end]``: uniform ``num_frames`` (segment centres), or
    every ``1/fps`` seconds capped at ``num_frames`` (then spread uniformly)."""
    length = max(0.0, end - start)
    count = config.num_frames
    if config.fps is not None:
        count = max(1, min(count, int(math.floor(length * config.fps)) or 1))
    return [start + (i + 0.5) * length / count for i in range(count)]


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


def _nearest(times: list[float], stamps: np.ndarray) -> list[int]:
    return [int(np.argmin(np.abs(stamps - t))) for t in times]


def _load_folder(folder: Path, clip: tuple[float, float] | None, config: FrameConfig) -> Clip:
    files = sorted(p for p in folder.iterdir() if p.suffix.lower() in IMAGE_SUFFIXES)
    if not files:
        raise VideoError(f"{folder}: no frame images")
    duration = len(files) / FOLDER_FPS
    start, end = clip if clip else (0.0, duration)
    times = sample_times(max(0.0, start), min(duration, end) if end > start else duration, config)
    stamps = (np.arange(len(files)) + 0.5) / FOLDER_FPS
    frames = []
    for index in _nearest(times, stamps):
        with Image.open(files[index]) as image:
            frames.append(resize(image.convert("RGB"), config))
    return Clip(frames, times, duration)


def load_clip(path: str | Path, config: FrameConfig, clip: tuple[float, float] | None = None) -> Clip:
    """Sample frames of ``path`` (a video or a folder of images) per ``config``.

    Decodes once, front to back, keeping for each wanted time the frame whose timestamp is
    nearest; decoding stops after the last wanted time. Raises :class:`VideoError`.
    """
    path = Path(path)
    if path.is_dir():
        return _load_folder(path, clip, config)
    try:
        with av.open(str(path)) as container:
            stream = container.streams.video[0]
            duration = 0.0
            if stream.duration is not None and stream.time_base is not None:
                duration = float(stream.duration * stream.time_base)
            elif container.duration is not None:
                duration = container.duration / av.time_base
            if duration <= 0:
                # No header duration: count frames once (short clips only reach here).
                rate = float(stream.average_rate or 30)
                duration = sum(1 for _ in container.decode(stream)) / rate
                container.seek(0)
            start, end = clip if clip else (0.0, duration)
            start, end = max(0.0, start), min(duration, end) if end > start else duration
            times = sample_times(start, end, config)
            best: list[tuple[float, av.VideoFrame | None]] = [(math.inf, None)] * len(times)
            last = times[-1]
            for frame in container.decode(stream):
                if frame.time is None:
                    continue
                t = float(frame.time)
                for i, want in enumerate(times):
                    gap = abs(t - want)
                    if gap < best[i][0]:
                        best[i] = (gap, frame)
                if t > last + 1.0:
                    break
            images = [resize(f.to_image(), config) for _, f in best if f is not None]
    except (av.FFmpegError, IndexError, OSError) as exc:
        raise VideoError(f"{path}: cannot decode ({exc.__class__.__name__}: {exc})") from exc
    if len(images) != len(times):
        raise VideoError(f"{path}: no frames decoded")
    return Clip(images, times, duration)
