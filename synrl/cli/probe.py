"""`synrl probe`: does each question form need the order of the frames?"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Optional

import typer

from synrl.cliutil import console, fail, split_list


def probe_command(
    tasks: str = typer.Option(..., help="comma-separated task ids"),
    per_task: int = typer.Option(400, help="training clips per task"),
    test_per_task: int = typer.Option(200, help="test clips per task"),
    size: int = typer.Option(64, help="frame width and height in pixels"),
    frames: int = typer.Option(16, help="frames sampled per clip (evenly spaced)"),
    seed: int = typer.Option(0, help="base seed of the generated sets and of training"),
    epochs: int = typer.Option(25, help="training epochs per model"),
    difficulties: str = typer.Option("1,2,3,4,5", help="difficulties, in equal runs"),
    forms: Optional[str] = typer.Option(None, help="comma-separated templates to probe "
                                                   "(default: every multiple-choice form)"),
    threads: int = typer.Option(1, help="torch threads"),
    out: Path = typer.Option(Path("synrl-probe"), help="folder for probe.json, .md and .png"),
) -> None:
    """Train a small video classifier per task on generated clips under three conditions
    (ordered frames, the same frames shuffled, the middle frame), score it per question
    form next to chance and the text-only baselines, test the ordered model on reversed
    frames, and check each form's declared frame need."""
    from synrl.probe import ProbeConfig, run_probe
    from synrl.probe.model import ModelConfig
    from synrl.suite import get_task
    from synrl.suite.base import TaskError

    try:
        ids = split_list(tasks)
        for task_id in ids:
            get_task(task_id)
        config = ProbeConfig(tuple(ids), per_task=per_task, test_per_task=test_per_task,
                             size=size, frames=frames, seed=seed,
                             difficulties=tuple(int(d) for d in split_list(difficulties)),
                             forms=tuple(split_list(forms)) if forms else None,
                             threads=threads, model=ModelConfig(epochs=epochs))
        started = time.perf_counter()
        report = run_probe(config, log=lambda line: console.print(line))
    except (TaskError, ValueError) as exc:
        fail(str(exc))
    report.timing = {"wall_s": round(time.perf_counter() - started, 1)}
    paths = report.write(out)
    console.print(report.markdown())
    console.print(f"written: {', '.join(str(p) for p in paths.values())}")


def register(app: typer.Typer) -> None:
    """Add ``probe`` to the main synrl app."""
    app.command("probe")(probe_command)
