"""A local Hugging Face video VLM (Qwen2-VL / Qwen2.5-VL / Qwen3-VL) run with transformers, batched.

Frames are sampled by :mod:`synrl.eval.frames` (the same settings as the OpenAI backend) and
handed to the processor as they are (``do_sample_frames=False``), with metadata giving the
sampled rate, so the model's temporal positions match the frames' real times.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator
from typing import Any

import numpy as np

from synrl.eval.backends.base import Backend, Completion, Request
from synrl.eval.config import DecodingConfig, FrameConfig, TransformersConfig
from synrl.eval.frames import Clip, load_clip
from synrl.qa import chat_messages
from synrl.render.video import VideoError


class TransformersBackend(Backend):
    """``batch_size`` questions per ``generate`` call, left-padded."""

    def __init__(self, config: TransformersConfig, frames: FrameConfig, decoding: DecodingConfig,
                 system_prompt: str | None) -> None:
        import torch
        from transformers import AutoModelForImageTextToText, AutoProcessor

        self.config, self.frames, self.decoding, self.system_prompt = config, frames, decoding, system_prompt
        self.torch = torch
        if config.device == "auto":
            self.device = "cuda" if torch.cuda.is_available() else "cpu"
        else:
            self.device = config.device
        dtype: Any = "auto" if config.dtype == "auto" else getattr(torch, config.dtype)
        if self.device == "cpu" and config.dtype in ("bfloat16", "float16"):
            dtype = torch.float32  # half-precision matmuls are slow or missing on CPU
        kwargs: dict[str, Any] = {"dtype": dtype}
        if config.attn_implementation:
            kwargs["attn_implementation"] = config.attn_implementation
        self.model = AutoModelForImageTextToText.from_pretrained(config.model, **kwargs).to(self.device).eval()
        self.processor = AutoProcessor.from_pretrained(config.model)
        tok = self.processor.tokenizer
        tok.padding_side = "left"  # generation continues every row from its last token
        if tok.pad_token is None:
            tok.pad_token = tok.eos_token

    def _messages(self, text: str) -> list[dict[str, Any]]:
        return chat_messages(text, [{"type": "video"}], system=self.system_prompt or None)

    def _metadata(self, clip: Clip):
        from transformers.video_utils import VideoMetadata

        n = len(clip.frames)
        span = (clip.times[-1] - clip.times[0]) if n > 1 else 0.0
        fps = (n - 1) / span if span > 0 else 1.0
        return VideoMetadata(total_num_frames=n, fps=fps, width=clip.frames[0].width, height=clip.frames[0].height,
                             duration=clip.duration, video_backend="pyav", frames_indices=list(range(n)))

    def _generate(self, batch: list[tuple[Request, Clip]]) -> list[str]:
        torch = self.torch
        texts = [self.processor.apply_chat_template(self._messages(r.sample.prompt_text()), tokenize=False,
                                                    add_generation_prompt=True) for r, _ in batch]
        videos = [np.stack([np.asarray(f.convert("RGB")) for f in clip.frames]) for _, clip in batch]
        # Frames were already sized by FrameConfig; keep the processor from resizing them again.
        vp = self.processor.video_processor
        size = dict(vp.size) if getattr(vp, "size", None) else {}
        per_clip = type(vp).__name__.startswith("Qwen3")
        most = max(len(c.frames) for _, c in batch)
        size["longest_edge"] = self.frames.max_pixels * (most if per_clip else 1)
        size["shortest_edge"] = self.frames.min_pixels * (most if per_clip else 1)
        inputs = self.processor(text=texts, videos=videos, video_metadata=[self._metadata(c) for _, c in batch],
                                do_sample_frames=False, size=size, padding=True, return_tensors="pt").to(self.device)
        d = self.decoding
        sample = d.temperature > 0.05  # Video-R1's 0.01 is greedy in effect; true greedy is exact
        gen: dict[str, Any] = {"max_new_tokens": d.max_new_tokens, "do_sample": sample}
        if sample:
            gen.update(temperature=d.temperature, top_p=d.top_p)
        with torch.inference_mode():
            output = self.model.generate(**inputs, **gen)
        new = output[:, inputs["input_ids"].shape[1]:]
        return self.processor.batch_decode(new, skip_special_tokens=True)

    def run(self, requests: Iterable[Request]) -> Iterator[Completion]:
        pending = list(requests)
        size = self.config.batch_size
        for start in range(0, len(pending), size):
            chunk = pending[start:start + size]
            ready: list[tuple[Request, Clip]] = []
            for request in chunk:
                try:
                    ready.append((request, load_clip(request.sample.video, self.frames, request.sample.clip)))
                except (VideoError, OSError, ValueError) as exc:
                    yield Completion(request.sample.id, request.k, None, f"video: {exc}"[:500], 0.0, 0)
            if not ready:
                continue
            if self.decoding.seed is not None:
                # One seed per batch position and k: samples of one question differ, runs repeat.
                self.torch.manual_seed(self.decoding.seed + 1000 * ready[0][0].k + start)
            t0 = time.monotonic()
            try:
                texts = self._generate(ready)
                error = None
            except (RuntimeError, ValueError) as exc:  # e.g. out of memory: this batch fails, counted
                texts, error = [None] * len(ready), f"{exc.__class__.__name__}: {exc}"[:500]
            latency = (time.monotonic() - t0) / len(ready)
            for (request, _), text in zip(ready, texts):
                yield Completion(request.sample.id, request.k, text, error, latency, 1)
