"""tests/verl run in verl's own environment (.ci/envs.sh verl_env): skipped where verl is not
installed, required (an import error fails) when SYNRL_REQUIRE_VERL=1."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

# qwen-vl-utils prefers torchcodec when importable, and the index's torchcodec wheel is a CUDA
# build; decord decodes synrl's MP4s on CPU. Read at import time, so set before any import.
os.environ.setdefault("FORCE_QWENVL_VIDEO_READER", "decord")

if os.environ.get("SYNRL_REQUIRE_VERL") == "1":
    import verl  # noqa: F401  (an ImportError here fails the run instead of skipping)

from tests.train._tv_workaround import register_torchvision_schemas

register_torchvision_schemas()  # the index's torchvision wheel is a CUDA build

from synrl.config import GenerateConfig, VideoOptions
from synrl.generate import generate

TASKS = ["collision_count", "direction", "speed_change", "rotation"]


@pytest.fixture(scope="session")
def rl_data(tmp_path_factory) -> Path:
    """Four tasks x 2 samples, 128x128 MP4s."""
    out = tmp_path_factory.mktemp("verl-data") / "ds"
    result = generate(GenerateConfig(tasks=TASKS, per_task=2, out=out, difficulty=2,
                                     video=VideoOptions(width=128, height=128)))
    assert not result.failed
    return out


@pytest.fixture(scope="session")
def tiny_model(tmp_path_factory) -> Path:
    from synrl.train.tiny import build_tiny_model

    return build_tiny_model("qwen2_5_vl", tmp_path_factory.mktemp("tiny") / "qwen2_5_vl")
