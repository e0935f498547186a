"""Names a chain may use for the things of a long-term video, and which of them exist.

The checker's colour-and-shape test (:func:`synrl.cot.check.mentioned_objects`) covers the
short-term tasks; long-term videos name their things otherwise: playing cards ("the Queen
of Hearts"), cups ("Cup D"), files and paths ("notes.txt", "/src/app"), grid cells ("c2")
and tiles ("tile 7"). A chain that names a card never dealt or a cup that is not on the
table is as wrong as one that names a purple square in a video without one.

A *kind* is a way of naming (a pattern and a canonical form). A task registers, with
:func:`register_names`, a function giving the names of each kind its record holds; kinds a
task does not return are not checked for it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from synrl.answers import canonical_item
from synrl.registry import Registry

__all__ = ["NAME_KINDS", "NameKind", "known_names", "mentioned_names", "register_names", "unknown_names"]

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
NAMERS: Registry[Namer] = Registry("namer")


def register_names(task_id: str) -> Callable[[Namer], Namer]:
    """Decorator: ``fn(record) -> {kind: names}`` gives what a ``task_id`` record holds."""
    return NAMERS.register(task_id)


def known_names(record: Record) -> dict[str, set[str]]:
    """Canonical names of each kind checked for ``record`` ({} when its task names nothing)."""
    namer = NAMERS.find(str(record.get("task")))
    if namer is None:
        return {}
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


# ------------------------------------------------------------------------ the tasks

def _states(record: Record) -> list[Mapping[str, Any]]:
    return list(record.get("states") or [])


def _operations(record: Record) -> list[Mapping[str, Any]]:
    return list(record.get("timeline") or [])[1:-1]


def _cells(record: Record) -> set[str]:
    board = (record.get("scene") or {}).get("board") or {}
    return {f"{'abcdefgh'[c]}{r + 1}" for r in range(int(board.get("rows", 0)))
            for c in range(int(board.get("cols", 0)))}


@register_names("cards")
def _card_names(record: Record) -> dict[str, set[str]]:
    cards = {c for state in _states(record) for c in state["pile"]}
    cards |= {op["card"] for op in _operations(record) if "card" in op}
    return {"card": cards}


@register_names("chips")
def _cup_names(record: Record) -> dict[str, set[str]]:
    return {"cup": {cup for state in _states(record) for cup in state["cups"]}}


@register_names("file_system")
def _file_names(record: Record) -> dict[str, set[str]]:
    paths = {"/"}
    for state in _states(record):
        paths |= set(state["dirs"]) | set(state["files"]) | {state["cwd"]}
    files = {p.rsplit("/", 1)[-1] for p in paths if "." in p.rsplit("/", 1)[-1]}
    # A command may name a file that never existed ("rm missing.txt" fails on screen).
    for op in _operations(record):
        for arg in op.get("args") or ():
            name = str(arg).rstrip("/").rsplit("/", 1)[-1]
            if "." in name.strip("."):
                files.add(name)
            if str(arg).startswith("/"):
                paths.add(str(arg).rstrip("/") or "/")
    return {"file": files, "path": paths}


@register_names("grid_swap")
@register_names("math_trail")
def _cell_names(record: Record) -> dict[str, set[str]]:
    return {"cell": _cells(record)}


@register_names("sliding_puzzle")
def _tile_names(record: Record) -> dict[str, set[str]]:
    tiles = {str(t) for state in _states(record) for row in state["rows"] for t in row if t}
    return {"cell": _cells(record), "tile": tiles}
