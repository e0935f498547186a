"""Shared fixtures: a tiny held-out synthetic suite (64x64, 4 fps)."""

from __future__ import annotations

from pathlib import Path

import pytest

#: Tasks that render at 64x64 / 4 fps (collision_count needs longer clips at this size).
SUITE_TASKS = ["collision_count", "direction", "speed_change", "rotation"]


@pytest.fixture(scope="session")
def suite(tmp_path_factory) -> Path:
    from synrl.config import GenerateConfig, VideoOptions
    from synrl.generate import generate

    out = tmp_path_factory.mktemp("suite")
    result = generate(GenerateConfig(tasks=SUITE_TASKS, per_task=2, split="test", out=out,
                                     video=VideoOptions(width=64, height=64, fps=4)))
    assert not result.failed
    return out
