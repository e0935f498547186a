"""The ``synrl`` lmms-eval model: any lmms-eval model, asked and read the way synrl asks and reads.

``--model synrl --model_args base=qwen2_5_vl,pretrained=...,max_num_frames=16`` builds the
base model (its "simple" implementation, so requests carry plain-text contexts) with every
argument but the ones below, then for each request:

- the base model's system prompt becomes :data:`synrl.qa.SYSTEM_PROMPT`: through its
  ``system_prompt`` attribute (lmms-eval's Qwen2-VL / Qwen2.5-VL / Qwen3-VL models), or, for a
  model that talks to a server through an OpenAI client and sends no system message (lmms-eval's
  ``openai`` model), as a system message put first in every chat-completions request;
- ``max_pixels`` / ``min_pixels`` go to the base model when it takes them (the Qwen-VL models);
  otherwise (``openai``, which sends full-size PNG frames) synrl scales each frame into that
  pixel range (:func:`synrl.eval.frames.resize`) before it is sent, so a served model sees the
  same per-frame budget as a local one;
- :data:`synrl.qa.THINK_INSTRUCTION` is appended to the task's prompt (``think=False`` skips it);
- ``max_new_tokens`` (when given) replaces the task's limit, which is often 16 to 32 tokens:
  too few for a ``<think>`` block;
- the response is filtered through :func:`synrl.answers.extract_answer` (lenient) before the
  task's own ``process_results`` sees it, so the task's scorer reads the ``<answer>`` block,
  not the reasoning. A response with no answer is passed on unchanged (the task scores it),
  a blank one as :data:`NO_ANSWER`.

The raw and filtered responses are appended to the JSONL file named by ``raw_log`` (or by
the ``SYNRL_LMMS_RAW_LOG`` environment variable), so nothing the model said is lost.
"""

from __future__ import annotations

import base64
import inspect
import io
import json
import os
from typing import Any

from lmms_eval.api.instance import GenerationResult, Instance
from lmms_eval.api.model import lmms
from lmms_eval.models import get_model

from synrl.answers import extract_answer
from synrl.qa import SYSTEM_PROMPT, THINK_INSTRUCTION

#: The model id the launcher registers.
MODEL_ID = "synrl"


#: What a scorer reads for a blank response. Some scorers index the first character of the
#: response (TemporalBench's ``pred["response"][0]``) and crash on an empty one; this text holds
#: no option letter, yes/no or number, so every scorer marks it wrong, as an empty answer is.
NO_ANSWER = "[no answer]"


def filter_response(text: str) -> str:
    """What the task's scorer reads: the extracted answer, else the response itself
    (:data:`NO_ANSWER` when it is blank)."""
    answer = extract_answer(text, lenient=True)
    if answer:
        return answer
    return text if text.strip() else NO_ANSWER


