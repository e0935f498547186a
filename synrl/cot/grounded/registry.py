"""Registry of grounded CoT writers by task id."""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from synrl.cot.grounded.base import WriterContext
from synrl.qa import answer_for, format_completion
from synrl.registry import Registry
from synrl.suite.registry import load_modules

#: A writer turns one record (through its context) into the text of the think block.
Writer = Callable[[WriterContext], str]



class MissingWriterError(LookupError):
    """Some task has no grounded writer: its samples cannot get a CoT without a model."""

    def __init__(self, task_ids: Iterable[str]):
        self.task_ids = sorted(set(task_ids))
        listed = ", ".join(self.task_ids)
        super().__init__(
            f"no grounded CoT writer for task(s): {listed}. Add a cot.py to the task's folder "
            f"with a function decorated @register_writer(\"<task id>\") (docs/adding-a-task.md)"
        )

    def __str__(self) -> str:  # LookupError would print the message quoted
        return self.args[0]


WRITERS: Registry[Writer] = Registry("grounded writer", loader=lambda: load_modules("cot"))


#: Writers of question families that every task can ask (keyed by ``query.kind``): their
#: reasoning comes from the family's own query, whatever task's video it is about.
FAMILY_WRITERS: Registry[Writer] = Registry(
    "question-family writer",
    loader=lambda: [importlib.import_module(f"synrl.cot.grounded.{family}")
                    for family in ("when", "track")])


def register_family_writer(kind: str) -> Callable[[Writer], Writer]:
    """Decorator registering the writer of records whose ``query.kind`` is ``kind``."""
    return FAMILY_WRITERS.register(kind)


def register_writer(task_id: str) -> Callable[[Writer], Writer]:
    """Decorator registering ``writer`` as the grounded CoT writer of ``task_id``."""
    return WRITERS.register(task_id)


def writer_ids() -> list[str]:
    """Task ids that have a grounded writer."""
    return sorted(WRITERS.names())


def get_writer(task_id: str) -> Writer:
    """The writer of ``task_id``; :class:`MissingWriterError` when there is none."""
    writer = WRITERS.find(task_id)
    if writer is None:
        raise MissingWriterError([task_id])
    return writer


def missing_writers(task_ids: Iterable[str]) -> list[str]:
    """Those of ``task_ids`` without a writer, sorted."""
    return sorted({t for t in task_ids if t not in WRITERS})


def grounded_think(record: Mapping[str, Any]) -> str:
    """The think-block text the record's question family's writer (a "when" or tracking
    question) or else its task's writer produces."""
    kind = (record.get("query") or {}).get("kind")
    writer = FAMILY_WRITERS.find(str(kind)) or get_writer(str(record["task"]))
    return writer(WriterContext.for_record(record)).strip()


def grounded_cot(record: Mapping[str, Any]) -> str:
    """The full ``<think>...</think><answer>...</answer>`` chain for ``record``, no model."""
    return format_completion(grounded_think(record), answer_for(record))
