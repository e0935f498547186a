"""Streaming H.264 writer and a frame reader, both on PyAV."""

from __future__ import annotations

import os
import socket
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Iterator

import av
import numpy as np


@dataclass(frozen=True)
class EncoderSettings:
    """x264 settings. threads=1 keeps the bitstream identical run to run; parallelism comes
    from generating several videos at once, one per process."""

    crf: int = 18
    preset: str = "veryfast"
    codec: str = "libx264"
    pix_fmt: str = "yuv420p"


class VideoWriter:
    """Write RGB frames to an MP4 one at a time, never holding the video in memory.

    The file appears at `path` only after `close()` succeeds (temp file + atomic rename), so a
    killed process never leaves a truncated MP4 behind under the final name.
    """

    def __init__(self, path: str | os.PathLike, width: int, height: int, fps: int,
                 settings: EncoderSettings = EncoderSettings()):
        self.path = Path(path)
        # Host and pid: writers on several nodes of a shared folder never share a temp name.
        self.tmp_path = self.path.with_name(
            f".{self.path.name}.{socket.gethostname()}.{os.getpid()}.tmp")
        self._container = av.open(str(self.tmp_path), mode="w", format="mp4")
        stream = self._container.add_stream(settings.codec, rate=Fraction(fps, 1))
        stream.width, stream.height = width, height
        stream.pix_fmt = settings.pix_fmt
        stream.codec_context.thread_count = 1
        stream.options = {"crf": str(settings.crf), "preset": settings.preset}
        self._stream = stream
        self.frames_written = 0
        self._closed = False

    def write(self, image: np.ndarray) -> None:
        """Encode one (H, W, 3) RGB or (H, W, 4) RGBA uint8 frame."""
        frame = av.VideoFrame.from_ndarray(image, format="rgba" if image.shape[2] == 4
                                           else "rgb24")
        frame.pts = self.frames_written
        for packet in self._stream.encode(frame):
            self._container.mux(packet)
        self.frames_written += 1

    def close(self) -> Path:
        if not self._closed:
            for packet in self._stream.encode(None):
                self._container.mux(packet)
            self._container.close()
            self._closed = True
            os.replace(self.tmp_path, self.path)
        return self.path

    def abort(self) -> None:
        if not self._closed:
            self._closed = True
            try:
                self._container.close()
            except Exception:  # the file is discarded either way
                pass
        self.tmp_path.unlink(missing_ok=True)

    def __enter__(self) -> "VideoWriter":
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        if exc_type is None:
            self.close()
        else:
            self.abort()


@dataclass(frozen=True)
class VideoInfo:
    fps: float
    num_frames: int
    width: int
    height: int
    duration_ms: int
    codec: str
    pix_fmt: str


class VideoError(Exception):
    """A video that cannot be opened or decoded."""


def probe(path: str | os.PathLike) -> VideoInfo:
    """Decode every frame once and report what is really in the file."""
    count = 0
    try:
        with av.open(str(path)) as container:
            stream = container.streams.video[0]
            codec = stream.codec_context.name
            fps = float(stream.average_rate or stream.guessed_rate or 0)
            width = height = 0
            pix_fmt = ""
            for frame in container.decode(stream):
                count += 1
                width, height, pix_fmt = frame.width, frame.height, frame.format.name
    except (av.FFmpegError, IndexError, OSError) as exc:
        raise VideoError(f"{path}: cannot decode ({exc.__class__.__name__}: {exc})") from exc
    if count == 0:
        raise VideoError(f"{path}: no video frames")
    duration_ms = round(count * 1000 / fps) if fps else 0
    return VideoInfo(fps, count, width, height, duration_ms, codec, pix_fmt)


def read_frames(path: str | os.PathLike) -> Iterator[np.ndarray]:
    """Yield decoded frames as RGB uint8 arrays (H, W, 3)."""
    try:
        with av.open(str(path)) as container:
            stream = container.streams.video[0]
            for frame in container.decode(stream):
                yield frame.to_ndarray(format="rgb24")
    except (av.FFmpegError, IndexError, OSError) as exc:
        raise VideoError(f"{path}: cannot decode ({exc.__class__.__name__}: {exc})") from exc