class SynrlModel(lmms):
    """Wraps an lmms-eval model (``base``); see the module docstring."""

    is_simple = True

    def __init__(self, base: str = "qwen2_5_vl", think: bool | str = True, max_new_tokens: int | str | None = None,
                 raw_log: str | None = None, system_prompt: str | None = None, **kwargs: Any) -> None:
        super().__init__()
        inner_cls = get_model(base, force_simple=True)
        pixels = {k: int(kwargs.pop(k)) for k in ("max_pixels", "min_pixels") if kwargs.get(k) not in (None, "")}
        if _accepts(inner_cls, "max_pixels"):
            kwargs.update(pixels)
            pixels = {}
        self.inner = inner_cls(**kwargs)
        self.system_prompt = SYSTEM_PROMPT if system_prompt is None else system_prompt
        self.frame_pixels = pixels  # applied by synrl (the base model does not take them)
        if hasattr(self.inner, "system_prompt"):
            self.inner.system_prompt = self.system_prompt
        elif _chat_client(self.inner) is not None:
            self.inner.client = _SystemPromptClient(self.inner.client, self.system_prompt)
        if pixels and callable(getattr(self.inner, "encode_video", None)):
            self.inner.encode_video = _resizing(self.inner.encode_video, pixels)
        self.think = str(think).lower() not in ("false", "0", "no")
        self.max_new_tokens = int(max_new_tokens) if max_new_tokens not in (None, "") else None
        self.raw_log = raw_log or os.environ.get("SYNRL_LMMS_RAW_LOG")
        self.base = base

    # The evaluator hands the task dictionary, rank and cache hook to the model object it built.
    @property
    def task_dict(self) -> dict:
        return self.inner.task_dict

    @task_dict.setter
    def task_dict(self, value: dict) -> None:
        if "inner" in self.__dict__:
            self.inner.task_dict = value

    def __getattr__(self, name: str) -> Any:
        if name == "inner":
            raise AttributeError(name)
        return getattr(self.inner, name)

    def _rewrite(self, request: Instance) -> Instance:
        context, gen_kwargs, *rest = request.arguments
        if self.think and isinstance(context, str):
            context = f"{context.rstrip()}\n{THINK_INSTRUCTION}"
        gen_kwargs = dict(gen_kwargs or {})
        if self.max_new_tokens is not None:
            gen_kwargs["max_new_tokens"] = self.max_new_tokens
        request.arguments = (context, gen_kwargs, *rest)
        return request

    def generate_until(self, requests: list[Instance]) -> list[Any]:
        requests = [self._rewrite(r) for r in requests]
        outputs = self.inner.generate_until(requests)
        filtered = []
        log = open(self.raw_log, "a", encoding="utf-8") if self.raw_log else None
        try:
            for request, output in zip(requests, outputs):
                raw = output.text if isinstance(output, GenerationResult) else output
                text = filter_response(raw) if isinstance(raw, str) else raw
                if log is not None:
                    log.write(json.dumps({"task": request.task_name, "doc_id": request.doc_id, "raw": raw,
                                          "filtered": text}, ensure_ascii=False) + "\n")
                if isinstance(output, GenerationResult):
                    output.text = text
                    filtered.append(output)
                else:
                    filtered.append(text)
        finally:
            if log is not None:
                log.close()
        return filtered

    def loglikelihood(self, requests: list[Instance]) -> list:
        return self.inner.loglikelihood(requests)

    def generate_until_multi_round(self, requests: list[Instance]) -> list:
        return self.inner.generate_until_multi_round(requests)


def _accepts(cls: type, name: str) -> bool:
    """Whether ``cls(...)`` takes the keyword ``name`` by name (not only through ``**kwargs``)."""
    try:
        return name in inspect.signature(cls.__init__).parameters
    except (TypeError, ValueError):
        return False


def _chat_client(model: Any) -> Any:
    """The OpenAI client a base model sends its requests through, or ``None``."""
    client = getattr(model, "client", None)
    completions = getattr(getattr(client, "chat", None), "completions", None)
    return client if callable(getattr(completions, "create", None)) else None


class _SystemPromptClient:
    """An OpenAI client whose ``chat.completions.create`` puts synrl's system message first (once:
    a request that already has a system message keeps it)."""

    def __init__(self, client: Any, system_prompt: str) -> None:
        self._client, self._system_prompt = client, system_prompt
        self.chat = self

    @property
    def completions(self) -> "_SystemPromptClient":
        return self

    def create(self, **payload: Any) -> Any:
        messages = list(payload.get("messages") or [])
        if self._system_prompt and not any(m.get("role") == "system" for m in messages):
            payload["messages"] = [{"role": "system", "content": self._system_prompt}, *messages]
        return self._client.chat.completions.create(**payload)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._client, name)


def _resizing(encode_video: Any, pixels: dict[str, int]) -> Any:
    """``encode_video`` (base64 PNG frames) with every frame scaled into synrl's pixel range."""
    from PIL import Image

    from synrl.eval.config import FrameConfig
    from synrl.eval.frames import resize

    config = FrameConfig(**{"max_pixels": pixels.get("max_pixels", FrameConfig().max_pixels),
                            "min_pixels": min(pixels.get("min_pixels", 1), pixels.get("max_pixels", 1 << 30))})

    def encode(*args: Any, **kwargs: Any) -> list[str]:
        frames = []
        for data in encode_video(*args, **kwargs):
            image = resize(Image.open(io.BytesIO(base64.b64decode(data))).convert("RGB"), config)
            buffer = io.BytesIO()
            image.save(buffer, format="PNG")
            frames.append(base64.b64encode(buffer.getvalue()).decode("ascii"))
        return frames

    return encode


def register() -> None:
    """Make ``--model synrl`` known to lmms-eval's model registry (in this process)."""
    from lmms_eval.models import AVAILABLE_MODELS, MODEL_REGISTRY_V2
    from lmms_eval.models.registry_v2 import ModelManifest

    MODEL_REGISTRY_V2.register_manifest(
        ModelManifest(model_id=MODEL_ID, simple_class_path=f"{__name__}.SynrlModel"), overwrite=True)
    AVAILABLE_MODELS[MODEL_ID] = "SynrlModel"
