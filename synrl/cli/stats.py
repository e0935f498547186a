"""`synrl stats`: answer distributions and text-only shortcut baselines of a dataset."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Optional

import typer
from rich.table import Table

from synrl.cliutil import console, fail, split_list


def stats_command(
    folder: Optional[Path] = typer.Argument(None, help="dataset folder (or manifest file)"),
    threshold: float = typer.Option(3.0, help="points above chance a baseline may reach; "
                                              "more exits with code 1"),
    split_seed: int = typer.Option(0, help="seed of the two-fold split priors are learned on"),
    simulate: int = typer.Option(0, help="instead of FOLDER: build this many records per task "
                                         "without pixels (difficulties 1-5 in equal runs)"),
    tasks: Optional[str] = typer.Option(None, help="with --simulate: comma-separated task ids"),
    seed: int = typer.Option(0, help="with --simulate: base seed"),
    split: str = typer.Option("train", help="with --simulate: train | val | test"),
    question_types: str = typer.Option("mc,open", help="with --simulate: question types as for "
                                       "synrl generate (e.g. when, or mc,open,when)"),
    forms: bool = typer.Option(False, "--forms", help="also print one row per question form"),
    as_json: Optional[Path] = typer.Option(None, "--json", help="also write the tables as JSON"),
) -> None:
    """Per task and question form: answer, letter and value distributions and the accuracy
    of text-only baselines (priors on option text, numeric rank, letter; longest, shortest
    and most similar option; most frequent open answer) next to chance."""
    from synrl.dataset import DatasetError, read_manifest
    from synrl.stats import build_records, compute
    from synrl.suite import get_task, task_ids
    from synrl.suite.base import TaskError

    if (folder is None) == (simulate <= 0):
        fail("give a dataset FOLDER or --simulate N (not both)")
    if folder is not None:
        try:
            records = read_manifest(folder)
        except DatasetError as exc:
            fail(str(exc))
    else:
        ids = split_list(tasks) or task_ids()
        try:
            for task_id in ids:
                get_task(task_id)
            records = build_records(ids, simulate, split=split, seed=seed,
                                    question_types=split_list(question_types) or ["mc", "open"])
        except (TaskError, ValueError) as exc:
            fail(str(exc))
    if not records:
        fail("no records")
    stats = compute(records, threshold=threshold, split_seed=split_seed)
    _print(stats.rows, "per task (mc: all multiple-choice forms, open: all open forms)",
           threshold)
    if forms:
        _print(stats.form_rows, "per task and question form", threshold)
    if as_json is not None:
        as_json.write_text(json.dumps(stats.as_dict(), indent=1, sort_keys=True) + "\n",
                           encoding="utf-8")
    if stats.failures:
        names = ", ".join(f"{r.task}/{r.form} ({r.best.name} {r.best.accuracy:.1f}%, chance "
                          f"{r.chance:.1f})"
                          for r in stats.failures)
        console.print(f"[bold red]{len(stats.failures)} over chance + {threshold:g}:[/] {names}")
        raise typer.Exit(1)
    console.print(f"every baseline within chance + {threshold:g} points")


def _print(rows, title: str, threshold: float) -> None:
    table = Table(title=title)
    for column in ("task", "form", "needs", "n", "chance", "best baseline", "best", "+pts",
                   "letters", "top answers"):
        table.add_column(column, no_wrap=column in ("task", "form"))
    for row in rows:
        best = row.best
        excess = best.accuracy - row.chance
        mark = "bold red" if excess > threshold else ""
        letters = " ".join(f"{k}{100 * v / max(1, sum(row.letters.values())):.0f}"
                           for k, v in sorted(row.letters.items()))
        total = sum(row.answers.values()) or 1
        answers = " ".join(f"{a[:12]}:{100 * c / total:.0f}" for a, c in row.answers.most_common(4))
        if row.form.split("/")[-1] in ("interval", "box"):
            answers = "-"  # every answer is its own: a distribution says nothing
        table.add_row(row.task, row.form, row.frame_need or "-", str(row.n), f"{row.chance:.1f}", best.name,
                      f"{best.accuracy:.1f}", f"[{mark}]{excess:+.1f}[/]" if mark else f"{excess:+.1f}",
                      letters, answers)
    console.print(table)


def register(app: typer.Typer) -> None:
    """Add ``stats`` to the main synrl app."""
    app.command("stats")(stats_command)
