"""The task suite: one folder per task (``synrl/suite/<task>/``), discovered automatically.

Family machinery shared by several tasks lives beside them in ``_shortterm`` (arena,
bouncing motion, distractors) and ``_longterm`` (phases, reveal, boards, question posing).
See ``docs/adding-a-task.md``.
"""

from synrl.suite.registry import get_task, register, task_ids  # noqa: F401
