"""The ``synrl`` lmms-eval model: any lmms-eval model, asked and read the way synrl asks and reads.

``--model synrl --model_args base=qwen2_5_vl,pretrained=...,max_num_frames=16`` builds the
base model (its "simple" implementation, so requests carry plain-text contexts) with every
argument but the ones below, then for each request:

- the base model's system prompt becomes :data:`synrl.qa.SYSTEM_PROMPT` (when the base model
  has a ``system_prompt`` attribute, as lmms-eval's Qwen2.5-VL / Qwen3-VL models do);
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
                 raw_log: str | None = None, **kwargs: Any) -> None:
        super().__init__()
        inner_cls = get_model(base, force_simple=True)
        self.inner = inner_cls(**kwargs)
        if hasattr(self.inner, "system_prompt"):
            self.inner.system_prompt = SYSTEM_PROMPT
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


def register() -> None:
    """Make ``--model synrl`` known to lmms-eval's model registry (in this process)."""
    from lmms_eval.models import AVAILABLE_MODELS, MODEL_REGISTRY_V2
    from lmms_eval.models.registry_v2 import ModelManifest

    MODEL_REGISTRY_V2.register_manifest(
        ModelManifest(model_id=MODEL_ID, simple_class_path=f"{__name__}.SynrlModel"), overwrite=True)
    AVAILABLE_MODELS[MODEL_ID] = "SynrlModel"
