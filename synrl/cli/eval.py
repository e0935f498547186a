"""`synrl eval ...`: run, report, compare, list benchmarks, export to lmms-eval.

``register(app)`` adds the ``eval`` sub-app to the main ``synrl`` typer app;
``python -m synrl.cli.eval`` runs it standalone.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Optional

import typer
from pydantic import ValidationError

from synrl.cli.eval_suite import suite_command
from synrl.cliutil import console, fail as _fail, key_values, validation_message

eval_app = typer.Typer(add_completion=False, no_args_is_help=True,
                       help="Evaluate a model on the synthetic suite or a real video benchmark.")


def _ks(value: str) -> list[int]:
    try:
        ks = sorted({int(v) for v in value.split(",") if v.strip()})
    except ValueError:
        _fail(f"--k takes comma-separated integers, got {value!r}")
    if not ks or ks[0] < 1:
        _fail("--k values must be >= 1")
    return ks


@eval_app.command("run")
def run_command(
    benchmark: str = typer.Argument(..., help="benchmark name (see `synrl eval benchmarks`)"),
    out: Path = typer.Option(..., help="run folder (rerun the same command to resume)"),
    data: Optional[Path] = typer.Option(None, help="benchmark folder (annotations + videos)"),
    option: list[str] = typer.Option([], "--option", help="benchmark option NAME=VALUE (repeatable)"),
    backend: str = typer.Option("openai", help="openai | transformers"),
    base_url: str = typer.Option("http://127.0.0.1:8000/v1", help="OpenAI-compatible server"),
    model: str = typer.Option("Qwen/Qwen2.5-VL-7B-Instruct", help="model name on the server"),
    api_key_env: str = typer.Option("OPENAI_API_KEY", help="env variable holding the API key"),
    concurrency: int = typer.Option(8, help="parallel requests (openai)"),
    retries: int = typer.Option(3, help="retries per request (openai)"),
    timeout: float = typer.Option(300.0, help="seconds per request (openai)"),
    backoff: float = typer.Option(1.0, help="first retry delay in seconds, doubling (openai)"),
    video_input: str = typer.Option("frames", help="frames | video_url (openai)"),
    hf_model: Optional[str] = typer.Option(None, help="local model path or id (transformers)"),
    batch_size: int = typer.Option(4, help="questions per batch (transformers)"),
    device: str = typer.Option("auto", help="auto | cpu | cuda[:N] (transformers)"),
    dtype: str = typer.Option("auto", help="auto | float32 | bfloat16 | float16 (transformers)"),
    num_frames: int = typer.Option(16, help="frames sampled per video"),
    fps: Optional[float] = typer.Option(None, help="sample at this rate (capped by --num-frames)"),
    max_pixels: int = typer.Option(448 * 448, help="max pixels per frame"),
    min_pixels: int = typer.Option(28 * 28, help="min pixels per frame"),
    timestamps: bool = typer.Option(True, help="label frames with their times"),
    temperature: float = typer.Option(0.01), top_p: float = typer.Option(0.001),
    max_new_tokens: int = typer.Option(1024), seed: int = typer.Option(0),
    samples: int = typer.Option(1, help="completions per question (pass@k needs >= k)"),
    k: str = typer.Option("1", help="pass@k values to report, e.g. 1,4"),
    limit: int = typer.Option(0, help="only N questions, stratified over sub-tasks (0: all)"),
    limit_seed: int = typer.Option(0, help="seed of the --limit draw"),
    reversed_intervals: str = typer.Option("reject", help="reject | swap: an interval answer ending before it starts"),
    system_prompt: bool = typer.Option(True, help="send synrl's system prompt"),
    strict: bool = typer.Option(False, help="only read <answer> blocks (as the training reward)"),
) -> None:
    """Run a model over a benchmark (resumable), then score it (metrics.json, report.md/html, charts/)."""
    from synrl.eval.benchmarks import BenchmarkError
    from synrl.eval.config import (DecodingConfig, FrameConfig, OpenAIConfig, RunConfig,
                                   TransformersConfig)
    from synrl.eval.runner import RunError, run_predictions

    ks = _ks(k)
    try:
        config = RunConfig(
            benchmark=benchmark, data=data, options=key_values(option), backend=backend,
            openai=OpenAIConfig(base_url=base_url, model=model, api_key_env=api_key_env, concurrency=concurrency,
                                retries=retries, timeout_s=timeout, backoff_s=backoff,
                                video_input=video_input)
            if backend == "openai" else None,
            transformers=TransformersConfig(model=hf_model, batch_size=batch_size, device=device, dtype=dtype)
            if backend == "transformers" and hf_model else None,
            frames=FrameConfig(num_frames=num_frames, fps=fps, max_pixels=max_pixels, min_pixels=min_pixels,
                               timestamps=timestamps),
            decoding=DecodingConfig(temperature=temperature, top_p=top_p, max_new_tokens=max_new_tokens, seed=seed),
            samples=samples, limit=limit, limit_seed=limit_seed, reversed_intervals=reversed_intervals,
            system_prompt=system_prompt, lenient=not strict,
        )
    except ValidationError as exc:
        _fail(validation_message(exc))
    if backend == "transformers" and not hf_model:
        _fail("--backend transformers needs --hf-model")
    if max(ks) > samples:
        _fail(f"pass@{max(ks)} needs --samples >= {max(ks)}")
    try:
        progress = (lambda d, t: console.print(f"{d}/{t}", end="\r")) if console.is_terminal else None
        result = run_predictions(config, out, on_progress=progress)
    except (BenchmarkError, RunError, ValueError, ImportError) as exc:
        _fail(str(exc))
    except KeyboardInterrupt:
        _fail(f"interrupted; rerun the same command to resume {out}", 130)
    console.print(f"{result.questions} questions; {result.written} completions written "
                  f"({result.failed} failed after retries) -> {out}")
    _report(out, ks, None)


def _report(out: Path, ks: list[int], lenient: Optional[bool]) -> None:
    from synrl.eval.report import REPORT_MD, score_run

    metrics = score_run(out, ks, lenient)
    console.print((out / REPORT_MD).read_text(), highlight=False, markup=False, soft_wrap=True)
    o = metrics["overall"]
    console.print(f"score {100 * o['score']:.1f}% over {o['questions']} questions; failed {o['failed']}, "
                  f"empty {o['empty']}, unparseable {o['unparseable']}, missing {o['missing']}")


@eval_app.command("report")
def report_command(
    run: Path = typer.Argument(..., help="run folder"),
    k: str = typer.Option("1", help="pass@k values"),
    strict: Optional[bool] = typer.Option(None, help="override the run's answer extraction"),
) -> None:
    """(Re)score a run folder without calling the model."""
    from synrl.eval.runner import RunError

    try:
        _report(run, _ks(k), None if strict is None else not strict)
    except RunError as exc:
        _fail(str(exc))


@eval_app.command("compare")
def compare_command(
    a: Path = typer.Argument(..., help="run folder (or metrics.json) A"),
    b: Path = typer.Argument(..., help="run folder (or metrics.json) B"),
    out: Optional[Path] = typer.Option(None, help="also write the table here"),
    report_dir: Optional[Path] = typer.Option(None, help="write compare.html and charts/compare_*.png/svg here"),
) -> None:
    """Side-by-side table of two runs with deltas (B - A). Two `eval suite` runs are compared
    column by column in the paper's table layout."""
    from synrl.eval.compare import compare, load_metrics

    names = (a.name or "A", b.name or "B")
    try:
        ma, mb = load_metrics(a), load_metrics(b)
        if ma.get("suite") or mb.get("suite"):
            table = _compare_suites(a, b, ma, mb, names)
        else:
            table = compare(ma, mb, names)
    except (FileNotFoundError, KeyError, json.JSONDecodeError) as exc:
        _fail(str(exc))
    if out:
        out.write_text(table)
    if report_dir:
        from synrl.eval.charts import write_compare_report

        report_dir.mkdir(parents=True, exist_ok=True)
        console.print(f"{write_compare_report(report_dir, ma, mb, names)[-1]}")
    console.print(table, highlight=False, markup=False, soft_wrap=True)


