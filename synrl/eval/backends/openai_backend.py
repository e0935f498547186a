"""Any OpenAI-compatible chat-completions server: vLLM, SGLang, or a hosted API.

Questions run concurrently (a thread pool); each request is retried on connection errors,
timeouts, 408/409/429 and 5xx with exponential backoff, and a request that still fails
becomes a failed completion (scored as wrong and counted), never an exception.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor, as_completed
from pathlib import Path
from typing import Any

from synrl.eval.backends.base import Backend, Completion, Request, frame_label, jpeg_data_url, video_intro
from synrl.eval.config import DecodingConfig, FrameConfig, OpenAIConfig
from synrl.eval.frames import load_clip
from synrl.eval.sample import EvalSample
from synrl.render.video import VideoError

RETRY_STATUS = frozenset({408, 409, 429, 500, 502, 503, 504})


class OpenAIBackend(Backend):
    """Chat completions with the video as timestamped JPEG frames (or a ``video_url``)."""

    def __init__(self, config: OpenAIConfig, frames: FrameConfig, decoding: DecodingConfig,
                 system_prompt: str | None) -> None:
        import openai

        self.config, self.frames, self.decoding, self.system_prompt = config, frames, decoding, system_prompt
        # Retries are ours (so every attempt is counted and the policy is the same for every
        # server); the client's own retry loop is switched off.
        self.client = openai.OpenAI(base_url=config.base_url, api_key=os.environ.get(config.api_key_env) or "EMPTY",
                                    timeout=config.timeout_s, max_retries=0)
        self._openai = openai

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
        content.append({"type": "text", "text": sample.prompt_text()})
        messages: list[dict[str, Any]] = []
        if self.system_prompt:
            messages.append({"role": "system", "content": self.system_prompt})
        messages.append({"role": "user", "content": content})
        return messages

    # ------------------------------------------------------------------ requests
    def _retryable(self, exc: Exception) -> bool:
        if isinstance(exc, (self._openai.APIConnectionError, self._openai.APITimeoutError)):
            return True
        return isinstance(exc, self._openai.APIStatusError) and exc.status_code in RETRY_STATUS

    def _complete(self, messages: list[dict[str, Any]], k: int) -> tuple[str | None, str | None, int]:
        decoding = self.decoding
        extra: dict[str, Any] = {}
        if decoding.seed is not None:
            # A different seed per sample, or pass@k would draw the same completion k times.
            extra["seed"] = decoding.seed + k
        delay = self.config.backoff_s
        error = None
        for attempt in range(1, self.config.retries + 2):
            try:
                response = self.client.chat.completions.create(
                    model=self.config.model, messages=messages, temperature=decoding.temperature,
                    top_p=decoding.top_p, max_tokens=decoding.max_new_tokens, **extra)
                choices = response.choices or []
                if not choices:
                    return None, "response has no choices", attempt
                return choices[0].message.content or "", None, attempt
            except Exception as exc:  # every failure becomes data; the run goes on
                error = f"{exc.__class__.__name__}: {exc}"[:500]
                if not self._retryable(exc) or attempt > self.config.retries:
                    return None, error, attempt
                time.sleep(delay)
                delay *= 2
        return None, error, self.config.retries + 1

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
