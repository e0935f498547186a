"""The CoT pipeline's chat client: :class:`ChatClient` and its settings, from :mod:`synrl.llm`.

An asyncio client for OpenAI-compatible chat-completions endpoints on the official
``openai`` SDK, shared with evaluation so both retry, back off and classify failures the
same way; see :mod:`synrl.llm` for the policy.
"""

from __future__ import annotations

from synrl.llm import ChatClient, ChatError, ChatResult, EndpointConfig, FatalEndpointError, RetryPolicy, UsageStats

__all__ = [
    "ChatClient",
    "ChatError",
    "ChatResult",
    "EndpointConfig",
    "FatalEndpointError",
    "RetryPolicy",
    "UsageStats",
]
