"""Benchmarks: one module per benchmark (plus YAML-defined ones), each registered by name.

Adding one: a module with a function decorated by :func:`register_benchmark` (name, kind,
layout) returning :class:`synrl.eval.sample.EvalSample` objects, plus its import here; or a
YAML file (see :mod:`synrl.eval.benchmarks.yaml_benchmark`) in ``synrl/eval/benchmarks/yaml/``
or a folder named by ``SYNRL_EVAL_BENCHMARKS``.
"""

from synrl.eval.benchmarks import (  # noqa: F401
    aotbench,
    charades_sta,
    mvbench,
    nextgqa,
    rextime,
    synthetic,
    tempcompass,
    tomato,
    videomme,
    vsibench,
    yaml_benchmark,
)
from synrl.eval.benchmarks.registry import (  # noqa: F401
    Benchmark,
    BenchmarkError,
    benchmark_names,
    get_benchmark,
    load_benchmark,
    register_benchmark,
)
