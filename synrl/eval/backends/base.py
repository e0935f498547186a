"""What a backend is: requests in, completions out (in any order), failures as data."""

from __future__ import annotations

import base64
import io
from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from PIL import Image

from synrl.eval.config import FrameConfig
from synrl.eval.frames import Clip
from synrl.eval.sample import EvalSample


@dataclass
class Request:
    """Completion number ``k`` (0-based) of a question."""

    sample: EvalSample
    k: int


@dataclass
class Completion:
    """A backend's answer: the text, or ``text=None`` and the error after all retries."""

    id: str
    k: int
    text: str | None
    error: str | None = None
    latency_s: float = 0.0
    attempts: int = 1

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "k": self.k, "completion": self.text, "error": self.error,
                "latency_s": round(self.latency_s, 3), "attempts": self.attempts}


class Backend(ABC):
    """A model that answers requests."""

    @abstractmethod
    def run(self, requests: Iterable[Request]) -> Iterator[Completion]:
        """One completion per request, yielded as soon as each is done; never raises for one
        request's failure (that is a :class:`Completion` with an error)."""

    def close(self) -> None:
        """Release resources."""


def frame_label(t: float) -> str:
    """How a frame's time is shown to the model: seconds with one decimal."""
    return f"{t:.1f}s"


def jpeg_data_url(image: Image.Image, quality: int) -> str:
    buffer = io.BytesIO()
    image.convert("RGB").save(buffer, format="JPEG", quality=quality)
    return "data:image/jpeg;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def video_intro(clip: Clip, config: FrameConfig) -> str:
    """One line telling the model what the frames are, so it can answer with times."""
    start = clip.times[0] if clip.times else 0.0
    return (f"The video is {clip.duration:.1f} s long; here are {len(clip.frames)} frames sampled from it"
            + (f" (from {start:.1f} s), each labelled with its time." if config.timestamps else "."))
