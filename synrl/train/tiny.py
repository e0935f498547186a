"""Tiny, randomly initialised Qwen2-VL / Qwen2.5-VL / Qwen3-VL models for CPU tests.

Each is built from a config (hidden size 64, 2 layers, ~0.2M parameters) with a BPE
tokenizer trained locally on a few sentences plus the Qwen special tokens and a chat
template, then written with ``save_pretrained``. Training code loads them from that folder
through exactly the path it uses for a hub checkpoint (:func:`synrl.train.models.load_model`),
so tests exercise the real loading code without network access.
"""

from __future__ import annotations

import json
from pathlib import Path

FAMILIES = ("qwen2_vl", "qwen2_5_vl", "qwen3_vl")

#: Qwen's special tokens, in the order they get ids after the BPE vocabulary's base tokens.
SPECIAL_TOKENS = [
    "<|endoftext|>",
    "<|im_start|>",
    "<|im_end|>",
    "<|vision_start|>",
    "<|vision_end|>",
    "<|image_pad|>",
    "<|video_pad|>",
]
#: Reasoning tags are added as plain (non-special) tokens, so decoding with
#: ``skip_special_tokens=True`` keeps them and the format reward can see them.
ADDED_TOKENS = ["<think>", "</think>", "<answer>", "</answer>"]

#: Qwen2-VL's chat template reduced to what training needs: roles, text, image and video parts.
CHAT_TEMPLATE = (
    "{%- for message in messages -%}"
    "<|im_start|>{{ message['role'] + '\\n' }}"
    "{%- if message['content'] is string -%}{{ message['content'] }}"
    "{%- else -%}{%- for part in message['content'] -%}"
    # Dispatch on "type" only: Arrow gives every part every key (None when unused).
    "{%- if part['type'] == 'image' -%}<|vision_start|><|image_pad|><|vision_end|>"
    "{%- elif part['type'] == 'video' -%}<|vision_start|><|video_pad|><|vision_end|>"
    "{%- elif part['type'] == 'text' -%}{{ part['text'] }}"
    "{%- endif -%}{%- endfor -%}{%- endif -%}"
    "<|im_end|>{{ '\\n' }}"
    "{%- endfor -%}"
    "{%- if add_generation_prompt -%}<|im_start|>{{ 'assistant\\n' }}{%- endif -%}"
)

_CORPUS = [
    "You are a careful video analyst. Watch the whole video and reason step by step.",
    "What is the movement path of the orange triangle? First up, then down.",
    "How many times do the balls collide? Options: A. 1 B. 2 C. 3 D. 4",
    "Does the square rotate clockwise or counter-clockwise? Think step by step.",
    "<think>The object moves up, then left at 00:02.</think><answer>B</answer>",
    "Put your reasoning inside think tags, then give only the final answer inside answer tags.",
    "yes no 0 1 2 3 4 5 6 7 8 9 speed faster slower red green blue circle",
]


def _train_tokenizer(vocab_size: int = 400):
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers
    from transformers import PreTrainedTokenizerFast

    tok = Tokenizer(models.BPE(unk_token=None))
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tok.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(
        vocab_size=vocab_size,
        special_tokens=SPECIAL_TOKENS,
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
        show_progress=False,
    )
    tok.train_from_iterator(_CORPUS * 4, trainer=trainer)
    fast = PreTrainedTokenizerFast(
        tokenizer_object=tok,
        eos_token="<|im_end|>",
        pad_token="<|endoftext|>",
        extra_special_tokens={"image_token": "<|image_pad|>", "video_token": "<|video_pad|>"},
    )
    fast.add_tokens(ADDED_TOKENS)
    fast.chat_template = CHAT_TEMPLATE
    fast.padding_side = "left"  # generation pads on the left
    return fast


