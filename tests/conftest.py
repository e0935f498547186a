from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from synrl.config import GenerateConfig
from synrl.generate import generate

SHORT_TERM = ["collision_count", "direction", "speed_change", "rotation"]


@pytest.fixture(scope="session")
def small_dataset(tmp_path_factory) -> Path:
    """Four tasks x 6 samples at difficulty 3 (distractors on), generated on 2 processes."""
    out = tmp_path_factory.mktemp("data") / "ds"
    result = generate(GenerateConfig(tasks=SHORT_TERM, per_task=6, out=out, workers=2,
                                     difficulty=3))
    assert not result.failed
    return out


@pytest.fixture()
def dataset_copy(small_dataset, tmp_path) -> Path:
    target = tmp_path / "copy"
    shutil.copytree(small_dataset, target)
    return target
