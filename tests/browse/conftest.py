from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from synrl.config import GenerateConfig, VideoOptions
from synrl.cot import write_grounded_cot
from synrl.generate import generate

TASKS = ["speed_change", "direction", "cards"]


@pytest.fixture(scope="session")
def browse_dataset(tmp_path_factory) -> Path:
    """Three tasks (one long-term, with states) x 3 samples at 160x160, with grounded CoT."""
    out = tmp_path_factory.mktemp("browse-data") / "ds"
    result = generate(GenerateConfig(tasks=TASKS, per_task=3, out=out, difficulty=2,
                                     video=VideoOptions(width=160, height=160)))
    assert not result.failed
    write_grounded_cot(out, strict=False)
    return out


@pytest.fixture()
def dataset(browse_dataset, tmp_path) -> Path:
    target = tmp_path / "ds"
    shutil.copytree(browse_dataset, target)
    return target
