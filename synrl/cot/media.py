"""What the generator VLM sees of a sample: sampled frames as images, or the video itself."""

from __future__ import annotations

import base64
import io
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal

import numpy as np
from PIL import Image

from synrl.cot.prompts import format_timestamp
from synrl.render.video import read_frames

__all__ = ["frame_indices", "media_parts"]


def frame_indices(num_frames: int, count: int) -> list[int]:
    """``count`` frame indices spread evenly from the first frame to the last."""
    if num_frames <= 0 or count <= 0:
        return []
    if count >= num_frames:
        return list(range(num_frames))
    return sorted({int(round(i)) for i in np.linspace(0, num_frames - 1, count)})


def _jpeg_data_url(rgb: np.ndarray, max_side: int, quality: int) -> str:
    image = Image.fromarray(rgb)
    if max(image.size) > max_side:
        image.thumbnail((max_side, max_side), Image.Resampling.LANCZOS)
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=quality)
    return "data:image/jpeg;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def media_parts(record: Mapping[str, Any], folder: Path, *, mode: Literal["frames", "video"] = "frames",
                frames: int = 16, max_side: int = 448, jpeg_quality: int = 90,
                video_url: Literal["data", "file"] = "data") -> list[dict[str, Any]]:
    """Chat content parts showing the sample's video.

    ``frames``: evenly sampled frames, each an ``image_url`` part (base64 JPEG) preceded by
    a text part with its time, so the model can cite times. ``video``: one ``video_url``
    part (vLLM's extension), as a base64 data URL or a ``file://`` URL (the server then
    needs ``--allowed-local-media-path`` covering the dataset folder).
    """
    path = (folder / record["video"]["path"]).resolve()
    if mode == "video":
        if video_url == "file":
            url = path.as_uri()
        else:
            url = "data:video/mp4;base64," + base64.b64encode(path.read_bytes()).decode("ascii")
        return [{"type": "video_url", "video_url": {"url": url}}]
    fps = float(record["video"]["fps"])
    wanted = frame_indices(int(record["video"]["num_frames"]), frames)
    keep = set(wanted)
    parts: list[dict[str, Any]] = []
    for index, rgb in enumerate(read_frames(path)):
        if index in keep:
            parts.append({"type": "text", "text": f"Frame at {format_timestamp(index * 1000 / fps, 1)}:"})
            parts.append({"type": "image_url", "image_url": {"url": _jpeg_data_url(rgb, max_side, jpeg_quality)}})
        if index >= wanted[-1]:
            break
    return parts
