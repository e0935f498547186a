"""``synrl eval suite SUITE``: the paper's benchmarks in one command (see :mod:`synrl.eval.suite`)."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from synrl.cliutil import console, fail as _fail


def suite_command(
    suite: str = typer.Argument("paper", help="suite name (paper)"),
    model: str = typer.Option(..., help="local model folder / hub id, or an OpenAI-compatible server URL"),
    out: Path = typer.Option(..., help="output folder (suite.json, table.md, metrics.json, one folder per benchmark)"),
    data_root: Path = typer.Option(Path("benchmarks"), help="folder holding one sub-folder per benchmark"),
    benchmarks: list[str] = typer.Option([], "--benchmark", "-b", help="only these (repeatable; default: all)"),
    served_model: str = typer.Option("model", help="model name on the server (URL models)"),
    device: str = typer.Option("auto", help="auto | cpu | cuda[:N]"),
    dtype: str = typer.Option("auto", help="auto | float32 | bfloat16 | float16"),
    batch_size: int = typer.Option(1, help="questions per batch"),
    max_new_tokens: int = typer.Option(1024, help="generation limit (replaces lmms-eval tasks' short limits)"),
    temperature: float = typer.Option(0.0),
    num_frames: Optional[int] = typer.Option(None, help="override every benchmark's frame count"),
    max_pixels: Optional[int] = typer.Option(None, help="override every benchmark's pixel budget per frame"),
    limit: int = typer.Option(0, help="only N questions per benchmark (0: all)"),
    lmms_python: Optional[str] = typer.Option(None, envvar="SYNRL_LMMS_PYTHON",
                                              help="python of the lmms-eval venv (lmms route)"),
    lmms_base: Optional[str] = typer.Option(None, help="lmms-eval model wrapped by synrl's (default: qwen2_vl, "
                                            "qwen2_5_vl or qwen3_vl from the model's config; openai for a URL)"),
    lmms_model_args: str = typer.Option("", help="extra lmms-eval model args, k=v,k=v"),
) -> None:
    """Run the paper's benchmarks (lmms-eval's tasks where they exist, synrl's loaders elsewhere) into one
    table in the paper's layout, beside the paper's reference rows."""
    from synrl.eval.suite import SuiteOptions, TABLE_MD, run_suite, select

    try:
        select(suite, benchmarks or None)
    except ValueError as exc:
        _fail(str(exc))
    options = SuiteOptions(model=model, served_model=served_model, device=device, dtype=dtype, batch_size=batch_size,
                           max_new_tokens=max_new_tokens, temperature=temperature, num_frames=num_frames,
                           max_pixels=max_pixels, limit=limit, lmms_python=lmms_python, lmms_base=lmms_base,
                           lmms_model_args=lmms_model_args)
    result = run_suite(suite, out, data_root, options, benchmarks or None,
                       on_event=lambda title, status: console.print(f"{title}: {status}", highlight=False,
                                                                    markup=False))
    console.print((out / TABLE_MD).read_text(), highlight=False, markup=False, soft_wrap=True)
    failed = [e["title"] for e in result["benchmarks"] if e["status"] == "failed"]
    missing = [e["title"] for e in result["benchmarks"] if e["status"] == "missing"]
    ran = len(result["benchmarks"]) - len(failed) - len(missing)
    console.print(f"{ran} ran, {len(missing)} missing, {len(failed)} failed -> {out}")
    if not ran:
        _fail(f"no benchmark ran: is --data-root {data_root} the folder holding them? (see `synrl eval benchmarks`)")
