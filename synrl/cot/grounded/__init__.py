"""Grounded chain-of-thought: reasoning written from a record's own timeline, states and
tracks, in the voice of someone watching, with no model. Correct by construction.

A task's writer lives in its folder (``synrl/suite/<task>/cot.py``): a function decorated
``@register_writer("<task id>")`` that takes a :class:`WriterContext` and returns the
think-block text (ending with the answer in words). This package holds what they share.
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
