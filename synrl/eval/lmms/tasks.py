"""The ``--include_path`` folder of a suite benchmark on the lmms-eval route.

For each lmms-eval task, an overlay ``synrl_<task>.yaml`` that ``include``s lmms-eval's own
task file (so its prompt, ``process_results`` and aggregation are lmms-eval's, unchanged) and
only sets ``dataset_path`` to the local copy of the benchmark (and, where a benchmark names one,
replaces one aggregation by synrl's: Vinoground, :mod:`synrl.eval.lmms.vinoground`): lmms-eval then reads the local
annotation files instead of downloading, and its hooks find the videos under
``$HF_HOME/<cache_dir>`` as they always do. CVBench, which lmms-eval lacks, gets synrl's own
task (``synrl_cvbench``, hooks in :mod:`synrl.eval.lmms.cvbench`).

Writing the overlays needs lmms-eval installed (to find its task files), so it runs in
lmms-eval's venv, or in any environment that has lmms-eval importable.
"""

from __future__ import annotations

import importlib.util
import json
import re
import subprocess
from functools import lru_cache
from pathlib import Path
from typing import Any

PREFIX = "synrl_"


def overlay_name(task: str) -> str:
    """The overlay's task name (synrl's own tasks already carry the prefix)."""
    return task if task.startswith(PREFIX) else PREFIX + task


_FIND = ("import importlib.util; s = importlib.util.find_spec('lmms_eval'); "
         "print(next(iter(s.submodule_search_locations)) if s else '')")


def lmms_tasks_dir(python: str | None = None) -> Path:
    """lmms-eval's installed ``tasks`` folder: of this interpreter, or of ``python`` (lmms-eval's venv)."""
    if python is None:
        spec = importlib.util.find_spec("lmms_eval")
        if spec is None or not spec.submodule_search_locations:
            raise RuntimeError("lmms-eval is not importable here; the lmms route needs it (pip install lmms-eval)")
        return Path(next(iter(spec.submodule_search_locations))) / "tasks"
    try:
        found = subprocess.run([python, "-c", _FIND], capture_output=True, text=True, timeout=120)
    except OSError as exc:
        raise RuntimeError(f"cannot run the lmms-eval python {python!r} ({exc}); set --lmms-python") from None
    location = found.stdout.strip()
    if found.returncode != 0 or not location:
        raise RuntimeError(f"{python} has no lmms-eval installed; set --lmms-python to the python of its venv")
    return Path(location) / "tasks"


_TASK_LINE = re.compile(r"^task:\s*[\"']?([\w\-]+)[\"']?\s*$", re.MULTILINE)


@lru_cache(maxsize=4)
def _task_index(root: Path) -> dict[str, Path]:
    index: dict[str, Path] = {}
    for path in sorted(root.rglob("*.yaml")):
        for match in _TASK_LINE.finditer(path.read_text(errors="replace")):
            index.setdefault(match.group(1), path)
    return index


def find_task_yaml(task: str, root: Path | None = None) -> Path:
    """lmms-eval's YAML file that defines ``task``."""
    root = root or lmms_tasks_dir()
    try:
        return _task_index(root)[task]
    except KeyError:
        raise RuntimeError(f"lmms-eval has no task {task!r} (under {root})") from None


def _cvbench_yaml(folder: Path) -> str:
    files = [p for p in (folder / "test.jsonl", folder / "test.json", folder / "test.parquet") if p.is_file()]
    if not files:
        raise RuntimeError(f"{folder}: no test.jsonl, test.json or test.parquet (CVBench rows)")
    kind = {"jsonl": "json", "json": "json", "parquet": "parquet"}[files[0].suffix[1:]]
    hooks = "synrl.eval.lmms.cvbench"
    return "\n".join([
        "# CVBench (cross-video reasoning) for lmms-eval, in its published row format; written by synrl.",
        "task: synrl_cvbench",
        f"dataset_path: {kind}",
        "dataset_kwargs:",
        "  data_files:",
        f"    test: {json.dumps(str(files[0].resolve()))}",
        "test_split: test",
        "output_type: generate_until",
        "doc_to_visual: !function cvbench_hooks.doc_to_visual",
        "doc_to_text: !function cvbench_hooks.doc_to_text",
        "doc_to_target: answer",
        "generation_kwargs:",
        "  max_new_tokens: 16",
        "  temperature: 0",
        "  do_sample: false",
        "process_results: !function cvbench_hooks.process_results",
        "metric_list:",
        "  - metric: cvbench_accuracy",
        "    aggregation: !function cvbench_hooks.aggregate",
        "    higher_is_better: true",
        "metadata:",
        "  version: 0.1",
        f"  hooks: {hooks}",
        f"  video_root: {json.dumps(str(folder.resolve()))}",
        "",
    ])


_CVBENCH_SHIM = '''"""lmms-eval hooks of synrl's CVBench task; the logic lives in synrl.eval.lmms.cvbench."""
import os

os.environ.setdefault("SYNRL_CVBENCH_ROOT", {root!r})
from synrl.eval.lmms.cvbench import aggregate, doc_to_text, doc_to_visual, process_results  # noqa: E402,F401
'''


_AGGREGATION_SHIM = '''"""The aggregation synrl's overlay uses instead of lmms-eval's; the logic lives in {module}."""
from {module} import {function} as aggregate  # noqa: F401
'''


def write_overlays(bench: Any, folder: Path, include: Path, tasks_dir: Path | None = None) -> list[Path]:
    """Write the overlays of ``bench`` (a :class:`synrl.eval.suite.SuiteBenchmark`) into ``include``;
    ``tasks_dir`` is lmms-eval's tasks folder (default: this interpreter's lmms-eval)."""
    include.mkdir(parents=True, exist_ok=True)
    written = []
    for task in bench.lmms_tasks:
        if task == "synrl_cvbench":
            path = include / "synrl_cvbench.yaml"
            path.write_text(_cvbench_yaml(folder))
            shim = include / "cvbench_hooks.py"
            shim.write_text(_CVBENCH_SHIM.format(root=str(folder.resolve())))
            written += [path, shim]
            continue
        original = find_task_yaml(task, tasks_dir)
        path = include / f"{overlay_name(task)}.yaml"
        lines = [f"# lmms-eval's {task} task, unchanged but for where it reads its data; written by synrl.",
                 f"include: {json.dumps(str(original))}", f"task: {overlay_name(task)}"]
        if getattr(bench, "lmms_aggregation", None):
            # One aggregation replaced by synrl's (Vinoground: lmms-eval's needs all 500 pairs).
            module, _, function = bench.lmms_aggregation.partition(":")
            hooks = f"{overlay_name(task)}_hooks"
            (include / f"{hooks}.py").write_text(_AGGREGATION_SHIM.format(module=module, function=function))
            lines += ["metric_list:", f"  - metric: {bench.lmms_metric}",
                      f"    aggregation: !function {hooks}.aggregate", "    higher_is_better: true"]
            written.append(include / f"{hooks}.py")
        if getattr(bench, "lmms_data_file", None):
            data_file = folder / bench.lmms_data_file
            if not data_file.is_file():
                raise RuntimeError(f"{folder}: missing {bench.lmms_data_file}")
            lines += ["dataset_path: json", "dataset_kwargs:", "  data_files:",
                      f"    test: {json.dumps(str(data_file.resolve()))}"]
        else:
            lines.append(f"dataset_path: {json.dumps(str(folder.resolve()))}")
        path.write_text("\n".join(lines) + "\n")
        written.append(path)
    return written
