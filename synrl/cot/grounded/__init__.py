"""Grounded chain-of-thought: reasoning written from a record's own timeline, states and
tracks, in the voice of someone watching, with no model. Correct by construction.

Adding a writer for a task: one module here with a function decorated
``@register_writer("<task id>")`` that takes a :class:`WriterContext` and returns the
think-block text (ending with the answer in words), plus its import line below.
"""

from synrl.cot.grounded.base import WriterContext
from synrl.cot.grounded.registry import (
    MissingWriterError,
    Writer,
    get_writer,
    grounded_cot,
    grounded_think,
    missing_writers,
    register_writer,
    writer_ids,
)

# One line per writer module.
from synrl.cot.grounded import collision, direction, rotation, speed  # noqa: E402,F401
from synrl.cot.grounded import acceleration, motion_count, trajectory, velocity_rank  # noqa: E402,F401
from synrl.cot.grounded import attribute_change, distance, event_order, relative_position  # noqa: E402,F401
from synrl.cot.grounded import cards, chips, file_system, grid_swap, math_trail, sliding_puzzle  # noqa: E402,F401

__all__ = [
    "MissingWriterError",
    "Writer",
    "WriterContext",
    "get_writer",
    "grounded_cot",
    "grounded_think",
    "missing_writers",
    "register_writer",
    "writer_ids",
]
