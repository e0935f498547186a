"""The `synrl` command."""

from __future__ import annotations

import importlib
import os
import sys
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any, Optional

import typer
from pydantic import ValidationError
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

from synrl import __version__
from synrl.cliutil import console, errors, fail as _fail, key_values, split_list as _split_list
from synrl.cliutil import validation_message as _pydantic_message

app = typer.Typer(add_completion=False, no_args_is_help=True,
                  help="Synthetic videos, grounded CoT and verifiable rewards for temporal "
                       "reasoning in video VLMs.")


class UserError(Exception):
    """An error the user can fix; printed as one line, never as a traceback."""


def _progress() -> Progress:
    return Progress(TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(),
                    TimeRemainingColumn(), console=console, transient=False,
                    disable=not console.is_terminal and False)


@app.callback()
def _root(task_path: list[Path] = typer.Option(
        [], "--task-path", help="folder of your own task folders (repeatable; adds to "
                                "SYNRL_TASK_PATH, see docs/adding-a-task.md)")) -> None:
    """Synthetic videos, grounded CoT and verifiable rewards for temporal reasoning."""
    from synrl.suite.registry import TASK_PATH_ENV

    missing = [str(p) for p in task_path if not p.is_dir()]
    if missing:
        _fail(f"--task-path {missing[0]} is not a folder")
    from_env = [p for p in os.environ.get(TASK_PATH_ENV, "").split(os.pathsep) if p.strip()]
    missing = [p for p in from_env if not Path(p).expanduser().is_dir()]
    if missing:
        _fail(f"{TASK_PATH_ENV}: {missing[0]} is not a folder")
    if task_path:
        # Through the environment so that worker processes discover the same tasks.
        known = [p for p in os.environ.get(TASK_PATH_ENV, "").split(os.pathsep) if p]
        os.environ[TASK_PATH_ENV] = os.pathsep.join(known + [str(p.resolve()) for p in task_path])


@app.command("tasks")
def tasks_command() -> None:
    """List the registered tasks."""
    from synrl.suite import get_task, task_ids

    table = Table()
    table.add_column("task", no_wrap=True)  # ids are what users copy: never cut them
    for column in ("family", "primitive", "templates", "description"):
        table.add_column(column)
    for task_id in task_ids():
        task = get_task(task_id)
        table.add_row(task.id, task.family, task.primitive,
                      ", ".join(t.name for t in task.templates), task.description)
    console.print(table)


@app.command("generate")
def generate_command(
    tasks: Optional[str] = typer.Option(None, help="comma-separated task ids (default: all)"),
    per_task: int = typer.Option(8, help="samples per task"),
    seed: int = typer.Option(0, help="base seed"),
    split: str = typer.Option("train", help="train | val | test (disjoint seed ranges)"),
    difficulty: int = typer.Option(1, help="1 (easiest) .. 5"),
    workers: int = typer.Option(1, help="processes"),
    out: Path = typer.Option(Path("synrl-data"), help="dataset folder"),
    question_types: str = typer.Option(
        "mc,open", help="forms, each optionally NAME:WEIGHT: mc, open, when (interval "
        "answer), when_mc (interval options), track (an object's boxes at stated times); "
        "e.g. when, or mc,open,when:2"),
    width: int = typer.Option(448), height: int = typer.Option(448), fps: int = typer.Option(30),
    background: str = typer.Option("white", help="name, #rrggbb or r,g,b"),
    crf: int = typer.Option(18, help="x264 CRF"),
    preset: str = typer.Option("veryfast", help="x264 preset"),
    duration_scale: float = typer.Option(1.0, help="slow motion: multiply every duration, "
                                         "each operation's and event's included (not the "
                                         "curriculum: see --round)"),
    round: int = typer.Option(1, "--round", help="curriculum round: 2 doubles the duration "
                              "and the number of operations at the same pace (long-term "
                              "tasks)"),
    previews: int = typer.Option(1, help="contact sheets per task written to OUT/previews"),
    cot: bool = typer.Option(True, help="write grounded chain-of-thought to OUT/cot.jsonl"),
    option: list[str] = typer.Option([], "--option", help="task option NAME=VALUE (repeatable)"),
    shard: Optional[str] = typer.Option(None, help="I/N: write only shard I of N (0-based) into a "
                                        "shared OUT; a final run without --shard assembles it"),
    ray: Optional[str] = typer.Option(None, help="run the samples as Ray tasks on the cluster at "
                                      "ADDRESS ('auto', host:port, or 'local' to start one)"),
) -> None:
    """Generate (or resume) a dataset: MP4s, manifest.jsonl and dataset.json."""
    from synrl.config import GenerateConfig, VideoOptions
    from synrl.dataset import DatasetError
    from synrl.generate import generate, parse_shard
    from synrl.suite import task_ids
    from synrl.suite.base import TaskError

    task_options = key_values(option)
    try:
        config = GenerateConfig(
            tasks=_split_list(tasks) or task_ids(), per_task=per_task, seed=seed, split=split,
            difficulty=difficulty, workers=workers, out=out,
            question_types=_split_list(question_types) or [], task_options=task_options,
            round=round,
            video=VideoOptions(width=width, height=height, fps=fps, background=background,
                               crf=crf, preset=preset, duration_scale=duration_scale))
    except ValidationError as exc:
        _fail(_pydantic_message(exc))
    except TaskError as exc:
        _fail(str(exc))
    try:
        shard_spec = parse_shard(shard) if shard is not None else None
        with _progress() as progress:
            bar = progress.add_task("generating" if shard is None else f"shard {shard}", total=None)

            def on_progress(done: int, total: int) -> None:
                progress.update(bar, completed=done, total=total)

            result = generate(config, on_progress, shard=shard_spec, ray=ray)
    except DatasetError as exc:
        _fail(str(exc))
    except KeyboardInterrupt:
        _fail(f"interrupted; rerun the same command to complete {out}", 130)
    console.print(f"{result.written} written, {result.skipped} already there, "
                  f"{len(result.failed)} failed -> {out} ({result.total} samples)")
    if result.failed:
        for sample, error in list(result.failed.items())[:10]:
            errors.print(f"  {sample}: {error}", highlight=False)
        _fail(f"{len(result.failed)} samples failed; rerun the same command to retry them", 1)
    if shard_spec is not None:
        console.print(f"shard {shard} done; when every shard is, run the same command without "
                      "--shard to write the manifest")
        return
    if cot:
        _write_cot(out)
    if previews > 0:
        _write_previews(out, previews)


