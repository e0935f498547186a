"""Per-task auditors: each derives a task's answer from measured trajectories only.
Adding one: a module with a `@register_auditor("task_id")` function, plus its import here."""

from synrl.audit.tasks import collision, direction, rotation, speed  # noqa: F401
