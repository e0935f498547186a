"""Load a video VLM and its processor from a hub id or a local folder, optionally with LoRA.

A folder holding a LoRA adapter (a LoRA run's output) loads as its base model with the
adapter merged, so GRPO can start from a LoRA SFT run.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from synrl.train.config import ModelOptions

log = logging.getLogger(__name__)

SUPPORTED_TYPES = ("qwen2_vl", "qwen2_5_vl", "qwen3_vl", "qwen3_vl_moe")


def load_model(opts: ModelOptions, *, use_cpu: bool = False) -> tuple[Any, Any]:
    """``(model, processor)`` for ``opts.name_or_path``; raises for an unsupported architecture."""
    import torch
    from transformers import AutoConfig, AutoModelForImageTextToText, AutoProcessor

    adapter = None
    if (Path(opts.name_or_path) / "adapter_config.json").is_file():
        # A LoRA run's output (e.g. SFT with LoRA): load its base, merge the adapter below.
        from peft import PeftConfig

        adapter = opts.name_or_path
        opts = opts.model_copy(update={"name_or_path": PeftConfig.from_pretrained(adapter).base_model_name_or_path})
    config = AutoConfig.from_pretrained(opts.name_or_path)
    if config.model_type not in SUPPORTED_TYPES:
        raise ValueError(f"{opts.name_or_path}: model type {config.model_type!r} is not one of {SUPPORTED_TYPES}")
    dtype: Any = opts.dtype if opts.dtype == "auto" else getattr(torch, opts.dtype)
    if use_cpu and dtype in (torch.bfloat16, torch.float16):
        dtype = torch.float32  # half precision matmuls are slow or missing on CPU
    kwargs: dict[str, Any] = {"dtype": dtype}
    if opts.attn_implementation:
        kwargs["attn_implementation"] = opts.attn_implementation
    model = AutoModelForImageTextToText.from_pretrained(opts.name_or_path, **kwargs)
    if adapter is not None:
        from peft import PeftModel

        model = PeftModel.from_pretrained(model, adapter).merge_and_unload()
    processor = AutoProcessor.from_pretrained(adapter or opts.name_or_path)
    if processor.tokenizer.pad_token is None:
        processor.tokenizer.pad_token = processor.tokenizer.eos_token
    if opts.freeze_vision:
        for p in vision_tower(model).parameters():
            p.requires_grad_(False)
    if opts.lora.enabled:
        from peft import LoraConfig, get_peft_model

        model = get_peft_model(model, LoraConfig(
            r=opts.lora.r, lora_alpha=opts.lora.alpha, lora_dropout=opts.lora.dropout,
            target_modules=opts.lora.target_modules, task_type="CAUSAL_LM"))
    return model, processor


def vision_tower(model: Any):
    """The vision encoder module of a (possibly PEFT-wrapped) Qwen-VL model."""
    base = model
    if hasattr(base, "get_base_model"):
        base = base.get_base_model()
    for path in ("model.visual", "visual"):
        node = base
        try:
            for attr in path.split("."):
                node = getattr(node, attr)
            return node
        except AttributeError:
            continue
    raise AttributeError(f"{type(base).__name__} has no vision tower (model.visual)")
