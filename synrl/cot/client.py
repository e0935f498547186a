"""An asyncio client for OpenAI-compatible chat-completions endpoints (vLLM, SGLang, hosted).

Requests run on the standard library's HTTP client in a thread pool, under a semaphore
that bounds how many are in flight. A request is retried with exponential backoff and
jitter on 429, 5xx, timeouts, dropped connections and unreadable bodies (honouring
``Retry-After``); 401, 403 and 404 mean the configuration is wrong and stop the run
(:class:`FatalEndpointError`); other 4xx fail that request only. Successful responses are
cached by request (:mod:`synrl.cot.cache`), so a rerun sends nothing it already has.
"""

from __future__ import annotations

import asyncio
import json
import os
import random
import socket
import urllib.error
import urllib.request
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from synrl.cot.cache import ResponseCache, request_key

__all__ = [
    "ChatClient",
    "ChatError",
    "ChatResult",
    "EndpointConfig",
    "FatalEndpointError",
    "RetryPolicy",
    "UsageStats",
]

RETRY_STATUS = frozenset({408, 429})
FATAL_STATUS = frozenset({401, 403, 404})


class EndpointConfig(BaseModel):
    """One model behind one OpenAI-compatible endpoint, with its sampling parameters."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    base_url: str = Field("http://127.0.0.1:8000/v1", description="endpoint root, ending in /v1")
    model: str = Field(description="model name as the server knows it")
    api_key_env: str | None = Field("OPENAI_API_KEY", description="environment variable holding the API key")
    temperature: float = Field(0.7, ge=0, le=2)
    max_tokens: int = Field(2048, gt=0)
    timeout_s: float = Field(180.0, gt=0, description="seconds to wait for a reply")
    extra_body: dict[str, Any] = Field(default_factory=dict,
                                       description="extra request fields, e.g. chat_template_kwargs")

    def api_key(self) -> str | None:
        return os.environ.get(self.api_key_env) if self.api_key_env else None

    def params(self) -> dict[str, Any]:
        """Request fields besides model and messages (these make up the cache key too)."""
        return {"temperature": self.temperature, "max_tokens": self.max_tokens, **self.extra_body}


class RetryPolicy(BaseModel):
    """How often and how patiently a failed request is retried."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    max_retries: int = Field(5, ge=0)
    backoff_base_s: float = Field(1.0, ge=0, description="first backoff; doubles per retry")
    backoff_max_s: float = Field(60.0, ge=0)

    def delay(self, retry: int, rng: random.Random, retry_after: float | None = None) -> float:
        """Seconds before retry number ``retry`` (0-based): capped exponential with jitter."""
        if retry_after is not None:
            return min(self.backoff_max_s, max(0.0, retry_after))
        ceiling = min(self.backoff_max_s, self.backoff_base_s * (2**retry))
        # "Equal jitter": at least half the backoff, so a burst of failures still spreads out.
        return ceiling / 2 + rng.uniform(0, ceiling / 2)


class ChatError(Exception):
    """A request that failed for good (after its retries, or not retryable)."""

    def __init__(self, reason: str, message: str):
        super().__init__(message)
        self.reason = reason


class FatalEndpointError(ChatError):
    """The endpoint refuses every request (bad URL, model name or key): stop the run."""


@dataclass
class ChatResult:
    content: str
    prompt_tokens: int
    completion_tokens: int
    cached: bool


@dataclass
class UsageStats:
    """What the client did in this run."""

    requests: int = 0
    retries: int = 0
    cache_hits: int = 0
    failures: Counter = field(default_factory=Counter)
    retry_reasons: Counter = field(default_factory=Counter)
    tokens: dict[str, dict[str, int]] = field(default_factory=dict)

    def add_tokens(self, role: str, prompt: int, completion: int) -> None:
        entry = self.tokens.setdefault(role, {"prompt": 0, "completion": 0})
        entry["prompt"] += prompt
        entry["completion"] += completion

    def to_dict(self) -> dict[str, Any]:
        return {"requests": self.requests, "retries": self.retries, "cache_hits": self.cache_hits,
                "retry_reasons": dict(self.retry_reasons), "failures": dict(self.failures),
                "tokens": self.tokens}


class _Retryable(Exception):
    def __init__(self, reason: str, message: str, retry_after: float | None = None):
        super().__init__(message)
        self.reason = reason
        self.retry_after = retry_after


def _retry_after(headers: Any) -> float | None:
    value = headers.get("Retry-After") if headers is not None else None
    try:
        return float(value) if value is not None else None
    except ValueError:  # an HTTP date: fall back to our own backoff
        return None


