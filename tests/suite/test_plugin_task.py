"""Adding a task is one folder (docs/adding-a-task.md): the example task of
tests/data/example_tasks, copied to a temporary folder, is generated, validated, audited
and given grounded CoT through the command line, with no change to the package."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

EXAMPLE = Path(__file__).resolve().parents[1] / "data" / "example_tasks"
ROOT = Path(__file__).resolve().parents[2]


def synrl(*args: object, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "synrl.cli", *map(str, args)], capture_output=True,
                          text=True, timeout=600, env=env)


@pytest.fixture()
def task_folder(tmp_path) -> Path:
    folder = tmp_path / "my_tasks"
    shutil.copytree(EXAMPLE, folder, ignore=shutil.ignore_patterns("__pycache__"))
    return folder


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env.pop("SYNRL_TASK_PATH", None)
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), env.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    return env


def test_a_task_from_a_folder_goes_through_the_whole_pipeline(task_folder, tmp_path):
    env = _env()
    listed = synrl("--task-path", task_folder, "tasks", env=env)
    assert listed.returncode == 0 and "blink_count" in listed.stdout, listed.stderr
    assert "blink_count" not in synrl("tasks", env=env).stdout  # only with the folder

    out = tmp_path / "ds"
    gen = synrl("--task-path", task_folder, "generate", "--tasks", "blink_count,direction", "--per-task", 3,
                "--width", 128, "--height", 128, "--workers", 2, "--previews", 0, "--no-cot", "--out", out, env=env)
    assert gen.returncode == 0, gen.stderr
    assert synrl("validate", out, env=env).returncode == 0
    audit = synrl("--task-path", task_folder, "audit", out, env=env)
    assert audit.returncode == 0 and "all 6 samples agree with their pixels" in audit.stdout, audit.stdout
    cot = synrl("--task-path", task_folder, "cot", out, env=env)
    assert cot.returncode == 0, cot.stderr
    lines = [json.loads(line) for line in (out / "cot.jsonl").read_text().splitlines()]
    assert {line["task"] for line in lines} == {"blink_count", "direction"}
    assert all(line["status"] == "passed" for line in lines)


def test_a_task_from_a_folder_changes_no_built_in_letter(task_folder):
    """The letter offsets chain the built-in tasks only: loading a folder task must not
    change a built-in task's records."""
    script = ("import json; from synrl.suite.registry import letter_offsets, task_ids; "
              "print(json.dumps([task_ids(), letter_offsets(4, ()), letter_offsets(2, ('mc',))]))")
    env = _env()
    plain = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                           env=env, check=True)
    env["SYNRL_TASK_PATH"] = str(task_folder)
    loaded = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                            env=env, check=True)
    ids_plain, *offsets_plain = json.loads(plain.stdout)
    ids_loaded, *offsets_loaded = json.loads(loaded.stdout)
    assert "blink_count" in ids_loaded and "blink_count" not in ids_plain
    assert offsets_loaded == offsets_plain
    assert len(set(offsets_plain[0].values())) > 1  # the partial blocks start at different letters


def test_without_the_folder_its_samples_cannot_be_audited(task_folder, tmp_path):
    env = _env()
    out = tmp_path / "ds"
    assert synrl("--task-path", task_folder, "generate", "--tasks", "blink_count", "--per-task", 1,
                 "--width", 64, "--height", 64, "--previews", 0, "--no-cot", "--out", out, env=env).returncode == 0
    audit = synrl("audit", out, env=env)
    assert audit.returncode == 1 and "unaudited" in audit.stdout + audit.stderr


def test_a_missing_task_path_is_one_clear_error(tmp_path):
    result = synrl("--task-path", tmp_path / "nowhere", "tasks", env=_env())
    assert result.returncode != 0
    assert "is not a folder" in result.stderr and "Traceback" not in result.stderr


def test_an_installed_package_declares_its_tasks_by_entry_point(tmp_path):
    """The `synrl.suite` entry-point group: a distribution on the path whose entry point
    names a package holding task folders' modules."""
    site = tmp_path / "site"
    shutil.copytree(EXAMPLE / "blink_count", site / "blink_pkg" / "blink_count",
                    ignore=shutil.ignore_patterns("__pycache__"))
    (site / "blink_pkg" / "__init__.py").write_text("")
    info = site / "blink_pkg-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: blink-pkg\nVersion: 1.0\n")
    (info / "entry_points.txt").write_text("[synrl.suite]\nblink_count = blink_pkg.blink_count\n")
    env = _env()
    env["PYTHONPATH"] = os.pathsep.join([str(site), env["PYTHONPATH"]])
    listed = synrl("tasks", env=env)
    assert listed.returncode == 0 and "blink_count" in listed.stdout, listed.stderr


def test_a_bad_task_path_in_the_environment_is_one_clear_error(tmp_path):
    env = _env()
    env["SYNRL_TASK_PATH"] = str(tmp_path / "gone")
    result = synrl("tasks", env=env)
    assert result.returncode != 0 and "SYNRL_TASK_PATH" in result.stderr and "Traceback" not in result.stderr