def _write_cot(folder: Path) -> None:
    from synrl.cot import write_grounded_cot

    # Not strict: a task without a CoT writer must not fail a run whose videos are written;
    # `synrl cot` itself is strict and names the task.
    summary = write_grounded_cot(folder, strict=False)
    console.print(f"{summary.passed} of {summary.written} chains of thought pass the checker "
                  f"-> {summary.path}")
    if summary.missing_writers:
        errors.print(f"warning: no CoT writer for {', '.join(summary.missing_writers)}",
                     highlight=False)
    if summary.failed:
        _fail(f"{len(summary.failed)} chains of thought failed the checker", 1)


def _write_previews(folder: Path, per_task: int) -> None:
    from synrl.preview import write_preview
    from synrl.dataset import load_dataset, preview_path

    seen: dict[str, int] = {}
    for record in load_dataset(folder):
        if seen.get(record["task"], 0) < per_task:
            seen[record["task"]] = seen.get(record["task"], 0) + 1
            write_preview(record, folder, preview_path(folder, record["id"]))
    console.print(f"{sum(seen.values())} previews -> {folder / 'previews'}")


@app.command("validate")
def validate_command(folder: Path = typer.Argument(..., help="dataset folder"),
                     no_decode: bool = typer.Option(False, help="skip decoding the videos")) -> None:
    """Check records against their videos; exit 1 on any failure."""
    from synrl.dataset import DatasetError
    from synrl.validate import validate

    try:
        report = validate(folder, decode=not no_decode)
    except DatasetError as exc:
        _fail(str(exc))
    table = Table("task", "checked", "failed")
    for task, count in sorted(report.checked.items()):
        failed = sum(1 for sid in report.failures if sid.startswith(task + "-"))
        table.add_row(task, str(count), str(failed))
    console.print(table)
    for problem in report.dataset_errors:
        errors.print(f"dataset: {problem}", highlight=False)
    for sample, problems in list(report.failures.items())[:50]:
        for problem in problems:
            errors.print(f"{sample}: {problem}", highlight=False)
    total = sum(report.checked.values())
    if not report.ok:
        _fail(f"{len(report.failures)} of {total} samples failed validation", 1)
    console.print(f"all {total} samples valid")


def _audit_one(args: tuple[dict[str, Any], str, dict[str, Any] | None]):
    from synrl.audit import audit_reversed, audit_sample

    record, folder, identity = args
    if identity is not None:
        return audit_reversed(record, identity)
    return audit_sample(record, Path(folder))


