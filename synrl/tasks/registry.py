"""Task registry: tasks register themselves by id with `@register`."""

from __future__ import annotations

from synrl.registry import Registry
from synrl.tasks.base import Task, TaskError


def _load_builtin() -> None:
    # Importing the package runs each module's @register.
    import synrl.tasks  # noqa: F401


TASKS: Registry[type[Task]] = Registry("task", loader=_load_builtin, error=TaskError)


def register(cls: type[Task]) -> type[Task]:
    """Class decorator adding a task to the registry under `cls.id`."""
    return TASKS.add(cls.id, cls)


def task_ids() -> list[str]:
    return TASKS.names()


def get_task(task_id: str) -> Task:
    """Instantiate a task by id; unknown ids fail with the known ids and a close match."""
    return TASKS.get(task_id)()
