"""One client for OpenAI-compatible chat-completions endpoints (vLLM, SGLang, hosted).

Requests go through the official ``openai`` SDK (its own retries switched off), one SDK
client per endpoint. Retrying is ours, so every attempt is counted and the policy is the
same for every server and caller: a request is retried with exponential backoff and
jitter on 408, 429, 5xx, timeouts, dropped connections and unreadable bodies (honouring
``Retry-After``); 401, 403 and 404 mean the configuration is wrong
(:class:`FatalEndpointError`); other 4xx fail that request only (:class:`ChatError`).

:class:`ChatClient` is the asyncio front end of the CoT pipeline: blocking SDK calls run
in a thread pool under a semaphore that bounds how many are in flight, and successful
responses are cached by request (:mod:`synrl.llm.cache`), so a rerun sends nothing it
already has. :func:`complete_with_retries` is the blocking front end (evaluation), with
the same classification and backoff.
"""

from __future__ import annotations

import asyncio
import functools
import os
import random
import time
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict, Field

from synrl.llm.cache import ResponseCache, request_key

if TYPE_CHECKING:
    import openai

__all__ = [
    "ChatClient",
    "ChatError",
    "ChatResult",
    "EndpointConfig",
    "FatalEndpointError",
    "RetryPolicy",
    "RetryableError",
    "UsageStats",
    "classify",
    "complete",
    "complete_with_retries",
    "make_client",
]

RETRY_STATUS = frozenset({408, 429})
FATAL_STATUS = frozenset({401, 403, 404})
# The SDK insists on a key; a keyless endpoint's client gets this one, never sent.
_NO_KEY = "synrl-no-key"


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


class RetryableError(Exception):
    """One attempt failed in a way another attempt may not."""

    def __init__(self, reason: str, message: str, retry_after: float | None = None):
        super().__init__(message)
        self.reason = reason
        self.retry_after = retry_after


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


# ---------------------------------------------------------------------- transport
def make_client(base_url: str, api_key: str | None, timeout: float) -> openai.OpenAI:
    """A blocking SDK client for one endpoint, with the SDK's own retries off."""
    import openai

    return openai.OpenAI(base_url=base_url, api_key=api_key or _NO_KEY, timeout=timeout, max_retries=0)


def _retry_after(headers: Any) -> float | None:
    value = headers.get("Retry-After") if headers is not None else None
    try:
        return float(value) if value is not None else None
    except ValueError:  # an HTTP date: fall back to our own backoff
        return None


def classify(exc: Exception, url: str, timeout: float) -> ChatError | RetryableError | None:
    """The failure an SDK exception stands for: retryable, fatal, this request only, or
    None for one that is no endpoint's doing (a bug, bad arguments)."""
    import openai

    if isinstance(exc, openai.APIStatusError):
        code = exc.status_code
        detail = exc.response.text[:500].strip() if exc.response is not None else ""
        message = f"HTTP {code} from {url}: {detail}"
        if code in RETRY_STATUS or code >= 500:
            headers = exc.response.headers if exc.response is not None else None
            return RetryableError(f"http_{code}", message, _retry_after(headers))
        if code in FATAL_STATUS:
            return FatalEndpointError(f"http_{code}", message)
        return ChatError(f"http_{code}", message)
    # APITimeoutError is an APIConnectionError: test it first.
    if isinstance(exc, openai.APITimeoutError):
        return RetryableError("timeout", f"no reply from {url} within {timeout:g} s")
    if isinstance(exc, openai.APIConnectionError):
        cause = exc.__cause__ or exc
        return RetryableError("connection", f"cannot reach {url}: {cause}")
    return None


def complete(client: openai.OpenAI, model: str, messages: list[dict[str, Any]],
             params: dict[str, Any]) -> dict[str, Any]:
    """One blocking request: ``{content, prompt_tokens, completion_tokens}``.

    ``params`` go into the body as they are (servers take fields the SDK does not know,
    e.g. ``chat_template_kwargs``). Raises :class:`RetryableError`, :class:`ChatError`
    or :class:`FatalEndpointError`.
    """
    import openai

    url = str(client.base_url).rstrip("/") + "/chat/completions"
    timeout = client.timeout if isinstance(client.timeout, (int, float)) else client.timeout.read  # type: ignore[union-attr]
    try:
        raw = client.chat.completions.with_raw_response.create(
            model=model, messages=messages, extra_body=params,  # type: ignore[arg-type]
            extra_headers={"Authorization": openai.omit} if client.api_key == _NO_KEY else None)
    except Exception as exc:
        failure = classify(exc, url, timeout or 0.0)
        if failure is None:
            raise
        raise failure from exc
    try:
        # The SDK does not validate a reply (a non-JSON body raises a JSON error), so any
        # field may be missing or of the wrong type.
        completion = raw.parse()
        content = completion.choices[0].message.content
        if isinstance(content, list):  # some servers return content parts
            content = "".join(p.get("text", "") for p in content if isinstance(p, dict))
        if content is not None and not isinstance(content, str):
            raise TypeError(f"content is a {type(content).__name__}")
    except (ValueError, AttributeError, IndexError, KeyError, TypeError, openai.APIResponseValidationError) as exc:
        raise RetryableError("bad_response", f"unreadable reply from {url}: {raw.content[:200]!r}") from exc
    usage = getattr(completion, "usage", None)
    return {"content": content or "",
            "prompt_tokens": int(getattr(usage, "prompt_tokens", 0) or 0),
            "completion_tokens": int(getattr(usage, "completion_tokens", 0) or 0)}


def complete_with_retries(call: Callable[[], dict[str, Any]], retry: RetryPolicy, rng: random.Random,
                          ) -> tuple[dict[str, Any] | None, ChatError | None, int]:
    """Run ``call`` (a :func:`complete`) under ``retry``: ``(reply, error, attempts)``.

    Blocking, and it never raises a :class:`ChatError`: the failure is returned.
    """
    for attempt in range(retry.max_retries + 1):
        try:
            return call(), None, attempt + 1
        except RetryableError as exc:
            if attempt == retry.max_retries:
                return None, ChatError(exc.reason, f"{exc} (gave up after {attempt + 1} attempts)"), attempt + 1
            time.sleep(retry.delay(attempt, rng, exc.retry_after))
        except ChatError as exc:
            return None, exc, attempt + 1
    raise AssertionError("unreachable")  # the loop returns


# ---------------------------------------------------------------------- asyncio front end
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
        self._clients: dict[tuple[str, str | None, float], openai.OpenAI] = {}

    def _client(self, endpoint: EndpointConfig) -> openai.OpenAI:
        # Only the event loop's thread gets here, so there is no race on the dict.
        key = (endpoint.base_url, endpoint.api_key(), endpoint.timeout_s)
        if key not in self._clients:
            self._clients[key] = make_client(*key)
        return self._clients[key]

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
        client = self._client(endpoint)
        loop = asyncio.get_running_loop()
        for attempt in range(self.retry.max_retries + 1):
            try:
                async with self._semaphore:
                    self.stats.requests += 1
                    reply = await loop.run_in_executor(
                        self._pool, functools.partial(complete, client, endpoint.model, messages, params))
            except RetryableError as exc:
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
        # Requests still in flight are abandoned: closing their clients ends them sooner.
        self._pool.shutdown(wait=False, cancel_futures=True)
        for client in self._clients.values():
            client.close()
        self._clients.clear()