def _compare_suites(a: Path, b: Path, ma: dict, mb: dict, names: tuple[str, str]) -> str:
    """Two suite runs in the paper's layout (from their suite.json)."""
    from synrl.eval.paper_reference import compare_table
    from synrl.eval.suite import load_suite

    if not (ma.get("suite") and mb.get("suite")):
        suite, other = (a, b) if ma.get("suite") else (b, a)
        raise FileNotFoundError(f"{suite} is an `eval suite` run, {other} is not: compare two suite runs "
                                "(or two single-benchmark runs)")
    runs = [load_suite(path if path.is_dir() else path.parent) for path in (a, b)]
    return compare_table(runs[0], runs[1], names)


@eval_app.command("benchmarks")
def benchmarks_command() -> None:
    """List the benchmarks and the folder layout each expects."""
    from synrl.eval.benchmarks import benchmark_names, get_benchmark

    for name in benchmark_names():
        bench = get_benchmark(name)
        console.print(f"[bold]{name}[/] ({bench.kind})")
        console.print(bench.layout, highlight=False, markup=False)
        console.print()
    from synrl.eval.suite import describe

    console.print(describe("paper"), highlight=False, markup=False)


@eval_app.command("export-lmms-eval")
def export_command(
    out: Path = typer.Argument(..., help="folder to write the lmms-eval task into"),
    data: Path = typer.Option(..., help="synthetic suite folder (synrl generate --split test)"),
) -> None:
    """Write the synthetic suite as an lmms-eval task (YAML + utils.py); pass the folder to
    lmms-eval with --include_path."""
    from synrl.export.lmms_eval import export_task

    try:
        paths = export_task(data, out)
    except (FileNotFoundError, ValueError) as exc:
        _fail(str(exc))
    for path in paths:
        console.print(f"wrote {path}")


eval_app.command("suite")(suite_command)


def register(app: typer.Typer) -> None:
    """Add ``eval`` to the main synrl app."""
    app.add_typer(eval_app, name="eval")


def main() -> None:
    app = typer.Typer(add_completion=False, no_args_is_help=True)
    register(app)
    app()


if __name__ == "__main__":
    sys.exit(main())
