"""Video decoding, frame sampling and the SFT collator (assistant-only loss).

Frames are decoded here with PyAV (:func:`synrl.render.loader.load_frames`, the loader
evaluation uses too: each sampled frame decoded from its nearest keyframe, only the sampled
frames kept) rather than by the processor's own video loader, so that SFT, GRPO and T-GRPO's shuffled groups all see
exactly the same frames, sampled the same way, and so an unreadable file raises
:class:`~synrl.render.video.VideoError` naming it instead of being skipped or replaced.
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from synrl.render.loader import frame_index, load_frames
from synrl.render.video import VideoError

log = logging.getLogger(__name__)

IGNORE_INDEX = -100


@dataclass(frozen=True)
class Clip:
    """Sampled frames of one video plus what the processor needs to time them."""

    frames: np.ndarray  # (T, H, W, 3) uint8
    fps: float  # of the source file
    indices: list[int]  # source frame index of each sampled frame
    total_frames: int
    path: str

    def metadata(self):
        from transformers.video_utils import VideoMetadata

        return VideoMetadata(
            total_num_frames=self.total_frames,
            fps=self.fps,
            width=int(self.frames.shape[2]),
            height=int(self.frames.shape[1]),
            duration=self.total_frames / self.fps if self.fps else None,
            video_backend="pyav",
            frames_indices=list(self.indices),
        )

    def permuted(self, order: Sequence[int]) -> Clip:
        """The same frames in another order (T-GRPO's shuffled video); timestamps stay in place.

        The model sees frame ``order[k]`` at the k-th time slot, as in Video-R1, where the
        shuffled clip is the ordered tensor indexed by a random permutation.
        """
        return Clip(self.frames[list(order)], self.fps, self.indices, self.total_frames, self.path)


def sample_indices(total: int, fps: float, num_frames: int | None, sample_fps: float | None,
                   max_frames: int, multiple: int = 2, min_frames: int = 2) -> list[int]:
    """Uniformly spaced frame indices: ``num_frames`` of them, or one every ``1/sample_fps`` s.

    When sampling by fps the count is raised to ``min_frames`` (qwen-vl-utils'
    ``FPS_MIN_FRAMES``, 4 in Video-R1). The count is capped at ``max_frames`` and rounded down to a multiple of ``multiple``
    (Qwen's temporal patch is 2 frames), but never below ``multiple``: a 1-frame video
    repeats its frame rather than becoming an image.
    """
    if total <= 0:
        raise ValueError("a video needs at least one frame")
    if num_frames is None:
        if sample_fps is None or not fps:
            raise ValueError("set num_frames, or sample_fps for a video whose fps is known")
        num_frames = max(min_frames, round(total / fps * sample_fps))
    n = min(num_frames, max_frames, total)
    n = max(multiple, n - n % multiple)
    return [int(i) for i in np.linspace(0, total - 1, n).round()]


def load_clip(path: str | Path, num_frames: int | None = 16, sample_fps: float | None = None,
              max_frames: int = 64, max_pixels: int | None = None, min_frames: int = 2) -> Clip:
    """Decode ``path`` and sample its frames; raises :class:`VideoError` when unreadable.

    ``max_pixels`` bounds each frame's area here (aspect kept) so a 4K file does not blow
    memory before the processor's own resize.
    """
    path = str(path)
    index = frame_index(path)
    indices = sample_indices(index.num_frames, index.fps, num_frames, sample_fps, max_frames,
                             min_frames=min_frames)
    chosen = load_frames(path, indices).frames
    if max_pixels is not None and chosen.shape[1] * chosen.shape[2] > max_pixels:
        from PIL import Image

        scale = (max_pixels / (chosen.shape[1] * chosen.shape[2])) ** 0.5
        size = (max(1, int(chosen.shape[2] * scale)), max(1, int(chosen.shape[1] * scale)))
        chosen = np.stack([np.asarray(Image.fromarray(f).resize(size, Image.BICUBIC)) for f in chosen])
    return Clip(chosen, index.fps or 1.0, indices, index.num_frames, path)


@dataclass
class VideoOptions:
    """How clips are sampled and sized for the processor (see :class:`synrl.train.config.VideoConfig`)."""

    num_frames: int | None = 16
    fps: float | None = None
    max_frames: int = 64
    min_frames: int = 2
    min_pixels: int | None = None
    max_pixels: int | None = 128 * 28 * 28


class BadVideoLog:
    """Counts and names unreadable videos; thread-safe, shared by collators and callbacks."""

    def __init__(self, max_fraction: float = 0.0) -> None:
        self.max_fraction = max_fraction
        self.bad: list[str] = []
        self.seen = 0
        self._lock = threading.Lock()

    def ok(self) -> None:
        with self._lock:
            self.seen += 1

    def failed(self, path: str, error: Exception) -> None:
        with self._lock:
            self.seen += 1
            self.bad.append(path)
            n, seen = len(self.bad), self.seen
        log.error("unreadable video, sample dropped from its batch (%d so far): %s", n, error)
        # A non-zero limit is judged after 20 videos, so one early bad file is not 100%.
        if n / seen > self.max_fraction and (self.max_fraction == 0.0 or seen >= 20):
            raise VideoError(f"{n} of {seen} videos unreadable (limit {self.max_fraction:.1%}); first: {self.bad[0]}")

    def record(self, report: Mapping[str, Any]) -> None:
        """Add a batch's :data:`VIDEO_REPORT_KEY` report (made where the batch was collated)."""
        for _ in range(int(report["seen"]) - len(report["bad"])):
            self.ok()
        for path, error in report["bad"]:
            self.failed(path, VideoError(error))

    def summary(self) -> dict[str, Any]:
        return {"bad_videos": len(self.bad), "videos_seen": self.seen, "bad_video_paths": self.bad[:20]}


#: Batch key carrying the collator's video outcomes to the training process: DataLoader
#: workers are other processes, so counts kept there would be lost.
VIDEO_REPORT_KEY = "synrl_video_report"


def processor_video_kwargs(processor, clips: Sequence[Clip], opts: VideoOptions) -> dict[str, Any]:
    """Keyword arguments that make the processor take our frames as they are."""
    kwargs: dict[str, Any] = {"videos": [c.frames for c in clips], "do_sample_frames": False,
                              "video_metadata": [c.metadata() for c in clips],
                              # qwen-vl-utils' per-frame cap: ``max_pixels`` means pixels per frame.
                              "cap_pixels_per_frame": True}
    if opts.max_pixels is not None or opts.min_pixels is not None:
        vp = processor.video_processor
        size = dict(vp.size) if getattr(vp, "size", None) else {}
        # Qwen3-VL's video processor budgets pixels over the whole clip, Qwen2/2.5-VL per frame.
        per_clip = type(vp).__name__.startswith("Qwen3")
        frames = max(len(c.frames) for c in clips) if per_clip else 1
        if opts.max_pixels is not None:
            size["longest_edge"] = opts.max_pixels * frames
        if opts.min_pixels is not None:
            size["shortest_edge"] = opts.min_pixels * (frames if per_clip else 1)
        kwargs["size"] = size
    return kwargs


def video_paths(messages: Sequence[Mapping[str, Any]]) -> list[str]:
    """The ``video`` entries of a conversation's content parts, in order."""
    out = []
    for message in messages:
        content = message.get("content")
        if isinstance(content, list):
            out += [part["video"] for part in content if part.get("type") == "video"]
    return out


def resolve_video(path: str, root: str | Path | None) -> str:
    p = Path(path)
    return str(p if p.is_absolute() or root is None else Path(root) / p)


def assistant_mask(input_ids, tokenizer):
    """1 on the assistant's tokens (its content and closing ``<|im_end|>``), 0 elsewhere.

    Works on the rendered ids, so it holds for any Qwen chat template: a turn is assistant
    when ``<|im_start|>`` is followed by the tokens of ``"assistant\\n"``.
    """
    import torch

    start = tokenizer.convert_tokens_to_ids("<|im_start|>")
    end = tokenizer.convert_tokens_to_ids("<|im_end|>")
    header = tokenizer("assistant\n", add_special_tokens=False)["input_ids"]
    mask = torch.zeros_like(input_ids)
    for row in range(input_ids.shape[0]):
        ids = input_ids[row].tolist()
        i = 0
        while i < len(ids):
            if ids[i] == start and ids[i + 1 : i + 1 + len(header)] == header:
                j = i + 1 + len(header)
                while j < len(ids) and ids[j] != end:
                    mask[row, j] = 1
                    j += 1
                if j < len(ids):
                    mask[row, j] = 1  # learn to stop
                i = j
            i += 1
    return mask


@dataclass
class VideoSFTCollator:
    """Batches TRL conversational examples with videos; loss on assistant tokens only.

    Each example is ``{"messages": [...]}`` whose user turn holds ``{"type": "video",
    "video": path}`` parts (paths relative to ``video_root`` unless absolute). Videos that
    cannot be decoded drop their sample from the batch and are counted in ``bad``; a batch
    left empty raises. With ``report_in_batch`` the outcomes travel in the batch under
    :data:`VIDEO_REPORT_KEY` instead, for the trainer to count in its own process.
    """

    processor: Any
    video: VideoOptions = field(default_factory=VideoOptions)
    video_root: str | None = None
    max_length: int | None = None
    bad: BadVideoLog = field(default_factory=BadVideoLog)
    report_in_batch: bool = False

    def __call__(self, examples: Sequence[Mapping[str, Any]]):
        texts, clips = [], []
        report: dict[str, Any] = {"seen": 0, "bad": []}
        for ex in examples:
            messages = ex["messages"]
            if isinstance(messages, str):
                messages = json.loads(messages)
            try:
                sample_clips = [
                    load_clip(resolve_video(p, self.video_root), self.video.num_frames, self.video.fps,
                              self.video.max_frames, None, min_frames=self.video.min_frames)
                    for p in video_paths(messages)
                ]
            except VideoError as exc:
                report["seen"] += 1
                report["bad"].append((str(exc).split(":")[0], str(exc)))
                if not self.report_in_batch:  # else the trainer counts (and logs) it
                    self.bad.failed(report["bad"][-1][0], exc)
                continue
            report["seen"] += 1
            if not self.report_in_batch:
                self.bad.ok()
            clips += sample_clips
            texts.append(self.processor.apply_chat_template(_strip_none(messages), tokenize=False))
        if not texts:
            raise VideoError(f"every video of a batch of {len(examples)} was unreadable: "
                             f"{[path for path, _ in report['bad']]}")
        kwargs = processor_video_kwargs(self.processor, clips, self.video) if clips else {}
        tok = self.processor.tokenizer
        side = tok.padding_side
        tok.padding_side = "right"
        try:
            batch = self.processor(text=texts, padding=True, return_tensors="pt", **kwargs)
        finally:
            tok.padding_side = side
        if self.max_length is not None and batch["input_ids"].shape[1] > self.max_length:
            # Truncating would cut video tokens apart from their features; refuse instead.
            raise ValueError(f"a batch is {batch['input_ids'].shape[1]} tokens long, over max_length "
                             f"{self.max_length}; lower num_frames/max_pixels or raise max_length")
        mask = assistant_mask(batch["input_ids"], tok) * batch["attention_mask"]
        labels = batch["input_ids"].masked_fill(mask == 0, IGNORE_INDEX)
        batch["labels"] = labels
        if self.report_in_batch:
            batch[VIDEO_REPORT_KEY] = report
        return batch


def _strip_none(messages):
    """Drop the ``None`` keys Arrow adds to content parts (``{"type": "text", "video": None}``)."""
    out = []
    for m in messages:
        content = m["content"]
        if isinstance(content, list):
            content = [{k: v for k, v in part.items() if v is not None} for part in content]
        out.append({**m, "content": content})
    return out
