"""Any OpenAI-compatible chat-completions server: vLLM, SGLang, or a hosted API.

Questions run concurrently (a thread pool). Requests go through :mod:`synrl.llm`, the
client the CoT pipeline uses too: the ``openai`` SDK, retried on connection errors,
timeouts, unreadable replies, 408, 429 and 5xx with jittered exponential backoff that
honours ``Retry-After``. A request that still fails becomes a failed completion (scored
as wrong and counted), never an exception.
"""

from __future__ import annotations

import os
import random
import time
from collections.abc import Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor, as_completed
from pathlib import Path
from typing import Any

from synrl.eval.backends.base import Backend, Completion, Request, frame_label, jpeg_data_url, video_intro
from synrl.eval.config import DecodingConfig, FrameConfig, OpenAIConfig
from synrl.eval.frames import load_clip
from synrl.eval.sample import EvalSample
from synrl.llm import RetryPolicy, complete, complete_with_retries, make_client
from synrl.qa import chat_messages
from synrl.render.video import VideoError

# A cap on one wait, as in the CoT pipeline; Retry-After beyond it is not honoured in full.
BACKOFF_MAX_S = 60.0


class OpenAIBackend(Backend):
    """Chat completions with the video as timestamped JPEG frames (or a ``video_url``)."""

    def __init__(self, config: OpenAIConfig, frames: FrameConfig, decoding: DecodingConfig,
                 system_prompt: str | None) -> None:
        self.config, self.frames, self.decoding, self.system_prompt = config, frames, decoding, system_prompt
        self.client = make_client(config.base_url, os.environ.get(config.api_key_env), config.timeout_s)
        self.retry = RetryPolicy(max_retries=config.retries, backoff_base_s=config.backoff_s,
                                 backoff_max_s=max(BACKOFF_MAX_S, config.backoff_s))
        self._rng = random.Random()  # jitter only; its draws are safe from many threads

    # ------------------------------------------------------------------ messages
    def messages(self, sample: EvalSample) -> list[dict[str, Any]]:
        """The chat messages for ``sample``; raises :class:`VideoError` for a bad video."""
        content: list[dict[str, Any]] = []
        if self.config.video_input == "video_url":
            if not Path(sample.video).is_file():
                raise VideoError(f"{sample.video}: no such video")
            content.append({"type": "video_url", "video_url": {"url": Path(sample.video).as_uri()}})
        else:
            clip = load_clip(sample.video, self.frames, sample.clip)
            content.append({"type": "text", "text": video_intro(clip, self.frames)})
            for image, t in zip(clip.frames, clip.times):
                if self.frames.timestamps:
                    content.append({"type": "text", "text": frame_label(t)})
                content.append({"type": "image_url", "image_url": {"url": jpeg_data_url(image, self.config.jpeg_quality)}})
        return chat_messages(sample.prompt_text(), content, system=self.system_prompt or None)

    # ------------------------------------------------------------------ requests
    def _complete(self, messages: list[dict[str, Any]], k: int) -> tuple[str | None, str | None, int]:
        decoding = self.decoding
        params: dict[str, Any] = {"temperature": decoding.temperature, "top_p": decoding.top_p,
                                  "max_tokens": decoding.max_new_tokens}
        if decoding.seed is not None:
            # A different seed per sample, or pass@k would draw the same completion k times.
            params["seed"] = decoding.seed + k
        import openai

        try:
            reply, error, attempts = complete_with_retries(
                lambda: complete(self.client, self.config.model, messages, params), self.retry, self._rng)
        except openai.OpenAIError as exc:
            # An SDK error synrl.llm.classify does not map (HTTP, timeouts and connection
            # failures come back as `error`): a counted failure, the run goes on. Anything
            # else (TypeError, KeyError...) is our bug and must stop the run loudly.
            return None, f"{exc.__class__.__name__}: {exc}"[:500], 1
        if error is not None:
            return None, f"{error.reason}: {error}"[:500], attempts
        return reply["content"], None, attempts  # type: ignore[index]

    def _question(self, sample: EvalSample, ks: list[int]) -> list[Completion]:
        started = time.monotonic()
        try:
            messages = self.messages(sample)
        except (VideoError, OSError, ValueError) as exc:
            return [Completion(sample.id, k, None, f"video: {exc}"[:500], time.monotonic() - started, 0) for k in ks]
        done = []
        for k in ks:
            t0 = time.monotonic()
            text, error, attempts = self._complete(messages, k)
            done.append(Completion(sample.id, k, text, error, time.monotonic() - t0, attempts))
        return done

    def run(self, requests: Iterable[Request]) -> Iterator[Completion]:
        # One job per question, so its frames are decoded and encoded once for all k samples.
        by_id: dict[str, tuple[EvalSample, list[int]]] = {}
        for request in requests:
            by_id.setdefault(request.sample.id, (request.sample, []))[1].append(request.k)
        with ThreadPoolExecutor(max_workers=self.config.concurrency) as pool:
            futures = [pool.submit(self._question, sample, ks) for sample, ks in by_id.values()]
            try:
                for future in as_completed(futures):
                    yield from future.result()
            finally:
                for future in futures:
                    future.cancel()

    def close(self) -> None:
        self.client.close()
