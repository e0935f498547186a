"""Model backends: an OpenAI-compatible server, or a local transformers model."""

from __future__ import annotations

from synrl.eval.backends.base import Backend, Completion, Request
from synrl.eval.config import RunConfig


def make_backend(config: RunConfig) -> Backend:
    """The backend ``config`` asks for."""
    system = None
    if config.system_prompt:
        from synrl.qa import SYSTEM_PROMPT

        system = SYSTEM_PROMPT
    if config.backend == "openai":
        from synrl.eval.backends.openai_backend import OpenAIBackend

        if config.openai is None:
            raise ValueError("the openai backend needs its settings (--base-url, --model)")
        return OpenAIBackend(config.openai, config.frames, config.decoding, system)
    from synrl.eval.backends.transformers_backend import TransformersBackend

    if config.transformers is None:
        raise ValueError("the transformers backend needs --hf-model")
    return TransformersBackend(config.transformers, config.frames, config.decoding, system)


__all__ = ["Backend", "Completion", "Request", "make_backend"]
