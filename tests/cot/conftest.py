from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from synrl.config import GenerateConfig, VideoOptions
from synrl.generate import generate

SHORT_TERM = ["collision_count", "direction", "speed_change", "rotation"]


@pytest.fixture(scope="session")
def tiny_dataset(tmp_path_factory) -> Path:
    """Four tasks x 2 samples, 128x128 at difficulty 2 (one distractor): real MP4s, fast."""
    out = tmp_path_factory.mktemp("cot-data") / "ds"
    result = generate(GenerateConfig(tasks=SHORT_TERM, per_task=2, out=out, difficulty=2,
                                     video=VideoOptions(width=128, height=128)))
    assert not result.failed
    return out


@pytest.fixture()
def dataset(tiny_dataset, tmp_path) -> Path:
    target = tmp_path / "ds"
    shutil.copytree(tiny_dataset, target)
    return target
