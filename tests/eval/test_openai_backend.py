"""The OpenAI backend counts endpoint failures and lets our own bugs raise."""

from __future__ import annotations

import openai
import pytest

from synrl.eval.backends import openai_backend
from synrl.eval.backends.openai_backend import OpenAIBackend
from synrl.eval.config import DecodingConfig, FrameConfig, OpenAIConfig


@pytest.fixture()
def backend():
    config = OpenAIConfig(base_url="http://127.0.0.1:9/v1", model="m", retries=0)
    made = OpenAIBackend(config, FrameConfig(), DecodingConfig(), "system")
    yield made
    made.close()


def test_an_sdk_error_is_a_counted_failure(backend, monkeypatch):
    def fail(*args, **kwargs):
        raise openai.OpenAIError("stream ended")

    monkeypatch.setattr(openai_backend, "complete", fail)
    text, error, attempts = backend._complete([{"role": "user", "content": "hi"}], 0)
    assert text is None and error.startswith("OpenAIError: stream ended") and attempts == 1


def test_our_own_bug_raises(backend, monkeypatch):
    def bug(*args, **kwargs):
        raise KeyError("choices")

    monkeypatch.setattr(openai_backend, "complete", bug)
    with pytest.raises(KeyError, match="choices"):
        backend._complete([{"role": "user", "content": "hi"}], 0)
