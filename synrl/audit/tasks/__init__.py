"""Per-task auditors: each derives a task's answer from measured trajectories only.
Adding one: a module with a `@register_auditor("task_id")` function, plus its import here."""

from synrl.audit.tasks import collision, direction, rotation, speed  # noqa: F401
from synrl.audit.tasks import acceleration, motion_count, trajectory_shape, velocity_rank  # noqa: F401
from synrl.audit.tasks import attribute_change, distance, event_order, relative_position  # noqa: F401
from synrl.audit.tasks import cards, chips, file_system, grid_swap, math_trail, sliding_puzzle  # noqa: F401