def _post(url: str, body: bytes, headers: dict[str, str], timeout: float) -> dict[str, Any]:
    """One blocking POST; raises _Retryable, ChatError or FatalEndpointError."""
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            raw = response.read()
    except urllib.error.HTTPError as exc:
        detail = exc.read()[:500].decode("utf-8", "replace") if exc.fp else ""
        message = f"HTTP {exc.code} from {url}: {detail.strip()}"
        if exc.code in RETRY_STATUS or exc.code >= 500:
            raise _Retryable(f"http_{exc.code}", message, _retry_after(exc.headers)) from None
        if exc.code in FATAL_STATUS:
            raise FatalEndpointError(f"http_{exc.code}", message) from None
        raise ChatError(f"http_{exc.code}", message) from None
    except (TimeoutError, socket.timeout) as exc:
        raise _Retryable("timeout", f"no reply from {url} within {timeout:g} s") from exc
    except urllib.error.URLError as exc:
        if isinstance(exc.reason, (TimeoutError, socket.timeout)):
            raise _Retryable("timeout", f"no reply from {url} within {timeout:g} s") from exc
        raise _Retryable("connection", f"cannot reach {url}: {exc.reason}") from exc
    except (ConnectionError, OSError) as exc:
        raise _Retryable("connection", f"connection to {url} failed: {exc}") from exc
    try:
        data = json.loads(raw)
        message = data["choices"][0]["message"]
    except (ValueError, KeyError, IndexError, TypeError) as exc:
        raise _Retryable("bad_response", f"unreadable reply from {url}: {raw[:200]!r}") from exc
    content = message.get("content") if isinstance(message, dict) else None
    if isinstance(content, list):  # some servers return content parts
        content = "".join(p.get("text", "") for p in content if isinstance(p, dict))
    usage = data.get("usage") or {}
    return {"content": content or "", "prompt_tokens": int(usage.get("prompt_tokens") or 0),
            "completion_tokens": int(usage.get("completion_tokens") or 0)}


class ChatClient:
    """Concurrency-limited, retrying, caching chat-completions client."""

    def __init__(self, *, concurrency: int = 8, retry: RetryPolicy = RetryPolicy(),
                 cache: ResponseCache | None = None, seed: int = 0):
        self.retry = retry
        self.cache = cache
        self.stats = UsageStats()
        self._semaphore = asyncio.Semaphore(concurrency)
        # A pool of our own: asyncio's default one has only a few threads on small machines.
        self._pool = ThreadPoolExecutor(max_workers=concurrency, thread_name_prefix="synrl-chat")
        self._rng = random.Random(seed)

    async def chat(self, role: str, endpoint: EndpointConfig, messages: list[dict[str, Any]],
                   extra: dict[str, Any] | None = None, cache_tag: str = "") -> ChatResult:
        """The assistant's reply to ``messages``; :class:`ChatError` when it cannot be had.

        ``cache_tag`` joins the cache key without being sent: a caller asking the same
        thing again on purpose (a later reflection round) gets a fresh sample, while a
        rerun, asking with the same tags, gets the cached replies.
        """
        params = {**endpoint.params(), **(extra or {})}
        key = request_key(endpoint.model, messages, {**params, "cache_tag": cache_tag} if cache_tag else params)
        if self.cache is not None:
            hit = self.cache.get(key)
            if hit is not None:
                self.stats.cache_hits += 1
                return ChatResult(hit["content"], hit["prompt_tokens"], hit["completion_tokens"], True)
        body = json.dumps({"model": endpoint.model, "messages": messages, **params}).encode("utf-8")
        headers = {"Content-Type": "application/json"}
        api_key = endpoint.api_key()
        if api_key:
            headers["Authorization"] = f"Bearer {api_key}"
        url = endpoint.base_url.rstrip("/") + "/chat/completions"
        loop = asyncio.get_running_loop()
        for attempt in range(self.retry.max_retries + 1):
            try:
                async with self._semaphore:
                    self.stats.requests += 1
                    reply = await loop.run_in_executor(self._pool, _post, url, body, headers, endpoint.timeout_s)
            except _Retryable as exc:
                if attempt == self.retry.max_retries:
                    self.stats.failures[exc.reason] += 1
                    raise ChatError(exc.reason, f"{exc} (gave up after {attempt + 1} attempts)") from None
                self.stats.retries += 1
                self.stats.retry_reasons[exc.reason] += 1
                await asyncio.sleep(self.retry.delay(attempt, self._rng, exc.retry_after))
                continue
            except ChatError as exc:
                self.stats.failures[exc.reason] += 1
                raise
            self.stats.add_tokens(role, reply["prompt_tokens"], reply["completion_tokens"])
            if self.cache is not None:
                self.cache.put(key, reply)
            return ChatResult(reply["content"], reply["prompt_tokens"], reply["completion_tokens"], False)
        raise AssertionError("unreachable")  # the loop returns or raises

    def close(self) -> None:
        # Threads blocked on a slow server are left to their socket timeout.
        self._pool.shutdown(wait=False, cancel_futures=True)