@app.command("audit")
def audit_command(
    folder: Path = typer.Argument(..., help="dataset folder"),
    tasks: Optional[str] = typer.Option(None, help="only these task ids"),
    limit: int = typer.Option(0, help="at most this many samples per task (0: all)"),
    workers: int = typer.Option(1, help="processes"),
    report: Optional[Path] = typer.Option(None, help="write the full report as JSON here"),
    reverse: bool = typer.Option(False, help="render each clip backwards from its simulation "
                                             "and check the task's declared reversed answer"),
) -> None:
    """Re-derive every answer from the decoded pixels and compare with the records."""
    from synrl.audit import AuditSummary
    from synrl.dataset import DatasetError, load_dataset, read_dataset_json

    try:
        records = load_dataset(folder)
    except DatasetError as exc:
        _fail(str(exc))
    identity = None
    if reverse:
        try:
            identity = (read_dataset_json(folder) or {})["identity"]
        except (DatasetError, KeyError) as exc:
            _fail(f"--reverse needs the dataset's dataset.json with its identity: {exc}")
    wanted = set(_split_list(tasks) or [])
    per_task: dict[str, int] = {}
    selected = []
    for record in records:
        if wanted and record["task"] not in wanted:
            continue
        per_task[record["task"]] = per_task.get(record["task"], 0) + 1
        if not limit or per_task[record["task"]] <= limit:
            selected.append(record)
    results = []
    with _progress() as progress:
        bar = progress.add_task("auditing", total=len(selected))
        jobs = [(r, str(folder), identity) for r in selected]
        if workers > 1:
            with ProcessPoolExecutor(max_workers=workers) as pool:
                for result in pool.map(_audit_one, jobs, chunksize=2):
                    results.append(result)
                    progress.advance(bar)
        else:
            for job in jobs:
                results.append(_audit_one(job))
                progress.advance(bar)
    summary = AuditSummary(results)
    table = Table()
    table.add_column("task", no_wrap=True)
    for column in ("checked", "mismatches", "errors", "unaudited", "operations",
                   "hidden ops", "mean px", "max px", "box IoU"):
        table.add_column(column, justify="right")
    for task, row in sorted(summary.by_task().items()):
        table.add_row(task, str(row["checked"]), str(row["mismatches"]), str(row["errors"]),
                      str(row["unaudited"]), str(row["operations"] or "-"),
                      str(row["hidden_operations"]) if row["operations"] else "-",
                      f"{row['mean_px']:.3f}", f"{row['max_px']:.3f}",
                      f"{row['mean_box_iou']:.3f}" if "mean_box_iou" in row else "-")
    console.print(table)
    for sample in results:
        if sample.status != "ok":
            errors.print(f"{sample.id}: {sample.status}: {sample.message}", highlight=False)
    if report:
        report.write_text(summary.to_json())
    if not summary.ok:
        bad = sum(s.status != "ok" for s in results)
        _fail(f"{bad} of {len(results)} samples failed the audit", 1)
    what = "their time-reversed pixels" if reverse else "their pixels"
    console.print(f"all {len(results)} samples agree with {what}")


@app.command("preview")
def preview_command(
    target: Path = typer.Argument(..., help="dataset folder (with --id) or a sample's .mp4"),
    id: Optional[str] = typer.Option(None, "--id", help="sample id"),
    out: Optional[Path] = typer.Option(None, help="PNG path (default: <folder>/previews/<id>.png)"),
    frames: int = typer.Option(8, help="frames on the sheet"),
) -> None:
    """Write a contact sheet (frames with timestamps, question, options, answer)."""
    from synrl.dataset import DatasetError
    from synrl.preview import write_preview
    from synrl.render.video import VideoError
    from synrl.dataset import load_dataset, preview_path

    if target.suffix == ".mp4":
        folder, id = target.parent.parent, id or target.stem
    else:
        folder = target
    if not id:
        _fail("give --id ID, or the path of a sample's .mp4")
    try:
        matches = [r for r in load_dataset(folder) if r["id"] == id]
        if not matches:
            raise UserError(f"no sample {id!r} in {folder}")
        path = write_preview(matches[0], folder, out or preview_path(folder, id), frames)
    except (DatasetError, UserError, VideoError) as exc:
        _fail(str(exc))
    console.print(f"preview -> {path}")


@app.command("browse")
def browse_command(
    folder: Path = typer.Argument(..., help="dataset folder"),
    out: Optional[Path] = typer.Option(None, help="site folder (default: FOLDER/site)"),
    audit: Optional[Path] = typer.Option(None, help="`synrl audit --report` file "
                                                    "(default: FOLDER/audit.json if present)"),
    page_size: int = typer.Option(60, help="samples per page of the index"),
    serve: bool = typer.Option(False, help="then serve it on localhost until Ctrl-C"),
    port: int = typer.Option(8765, help="port for --serve"),
) -> None:
    """Write a static HTML site to watch the samples with their questions, answers, timelines."""
    from synrl.browse import BrowseError, build_site, make_server

    try:
        result = build_site(folder, out, audit, page_size)
    except BrowseError as exc:
        _fail(str(exc))
    console.print(f"{result.samples} sample pages, {result.thumbs_written} new thumbnails -> {result.index}",
                  soft_wrap=True, highlight=False)
    if serve:
        # Serve the folder holding both the site and the videos it links to.
        root = Path(os.path.commonpath([result.index.parent, folder.resolve()]))
        try:
            server = make_server(root, port=port)
        except OSError as exc:
            _fail(f"cannot serve on port {port}: {exc.strerror or exc}")
        url = f"http://127.0.0.1:{server.server_address[1]}/{result.index.relative_to(root).as_posix()}"
        console.print(f"serving {root} at {url} (Ctrl-C stops)", soft_wrap=True, highlight=False)
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            pass
        finally:
            server.server_close()


@app.command("version")
def version_command() -> None:
    """Print the version."""
    console.print(__version__)


# Subcommand groups, one module each in this package; each exposes register(app).
for _module in ("synrl.cli.cot", "synrl.cli.train", "synrl.cli.eval", "synrl.cli.export",
                "synrl.cli.stats", "synrl.cli.probe"):
    importlib.import_module(_module).register(app)


def main() -> None:
    app()


if __name__ == "__main__":
    sys.exit(main())
