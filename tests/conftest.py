from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from hypothesis import settings

# Property tests draw the same examples on every run unless asked otherwise, so a green
# commit stays green; `HYPOTHESIS_PROFILE=explore pytest tests/test_answers.py` draws new
# random examples on every run (add what it finds as @example cases).
settings.register_profile("repeatable", derandomize=True)
settings.register_profile("explore", derandomize=False)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "repeatable"))

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
