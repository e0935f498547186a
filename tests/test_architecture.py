"""The layer order of docs/architecture.md, enforced: a module may import its own layer
and the layers below it, never one above. Imports are read with `ast`, including those
inside functions (a lazy import is still a dependency)."""

from __future__ import annotations

import ast
import fnmatch
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "synrl"

# (layer name, module patterns), lowest first.
LAYERS: list[tuple[str, list[str]]] = [
    ("foundation", ["synrl", "synrl.registry", "synrl.answers", "synrl.scene", "synrl.dataset",
                    "synrl.qa"]),
    ("render", ["synrl.render", "synrl.render.*"]),
    ("tasks", ["synrl.suite", "synrl.suite.*", "synrl.record", "synrl.config"]),
    ("pipeline", ["synrl.generate", "synrl.validate", "synrl.preview", "synrl.stats", "synrl.stream"]),
    ("checks", ["synrl.audit", "synrl.audit.*", "synrl.suite.*.audit", "synrl.cot", "synrl.cot.*",
                "synrl.suite.*.cot", "synrl.llm", "synrl.llm.*", "synrl.rewards", "synrl.rewards.*"]),
    ("consumers", ["synrl.export", "synrl.export.*", "synrl.train", "synrl.train.*", "synrl.eval",
                   "synrl.eval.*", "synrl.browse", "synrl.browse.*", "synrl.verl", "synrl.verl.*",
                   "synrl.probe", "synrl.probe.*"]),
    ("cli", ["synrl.cli", "synrl.cli.*", "synrl.cliutil"]),
]
RANK = {name: i for i, (name, _) in enumerate(LAYERS)}
# A task folder's audit.py and cot.py sit in the "checks" layer although their folder is in
# "tasks": search that layer's specific patterns first.
_SEARCH = [LAYERS[4]] + [layer for layer in LAYERS if layer[0] != "checks"]


def _layer_of(module: str) -> str:
    for name, patterns in _SEARCH:
        if any(fnmatch.fnmatchcase(module, p) for p in patterns):
            return name
    raise AssertionError(f"{module} is in no layer of tests/test_architecture.py: add it")


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _imports(path: Path, source: str | None = None) -> list[tuple[int, str]]:
    """(line, module) of every synrl import in ``path`` (or in ``source`` placed there)."""
    module = _module_name(path)
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    out = []
    text = path.read_text(encoding="utf-8") if source is None else source
    for node in ast.walk(ast.parse(text)):
        if isinstance(node, ast.Import):
            out += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            out.append((node.lineno, target))
            # `from synrl.x import y` may import the submodule synrl.x.y.
            out += [(node.lineno, f"{target}.{a.name}") for a in node.names
                    if (PACKAGE.parent / Path(*f"{target}.{a.name}".split("."))).with_suffix(".py").exists()
                    or (PACKAGE.parent / Path(*f"{target}.{a.name}".split(".")) / "__init__.py").exists()]
    return [(line, name) for line, name in out if name == "synrl" or name.startswith("synrl.")]


SOURCES = sorted(PACKAGE.rglob("*.py"))


def test_every_module_has_a_layer():
    for path in SOURCES:
        _layer_of(_module_name(path))


def test_no_upward_imports():
    upward = []
    for path in SOURCES:
        module = _module_name(path)
        own = RANK[_layer_of(module)]
        for line, target in _imports(path):
            if RANK[_layer_of(target)] > own:
                upward.append(f"{path.relative_to(PACKAGE.parent)}:{line} {module} "
                              f"({_layer_of(module)}) imports {target} ({_layer_of(target)})")
    assert not upward, "upward imports:\n" + "\n".join(upward)


AUDITS = sorted(PACKAGE.glob("suite/*/audit.py"))


@pytest.mark.parametrize("path", AUDITS, ids=lambda p: p.parent.name)
def test_task_audits_read_pixels_only(path):
    """An auditor that imported its task could replay the simulator instead of measuring:
    audit.py may import nothing of synrl.suite (neither its task.py nor another's)."""
    bad = [f"line {line}: {target}" for line, target in _imports(path)
           if target == "synrl.suite" or target.startswith("synrl.suite.")]
    assert not bad, f"{path.relative_to(PACKAGE.parent)} imports task code: {bad}"


def test_the_scan_resolves_relative_and_lazy_imports():
    """The rules above see what they must: a relative import of the task module from an
    audit.py, and an import inside a function."""
    source = ("from .task import path_text\n"
              "def f():\n    from synrl.export.sft import build_sft\n")
    names = [target for _, target in _imports(PACKAGE / "suite" / "direction" / "audit.py", source)]
    assert "synrl.suite.direction.task" in names and "synrl.export.sft" in names
