"""The benchmark registry: a name -> loader mapping filled by decorated modules and YAML files."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from synrl.eval.sample import EvalSample
from synrl.registry import Registry

Loader = Callable[[Path, Mapping[str, str]], list[EvalSample]]


class BenchmarkError(Exception):
    """A benchmark folder that is missing files or holds malformed annotations."""


@dataclass(frozen=True)
class Benchmark:
    """A registered benchmark: its loader and what the user must download."""

    name: str
    kind: str  # "multiple_choice", "grounding", "mixed" or "synthetic"
    load: Loader
    layout: str  # the expected folder layout and where to get it (shown by `synrl eval benchmarks`)
    needs_data: bool = True


BENCHMARKS: Registry[Benchmark] = Registry("benchmark", error=BenchmarkError)


def register_benchmark(name: str, *, kind: str, layout: str, needs_data: bool = True) -> Callable[[Loader], Loader]:
    """Decorator registering ``load(root, options) -> list[EvalSample]`` under ``name``."""

    def wrap(load: Loader) -> Loader:
        BENCHMARKS.add(name, Benchmark(name, kind, load, layout.strip(), needs_data))
        return load

    return wrap


def get_benchmark(name: str) -> Benchmark:
    return BENCHMARKS.get(name)


def benchmark_names() -> list[str]:
    return sorted(BENCHMARKS.names())


def load_benchmark(name: str, root: Path | None, options: Mapping[str, str] | None = None) -> list[EvalSample]:
    """All samples of benchmark ``name`` from folder ``root``, in a stable order."""
    bench = get_benchmark(name)
    if bench.needs_data and (root is None or not Path(root).is_dir()):
        raise BenchmarkError(f"{name}: give the benchmark folder with --data (expected layout:\n{bench.layout})")
    samples = bench.load(Path(root) if root is not None else Path("."), dict(options or {}))
    ids = [s.id for s in samples]
    if len(set(ids)) != len(ids):
        raise BenchmarkError(f"{name}: duplicate sample ids")
    return samples
