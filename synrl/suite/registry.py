"""The task registry and the discovery of task folders.

A task is one folder: ``task.py`` (registers the :class:`~synrl.suite.base.Task`),
``audit.py`` (registers the pixel auditor), ``cot.py`` (registers the grounded writer and
the namer), ``when.py`` (optional: names its timeline events for "when" questions), and any helper modules they import (``draw.py``...). Folders are found in three
places, in this order:

1. the built-in suite: every ``synrl/suite/<name>/`` with a ``task.py`` (names starting
   with ``_`` hold shared family machinery, not tasks);
2. packages named by the ``synrl.suite`` entry-point group of installed distributions
   (``[project.entry-points."synrl.suite"] my_task = "my_pkg.my_task"``);
3. every folder listed in ``SYNRL_TASK_PATH`` (``os.pathsep``-separated; ``synrl
   --task-path DIR`` sets it), whose sub-folders are imported as ``synrl_ext.<name>``.

Each registry loads the module kind it needs on first use (tasks ``task``, the audit
``audit``, the CoT pipeline ``cot``), so generating never imports CoT code.
"""

from __future__ import annotations

import importlib
import math
import importlib.util
import os
import sys
import types
from functools import lru_cache
from importlib.metadata import entry_points
from pathlib import Path

from synrl.registry import Registry
from synrl.suite.base import Task, TaskError

ENTRY_POINT_GROUP = "synrl.suite"
TASK_PATH_ENV = "SYNRL_TASK_PATH"
EXTERNAL_PACKAGE = "synrl_ext"
MODULE_KINDS = ("task", "audit", "cot", "when")

_BUILTIN = Path(__file__).resolve().parent


def _is_task_folder(path: Path) -> bool:
    return path.is_dir() and not path.name.startswith(("_", ".")) and (path / "task.py").is_file()


def _external_package(folders: list[Path]) -> None:
    """Make ``synrl_ext`` a package whose search path is the ``SYNRL_TASK_PATH`` folders."""
    package = sys.modules.get(EXTERNAL_PACKAGE)
    if package is None:
        package = types.ModuleType(EXTERNAL_PACKAGE)
        package.__path__ = []  # type: ignore[attr-defined]
        sys.modules[EXTERNAL_PACKAGE] = package
    for folder in folders:
        if str(folder) not in package.__path__:  # type: ignore[attr-defined]
            package.__path__.append(str(folder))  # type: ignore[attr-defined]


def task_packages() -> list[str]:
    """Importable package names of every task folder, built-in first."""
    names = [f"synrl.suite.{p.name}" for p in sorted(_BUILTIN.iterdir()) if _is_task_folder(p)]
    names += sorted(ep.value for ep in entry_points(group=ENTRY_POINT_GROUP))
    folders = [Path(p).expanduser().resolve()
               for p in os.environ.get(TASK_PATH_ENV, "").split(os.pathsep) if p.strip()]
    for folder in folders:
        if not folder.is_dir():
            raise TaskError(f"{TASK_PATH_ENV}: {folder} is not a folder")
    if folders:
        _external_package(folders)
        seen: set[str] = set()
        for folder in folders:
            for sub in sorted(folder.iterdir()):
                if _is_task_folder(sub) and sub.name not in seen:
                    seen.add(sub.name)
                    names.append(f"{EXTERNAL_PACKAGE}.{sub.name}")
    return names


def load_modules(kind: str) -> None:
    """Import module ``kind`` (``task``, ``audit``, ``cot`` or ``when``) of every task folder that has
    one; importing runs its registration decorators."""
    if kind not in MODULE_KINDS:
        raise ValueError(f"unknown task module kind {kind!r}; use one of {', '.join(MODULE_KINDS)}")
    for package in task_packages():
        if importlib.util.find_spec(f"{package}.{kind}") is not None:
            importlib.import_module(f"{package}.{kind}")


TASKS: Registry[type[Task]] = Registry("task", loader=lambda: load_modules("task"), error=TaskError)


def register(cls: type[Task]) -> type[Task]:
    """Class decorator adding a task to the registry under ``cls.id``."""
    return TASKS.add(cls.id, cls)


def task_ids() -> list[str]:
    """Ids of every registered task, in discovery order."""
    return TASKS.names()


def get_task(task_id: str) -> Task:
    """Instantiate a task by id; unknown ids fail with the known ids and a close match."""
    return TASKS.get(task_id)()


# The run size the letter offsets tile: the README's demo and the smallest run whose letters
# the issue on text-only shortcuts holds to 3 points of uniform.
LETTER_TILE_SAMPLES = 8


@lru_cache(maxsize=None)
def letter_offsets(k: int, question_types: tuple[str, ...]) -> dict[str, int]:
    """Per built-in task, the start of its cycle of `k` letters (see `Task.plan`).

    Within a task, every `k` consecutive samples with `k` options take every letter once;
    what a run leaves over is each task's partial last block, `r` consecutive letters of the
    cycle. The offsets chain those blocks over the built-in tasks in the order of their ids, so a run
    of LETTER_TILE_SAMPLES per task of every built-in task gives each letter within one
    question of the others. Only built-in tasks take part: a task loaded from elsewhere
    must not change another task's records.
    """
    builtin = {f"synrl.suite.{p.name}" for p in _BUILTIN.iterdir() if _is_task_folder(p)}
    offsets: dict[str, int] = {}
    taken = 0  # letters of the partial blocks chained so far
    # Sorted, not registration order: a module imported early registers its task first.
    for task_id in sorted(task_ids()):
        task = get_task(task_id)
        if type(task).__module__.rsplit(".", 1)[0] not in builtin:
            continue
        templates = task.available_templates(question_types or None)
        same = sum(1 for t in templates if t.letter_planned and t.n_options == k)
        if not same:
            continue
        planned = task.letters_planned(question_types or None, k, LETTER_TILE_SAMPLES)
        full, left = divmod(planned, k)
        # Task.plan's residue of the first sample of the partial block, before the offset.
        shift = (k * full) // math.lcm(same, k)
        offsets[task_id] = (taken - shift) % k
        taken += left
    return offsets
