"""Task registry: tasks register themselves by id with `@register`."""

from __future__ import annotations

import difflib

from synrl.tasks.base import Task, TaskError

_TASKS: dict[str, type[Task]] = {}


def register(cls: type[Task]) -> type[Task]:
    """Class decorator adding a task to the registry under `cls.id`."""
    if cls.id in _TASKS and _TASKS[cls.id] is not cls:
        raise ValueError(f"task id {cls.id!r} is registered twice")
    _TASKS[cls.id] = cls
    return cls


def task_ids() -> list[str]:
    _load_builtin()
    return list(_TASKS)


def get_task(task_id: str) -> Task:
    """Instantiate a task by id; unknown ids fail with the known ids and a close match."""
    _load_builtin()
    if task_id not in _TASKS:
        close = difflib.get_close_matches(task_id, list(_TASKS), n=1)
        hint = f" Did you mean {close[0]!r}?" if close else ""
        raise TaskError(f"unknown task {task_id!r}.{hint} Known tasks: {', '.join(_TASKS)}")
    return _TASKS[task_id]()


def _load_builtin() -> None:
    # Importing the package runs each module's @register.
    import synrl.tasks  # noqa: F401
