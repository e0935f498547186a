"""Benchmarks declared in YAML: a table of questions plus a field mapping, no code.

Example (``my_bench.yaml``)::

    name: my_bench
    kind: multiple_choice            # or grounding
    layout: "my_bench/questions.jsonl and my_bench/videos/<video>.mp4"
    annotations: questions.jsonl     # .json list, .jsonl or .parquet, relative to --data
    id: "{qid}"                      # format strings over a row's fields
    video: "videos/{video}.mp4"
    question: question               # field names
    answer_type: multiple_choice     # multiple_choice | yes_no | number | interval
    options: candidates              # list (letters A, B, ... in order) or {letter: text}
    answer: answer                   # letter, 0-based index or option text; for interval: [s, e] field
    metric: accuracy                 # accuracy | grounding | mra
    groups: [task_type]              # fields to break results down by

Files in ``synrl/eval/benchmarks/yaml/`` and in the folders listed (os.pathsep-separated) in
``SYNRL_EVAL_BENCHMARKS`` are registered at import; :func:`register_yaml` adds one more.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, Field, ValidationError

from synrl.eval.benchmarks.common import options_from_list, read_table, video_path
from synrl.eval.benchmarks.grounding_common import grounding_question
from synrl.eval.benchmarks.registry import BenchmarkError, register_benchmark
from synrl.eval.sample import EvalSample, letters


class YamlBenchmark(BaseModel):
    """The schema of a benchmark YAML file."""

    name: str
    kind: Literal["multiple_choice", "grounding", "mixed"] = "multiple_choice"
    layout: str = ""
    annotations: str
    id: str
    video: str
    question: str
    answer_type: Literal["multiple_choice", "yes_no", "number", "interval"] = "multiple_choice"
    options: str | None = None
    answer: str
    metric: Literal["accuracy", "grounding", "mra"] = "accuracy"
    groups: list[str] = Field(default_factory=list)


def _answer(spec: YamlBenchmark, row: Mapping[str, Any], opts: dict[str, str] | None, where: str) -> Any:
    value = row[spec.answer]
    if spec.answer_type == "multiple_choice":
        assert opts is not None
        if isinstance(value, int) and not isinstance(value, bool) and 0 <= value < len(opts):
            return letters(len(opts))[value]
        text = str(value).strip()
        # Option texts first: MVBench character_order answers are texts such as "c", which
        # are also letters (of other options).
        matches = [k for k, v in opts.items() if v.strip() == text]
        if len(matches) == 1:
            return matches[0]
        if text.upper() in opts:
            return text.upper()
        raise BenchmarkError(f"{where}: answer {value!r} is neither a letter, an index nor an option")
    if spec.answer_type == "interval":
        segments = value if value and isinstance(value[0], (list, tuple)) else [value]
        return [[float(s), float(e)] for s, e in segments]
    if spec.answer_type == "number":
        return float(value)
    return str(value).strip().lower()


def _loader(spec: YamlBenchmark):
    def load(root: Path, options: Mapping[str, str]) -> list[EvalSample]:
        samples = []
        for n, row in enumerate(read_table(root / spec.annotations)):
            try:
                sid = spec.id.format(**row)
                where = f"{spec.name} {sid}"
                opts = None
                if spec.options:
                    raw = row[spec.options]
                    opts = {str(k): str(v) for k, v in raw.items()} if isinstance(raw, Mapping) else options_from_list(list(raw))
                question = str(row[spec.question])
                if spec.metric == "grounding":
                    question = grounding_question(question)
                samples.append(EvalSample(
                    id=sid, benchmark=spec.name, video=video_path(root, spec.video.format(**row)), question=question,
                    answer_type=spec.answer_type, answer=_answer(spec, row, opts, where), options=opts,
                    metric=spec.metric, groups={g: str(row[g]) for g in spec.groups}))
            except (KeyError, IndexError, TypeError, ValueError) as exc:
                raise BenchmarkError(f"{spec.name}: row {n} of {spec.annotations}: {exc!r}") from exc
        return samples

    return load


def register_yaml(path: str | Path) -> str:
    """Register the benchmark described by the YAML file ``path``; returns its name."""
    try:
        spec = YamlBenchmark.model_validate(yaml.safe_load(Path(path).read_text(encoding="utf-8")))
    except (OSError, yaml.YAMLError, ValidationError) as exc:
        raise BenchmarkError(f"{path}: not a benchmark YAML ({exc})") from exc
    register_benchmark(spec.name, kind=spec.kind, layout=spec.layout or f"see {path}")(_loader(spec))
    return spec.name


def _discover() -> None:
    folders = [Path(__file__).parent / "yaml"]
    folders += [Path(p) for p in os.environ.get("SYNRL_EVAL_BENCHMARKS", "").split(os.pathsep) if p]
    for folder in folders:
        if folder.is_dir():
            for path in sorted(folder.glob("*.y*ml")):
                register_yaml(path)


_discover()
