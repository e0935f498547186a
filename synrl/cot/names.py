"""Names a chain may use for the things of a long-term video, and which of them exist.

The checker's colour-and-shape test (:func:`synrl.cot.check.mentioned_objects`) covers the
short-term tasks; long-term videos name their things otherwise: playing cards ("the Queen
of Hearts"), cups ("Cup D"), files and paths ("notes.txt", "/src/app"), grid cells ("c2")
and tiles ("tile 7"). A chain that names a card never dealt or a cup that is not on the
table is as wrong as one that names a purple square in a video without one.

A *kind* is a way of naming (a pattern and a canonical form). Every task registers, with
:func:`register_names` in its folder's ``cot.py``, a function giving the names of each kind
its record holds (:func:`no_names` for coloured shapes); kinds a task does not return are
not checked for it, and a task without a namer is an error, never a skipped check.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from synrl.answers import canonical_item
from synrl.registry import Registry
from synrl.suite.registry import load_modules

__all__ = ["NAME_KINDS", "NameKind", "known_names", "mentioned_names", "register_names", "unknown_names",
           "board_cells", "no_names", "record_operations", "record_states"]

Record = Mapping[str, Any]


@dataclass(frozen=True)
class NameKind:
    """A way of naming things: ``pattern``'s group 1 is the name, ``canonical`` its key."""

    noun: str  # plural, for feedback ("cards")
    pattern: re.Pattern[str]
    canonical: Callable[[str], str] = str


def _card_key(text: str) -> str:
    return canonical_item(text)


_RANK = r"(?:ace|king|queen|jack|10|[2-9]|two|three|four|five|six|seven|eight|nine|ten)"
_SUIT = r"(?:spades|hearts|diamonds|clubs)"

NAME_KINDS: dict[str, NameKind] = {
    "card": NameKind("cards", re.compile(rf"\b({_RANK} of {_SUIT})\b", re.IGNORECASE), _card_key),
    # "Cup D", "cups A and C": every letter of the run is a cup.
    "cup": NameKind("cups", re.compile(r"\b[Cc]ups?\s+([A-Z](?:(?:\s*,\s*|\s+and\s+|\s+or\s+)[A-Z])*)\b")),
    # A file name has a dot and an extension ("notes.txt", ".env" is not generated); the name
    # may end a path ("src/notes.txt") or a sentence ("... notes.txt.").
    # Case is folded as the answer normaliser folds it ("readme.md" is README.md).
    "file": NameKind("files", re.compile(r"(?<![\w.-])([A-Za-z_][\w-]+\.[A-Za-z][A-Za-z0-9]{0,4})(?![\w-]|\.\w)"),
                     str.casefold),
    # Absolute paths ("/src/app"); "/" alone is always there.
    "path": NameKind("paths", re.compile(r"(?<![\w./-])(/[\w.-]+(?:/[\w.-]+)*)/?(?![\w/-])"),
                     lambda p: p.rstrip(".")),
    # Grid cells: a column letter and a row number ("c2"), lower case as the boards draw them.
    "cell": NameKind("cells", re.compile(r"(?<![\w-])([a-h][1-9])(?![\w-])")),
    "tile": NameKind("tiles", re.compile(r"\b[Tt]iles?\s+(\d+(?:(?:\s*,\s*|\s+and\s+|\s+or\s+)\d+)*)\b")),
}
_LIST_SPLIT = re.compile(r"\s*,\s*|\s+and\s+|\s+or\s+")

Namer = Callable[[Record], Mapping[str, set[str]]]
NAMERS: Registry[Namer] = Registry("namer", loader=lambda: load_modules("cot"))


def register_names(task_id: str) -> Callable[[Namer], Namer]:
    """Decorator: ``fn(record) -> {kind: names}`` gives what a ``task_id`` record holds."""
    return NAMERS.register(task_id)


def known_names(record: Record) -> dict[str, set[str]]:
    """Canonical names of each kind checked for ``record``; a task without a registered
    namer is an error (every task folder's ``cot.py`` registers one, maybe :func:`no_names`)."""
    namer = NAMERS.get(str(record.get("task")))
    return {kind: {NAME_KINDS[kind].canonical(n) for n in names} for kind, names in namer(record).items()}


def mentioned_names(text: str, kinds: Iterable[str]) -> list[tuple[str, str, str]]:
    """``(kind, as written, canonical)`` of every name of ``kinds`` in ``text``, in order."""
    found: list[tuple[int, str, str, str]] = []
    for kind in kinds:
        spec = NAME_KINDS[kind]
        for m in spec.pattern.finditer(text):
            for part in _LIST_SPLIT.split(m.group(1)):
                found.append((m.start(), kind, part, spec.canonical(part)))
    return [(kind, written, key) for _, kind, written, key in sorted(found)]


def unknown_names(text: str, record: Record) -> dict[str, list[str]]:
    """Names ``text`` uses that ``record`` does not hold, by kind ({} when all exist)."""
    known = known_names(record)
    out: dict[str, list[str]] = {}
    for kind, written, key in mentioned_names(text, known):
        if key not in known[kind] and written not in out.get(kind, []):
            out.setdefault(kind, []).append(written)
    return out


def name_list(record: Record, kind: str) -> str:
    """The names of ``kind`` the record holds, sorted, for feedback."""
    return ", ".join(sorted(known_names(record).get(kind, ())))


# --------------------------------------------------------- helpers for task namers

def record_states(record: Record) -> list[Mapping[str, Any]]:
    """The record's per-step states (long-term tasks)."""
    return list(record.get("states") or [])


def record_operations(record: Record) -> list[Mapping[str, Any]]:
    """The timeline without its two reveal phases: one entry per operation."""
    return list(record.get("timeline") or [])[1:-1]


def board_cells(record: Record) -> set[str]:
    """Cell names ("c2") of the record's board, lower case as the boards draw them."""
    board = (record.get("scene") or {}).get("board") or {}
    return {f"{'abcdefgh'[c]}{r + 1}" for r in range(int(board.get("rows", 0)))
            for c in range(int(board.get("cols", 0)))}


def no_names(record: Record) -> dict[str, set[str]]:
    """Namer of tasks whose things are coloured shapes: the colour-and-shape test of
    :func:`synrl.cot.check.mentioned_objects` covers them, no name kind applies."""
    return {}
