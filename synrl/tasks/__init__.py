"""Task generators. Adding a task: one module with a registered class, plus its import here."""

from synrl.tasks import collision, direction, rotation, speed  # noqa: F401
from synrl.tasks import acceleration, motion_count, trajectory_shape, velocity_rank  # noqa: F401
from synrl.tasks import cards, chips, file_system, grid_swap, math_trail, sliding_puzzle  # noqa: F401
from synrl.tasks import attribute_change, distance, event_order, relative_position  # noqa: F401
from synrl.tasks.registry import get_task, register, task_ids  # noqa: F401