def _mrope_section(head_dim: int) -> list[int]:
    """(time, height, width) split of the ``head_dim / 2`` rotary frequencies, in Qwen's 2:3:3 ratio."""
    if head_dim % 16:
        raise ValueError(f"head_dim must be a multiple of 16, got {head_dim}")
    t = head_dim // 8
    return [t, (head_dim // 2 - t) // 2, (head_dim // 2 - t) // 2]


def _config(family: str, tok, head_dim: int = 16):
    ids = {t: tok.convert_tokens_to_ids(t) for t in SPECIAL_TOKENS}
    vocab = len(tok)
    common_ids = dict(
        image_token_id=ids["<|image_pad|>"],
        video_token_id=ids["<|video_pad|>"],
        vision_start_token_id=ids["<|vision_start|>"],
        vision_end_token_id=ids["<|vision_end|>"],
    )
    if head_dim > 64:
        raise ValueError(f"head_dim must be at most the hidden size 64, got {head_dim}")
    heads = 64 // head_dim
    text = dict(
        vocab_size=vocab,
        hidden_size=64,
        intermediate_size=128,
        num_hidden_layers=2,
        num_attention_heads=heads,
        num_key_value_heads=max(1, heads // 2),
        max_position_embeddings=4096,
        eos_token_id=ids["<|im_end|>"],
        pad_token_id=ids["<|endoftext|>"],
        bos_token_id=None,
        tie_word_embeddings=True,
    )
    # head_dim 16 -> 8 rotary frequencies, split over (time, height, width) as [2, 3, 3].
    mrope = {"rope_type": "default", "mrope_section": _mrope_section(head_dim), "rope_theta": 10000.0}
    if family == "qwen2_vl":
        from transformers import Qwen2VLConfig

        vision = dict(depth=2, embed_dim=32, hidden_size=64, num_heads=2, mlp_ratio=2, patch_size=14,
                      spatial_merge_size=2, temporal_patch_size=2, in_channels=3)
        return Qwen2VLConfig(text_config={**text, "rope_parameters": mrope}, vision_config=vision, **common_ids,
                             tie_word_embeddings=True)
    if family == "qwen2_5_vl":
        from transformers import Qwen2_5_VLConfig

        vision = dict(depth=2, hidden_size=32, intermediate_size=64, num_heads=2, out_hidden_size=64,
                      patch_size=14, spatial_merge_size=2, temporal_patch_size=2, window_size=56,
                      fullatt_block_indexes=[1], in_channels=3)
        return Qwen2_5_VLConfig(text_config={**text, "rope_parameters": mrope}, vision_config=vision,
                                **common_ids, tie_word_embeddings=True)
    if family == "qwen3_vl":
        from transformers import Qwen3VLConfig

        text3 = {**text, "head_dim": head_dim,
                 "rope_parameters": {"rope_type": "default", "mrope_section": _mrope_section(head_dim),
                                     "rope_theta": 10000.0,
                                     "mrope_interleaved": True}}
        vision = dict(depth=2, hidden_size=32, intermediate_size=64, num_heads=2, out_hidden_size=64,
                      patch_size=16, spatial_merge_size=2, temporal_patch_size=2, num_position_embeddings=64,
                      deepstack_visual_indexes=[1], in_channels=3)
        return Qwen3VLConfig(text_config=text3, vision_config=vision, **common_ids, tie_word_embeddings=True)
    raise ValueError(f"unknown family {family!r}; expected one of {FAMILIES}")


def _processor(family: str, tok):
    if family == "qwen3_vl":
        from transformers import Qwen3VLProcessor
        from transformers.models.qwen2_vl.image_processing_qwen2_vl import Qwen2VLImageProcessor
        from transformers.models.qwen3_vl.video_processing_qwen3_vl import Qwen3VLVideoProcessor

        # Small pixel budgets keep a 64x64 test frame at a handful of patches.
        image = Qwen2VLImageProcessor(patch_size=16, merge_size=2, temporal_patch_size=2,
                                      size={"shortest_edge": 32 * 32, "longest_edge": 128 * 128})
        video = Qwen3VLVideoProcessor(patch_size=16, merge_size=2, temporal_patch_size=2,
                                      size={"shortest_edge": 32 * 32, "longest_edge": 128 * 128 * 8})
        return Qwen3VLProcessor(image_processor=image, tokenizer=tok, video_processor=video,
                                chat_template=CHAT_TEMPLATE)
    from transformers.models.qwen2_vl.image_processing_qwen2_vl import Qwen2VLImageProcessor
    from transformers.models.qwen2_vl.video_processing_qwen2_vl import Qwen2VLVideoProcessor

    image = Qwen2VLImageProcessor(patch_size=14, merge_size=2, temporal_patch_size=2,
                                  size={"shortest_edge": 28 * 28, "longest_edge": 112 * 112})
    video = Qwen2VLVideoProcessor(patch_size=14, merge_size=2, temporal_patch_size=2,
                                  size={"shortest_edge": 28 * 28, "longest_edge": 112 * 112 * 8})
    if family == "qwen2_vl":
        from transformers import Qwen2VLProcessor as cls
    else:
        from transformers import Qwen2_5_VLProcessor as cls
    return cls(image_processor=image, tokenizer=tok, video_processor=video, chat_template=CHAT_TEMPLATE)


def build_tiny_model(family: str, out: str | Path, seed: int = 0, head_dim: int = 16) -> Path:
    """Build the tiny ``family`` model + processor and ``save_pretrained`` them into ``out``.

    ``head_dim``: the language model's attention head size (the hidden size stays 64, so
    32 means 2 heads). vLLM's CPU attention backend needs at least 32; 16 keeps the
    transformers-only tests fastest. Idempotent: a folder that already holds a finished
    build (``tiny.json``) with the same settings is reused.
    """
    import torch
    from transformers import AutoModelForImageTextToText

    out = Path(out)
    marker = out / "tiny.json"
    if marker.exists():
        built = json.loads(marker.read_text())
        wanted = {"family": family, "seed": seed, "head_dim": head_dim}
        found = {"head_dim": 16, **{k: built.get(k) for k in ("family", "seed", "head_dim") if k in built}}
        if found != wanted:
            raise ValueError(f"{out} holds a tiny model built with {found}, not {wanted}")
        return out
    torch.manual_seed(seed)
    tok = _train_tokenizer()
    config = _config(family, tok, head_dim)
    model = AutoModelForImageTextToText.from_config(config)
    model.generation_config.eos_token_id = config.text_config.eos_token_id
    model.generation_config.pad_token_id = config.text_config.pad_token_id
    processor = _processor(family, tok)
    out.mkdir(parents=True, exist_ok=True)
    model.save_pretrained(out)
    processor.save_pretrained(out)
    n_params = sum(p.numel() for p in model.parameters())
    marker.write_text(json.dumps({"family": family, "parameters": n_params, "seed": seed, "head_dim": head_dim}))
    return out
