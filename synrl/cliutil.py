"""Helpers shared by every `synrl` subcommand: one-line errors, list options, consoles."""

from __future__ import annotations

from typing import NoReturn

import typer
from pydantic import ValidationError
from rich.console import Console

console = Console()
errors = Console(stderr=True)


def fail(message: str, code: int = 2) -> NoReturn:
    """Print `error: message` on stderr and exit with `code` (never a traceback)."""
    errors.print(f"[bold red]error:[/] {message}", highlight=False, soft_wrap=True)
    raise typer.Exit(code)


def split_list(value: str | None) -> list[str] | None:
    """'a, b,,c' -> ['a', 'b', 'c']; None or only commas -> None."""
    if value is None:
        return None
    return [v.strip() for v in value.split(",") if v.strip()] or None


def validation_message(exc: ValidationError) -> str:
    """The first problem of a pydantic error, on one line: `field: message`."""
    first = exc.errors()[0]
    where = ".".join(str(p) for p in first["loc"])
    message = first["msg"].removeprefix("Value error, ")
    return f"{where}: {message}" if where else message


def key_values(items: list[str], flag: str = "--option") -> dict[str, str]:
    """['a=1', 'b = x'] -> {'a': '1', 'b': 'x'}; a malformed item is a one-line error."""
    parsed = {}
    for item in items:
        name, sep, value = item.partition("=")
        if not sep or not name.strip():
            fail(f"{flag} takes NAME=VALUE, got {item!r}")
        parsed[name.strip()] = value.strip()
    return parsed
