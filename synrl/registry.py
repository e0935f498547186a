"""One registry type for every "name -> thing" table of the package.

Tasks, auditors, grounded CoT writers, namers, renderers, rewards and benchmarks all register
through a :class:`Registry`: registering a second, different thing under a taken name
raises, and asking for an unknown name raises a one-line error listing the known names and
the closest match. A registry may have a ``loader`` that imports the modules which fill it,
called once before the first lookup.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterator
from typing import Generic, TypeVar

T = TypeVar("T")


class RegistryError(LookupError):
    """A name registered twice, or a name nobody registered."""

    def __str__(self) -> str:  # LookupError would print the message quoted
        return str(self.args[0]) if self.args else "registry error"


class DuplicateNameError(ValueError):
    """A second, different value registered under a taken name."""


def unknown_name_message(kind: str, name: object, known: list[str]) -> str:
    """``unknown <kind> 'x'; did you mean 'y'? Known <kind>s: a, b`` (one line)."""
    close = difflib.get_close_matches(str(name), known, n=1)
    hint = f"; did you mean {close[0]!r}?" if close else "."
    return f"unknown {kind} {name!r}{hint} Known {kind}s: {', '.join(known) or '(none)'}"


class Registry(Generic[T]):
    """Named values of one kind (``kind`` is the noun used in error messages)."""

    def __init__(self, kind: str, *, loader: Callable[[], None] | None = None,
                 error: Callable[[str], Exception] = RegistryError):
        self.kind = kind
        self._items: dict[str, T] = {}
        self._loader = loader
        self._loaded = loader is None
        self._loading = False
        self._error = error

    def add(self, name: str, value: T) -> T:
        """Register ``value`` under ``name``; re-registering the same object is a no-op."""
        if name in self._items and self._items[name] is not value:
            raise DuplicateNameError(f"{self.kind} {name!r} is registered twice "
                                f"({_describe(self._items[name])} and {_describe(value)})")
        self._items[name] = value
        return value

    def register(self, name: str) -> Callable[[T], T]:
        """Decorator form of :meth:`add`."""
        return lambda value: self.add(name, value)

    def _load(self) -> None:
        if not self._loaded and not self._loading:
            self._loading = True
            try:
                self._loader()  # type: ignore[misc]
                self._loaded = True
            finally:
                self._loading = False

    def get(self, name: str) -> T:
        """The value registered under ``name``; the registry's error when there is none."""
        self._load()
        try:
            return self._items[name]
        except (KeyError, TypeError):
            raise self._error(unknown_name_message(self.kind, name, self.names())) from None

    def find(self, name: str) -> T | None:
        """The value under ``name``, or None (for callers that report absence themselves)."""
        self._load()
        return self._items.get(name)

    def names(self) -> list[str]:
        """Registered names, in registration order."""
        self._load()
        return list(self._items)

    def __contains__(self, name: object) -> bool:
        self._load()
        return name in self._items

    def __iter__(self) -> Iterator[str]:
        return iter(self.names())

    def __len__(self) -> int:
        return len(self.names())

    def items(self) -> list[tuple[str, T]]:
        self._load()
        return list(self._items.items())


def _describe(value: object) -> str:
    value = getattr(value, "func", value)  # specs that wrap a function name the function
    module = getattr(value, "__module__", None)
    name = getattr(value, "__qualname__", None) or type(value).__qualname__
    return f"{module}.{name}" if module else name
