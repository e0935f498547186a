"""The ``synrl cot`` and ``synrl sft-data`` commands; :func:`register` adds them to an app."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Optional

import typer
from pydantic import ValidationError

from synrl.cliutil import console, errors
from synrl.cliutil import fail as _fail
from synrl.cliutil import split_list as _split
from synrl.cliutil import validation_message as _validation_message
from rich.table import Table

def _load_config_file(path: Path) -> dict[str, Any]:
    import yaml

    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))  # YAML is a superset of JSON
    except (OSError, yaml.YAMLError) as exc:
        _fail(f"cannot read {path}: {exc}")
    if not isinstance(data, dict):
        _fail(f"{path} must hold a mapping (see docs/cot.md for the keys)")
    return data


def _role(data: dict[str, Any], name: str, url: str | None, model: str | None, api_key_env: str | None,
          timeout: float | None, fallback_url: str | None) -> None:
    """Merge command-line settings of one role into the config mapping."""
    if not any(v is not None for v in (url, model)) and name not in data:
        return
    role = dict(data.get(name) or {})
    if model is not None:
        role["model"] = model
    if url is not None:
        role["base_url"] = url
    elif "base_url" not in role and fallback_url is not None:
        role["base_url"] = fallback_url
    if api_key_env is not None:
        role["api_key_env"] = api_key_env or None
    if timeout is not None:
        role["timeout_s"] = timeout
    data[name] = role


def _print_grounded(summary: Any) -> None:
    table = Table("task", "chains")
    for task, count in sorted(summary.by_task.items()):
        table.add_row(task, str(count))
    console.print(table)
    console.print(f"{summary.passed} of {summary.written} grounded chains pass the checker -> {summary.path}")


def _print_model(summary: dict[str, Any]) -> None:
    table = Table("", "count")
    table.add_row("samples", str(summary["samples"]))
    for round_no, count in summary["passed_by_round"].items():
        table.add_row(f"passed in round {round_no}", str(count))
    table.add_row("dropped", str(summary["dropped"]))
    for reason, count in sorted(summary["dropped_reasons"].items()):
        table.add_row(f"  dropped: {reason}", str(count))
    table.add_row("polished", str(summary["polished"]))
    for reason, count in sorted(summary["polish_rejected"].items()):
        table.add_row(f"  polish kept out: {reason}", str(count))
    table.add_row("malformed judge replies", str(summary["judge_malformed"]))
    table.add_row("unfinished (errors)", str(summary["unfinished"]))
    run = summary["this_run"]
    table.add_row("requests this run", str(run["requests"]))
    table.add_row("retries this run", str(run["retries"]))
    table.add_row("cache hits this run", str(run["cache_hits"]))
    for role, tokens in sorted(run["tokens"].items()):
        table.add_row(f"tokens this run: {role}", f"{tokens['prompt']} in / {tokens['completion']} out")
    console.print(table)


def cot_command(
    folder: Path = typer.Argument(..., help="dataset folder"),
    out: Optional[Path] = typer.Option(None, help="output JSONL (default FOLDER/cot.jsonl, or "
                                                  "FOLDER/cot_model.jsonl with a model)"),
    tasks: Optional[str] = typer.Option(None, help="only these task ids (comma-separated)"),
    config: Optional[Path] = typer.Option(None, help="model-path settings, YAML or JSON (docs/cot.md)"),
    generator_url: Optional[str] = typer.Option(None, help="generator VLM endpoint, e.g. http://host:8000/v1"),
    generator_model: Optional[str] = typer.Option(None, help="generator VLM model name (enables the model path)"),
    judge_url: Optional[str] = typer.Option(None, help="judge LLM endpoint (default: the generator's)"),
    judge_model: Optional[str] = typer.Option(None, help="judge LLM model (default: the generator model)"),
    polisher_url: Optional[str] = typer.Option(None, help="polisher endpoint (default: the judge's)"),
    polisher_model: Optional[str] = typer.Option(None, help="polisher model (default: the judge model)"),
    api_key_env: Optional[str] = typer.Option(None, help="environment variable with the API key "
                                                         "(default OPENAI_API_KEY; '' for none)"),
    polish: Optional[bool] = typer.Option(None, "--polish/--no-polish", help="polish verified chains"),
    concurrency: Optional[int] = typer.Option(None, help="requests in flight (default 8)"),
    timeout: Optional[float] = typer.Option(None, help="seconds per request (default 180)"),
    max_retries: Optional[int] = typer.Option(None, help="retries on 429/5xx/timeouts (default 5)"),
    backoff: Optional[float] = typer.Option(None, help="first retry backoff in seconds (default 1)"),
    max_rounds: Optional[int] = typer.Option(None, help="generation rounds before dropping (default 5)"),
    frames: Optional[int] = typer.Option(None, help="frames sent to the generator (default 16)"),
    media: Optional[str] = typer.Option(None, help="frames | video (vLLM video_url)"),
    video_url: Optional[str] = typer.Option(None, help="with --media video: data (base64) | file (file:// URL)"),
    limit: Optional[int] = typer.Option(None, help="only the first N samples"),
    cache: Optional[Path] = typer.Option(None, help="response cache (default FOLDER/.cot_cache.sqlite)"),
) -> None:
    """Write chain-of-thought for every sample: grounded (no model) by default, or with models.

    Without a model this writes FOLDER/cot.jsonl from each record's timeline, states and
    tracks, and fails on any task without a grounded writer. With --generator-model (or
    --config) it runs generate / verify / reflect / polish over OpenAI-compatible
    endpoints, resumably, into FOLDER/cot_model.jsonl plus a .summary.json.
    """
    from synrl.dataset import DatasetError

    model_path = config is not None or generator_model is not None
    if not model_path:
        from synrl.cot.dataset import write_grounded_cot
        from synrl.cot.grounded import MissingWriterError

        try:
            summary = write_grounded_cot(folder, out=out, tasks=_split(tasks))
        except (DatasetError, MissingWriterError) as exc:
            _fail(str(exc))
        _print_grounded(summary)
        if summary.failed:
            for sample, problems in list(summary.failed.items())[:20]:
                errors.print(f"{sample}: {'; '.join(problems)}", highlight=False)
            _fail(f"{len(summary.failed)} grounded chains fail the checker (a writer bug)", 1)
        return

    from synrl.llm import FatalEndpointError
    from synrl.cot.loop import LoopConfig, run_model_cot

    data = _load_config_file(config) if config else {}
    _role(data, "generator", generator_url, generator_model, api_key_env, timeout, None)
    base = (data.get("generator") or {}).get("base_url")
    _role(data, "judge", judge_url, judge_model, api_key_env, timeout, base)
    judge_base = (data.get("judge") or {}).get("base_url", base)
    _role(data, "polisher", polisher_url, polisher_model, api_key_env, timeout, judge_base)
    retry = dict(data.get("retry") or {})
    if max_retries is not None:
        retry["max_retries"] = max_retries
    if backoff is not None:
        retry["backoff_base_s"] = backoff
    if retry:
        data["retry"] = retry
    for key, value in (("polish", polish), ("concurrency", concurrency), ("max_rounds", max_rounds),
                       ("frames", frames), ("media", media), ("video_url", video_url), ("limit", limit),
                       ("tasks", _split(tasks))):
        if value is not None:
            data[key] = value
    try:
        loop_config = LoopConfig.model_validate(data)
    except ValidationError as exc:
        _fail(_validation_message(exc))

    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    try:
        with Progress(TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(),
                      TimeRemainingColumn(), console=console) as progress:
            bar = progress.add_task("cot", total=None)
            summary = run_model_cot(folder, loop_config, out=out, cache_path=cache,
                                    on_progress=lambda done, total: progress.update(bar, completed=done, total=total))
    except DatasetError as exc:
        _fail(str(exc))
    except FatalEndpointError as exc:
        _fail(f"the endpoint refuses requests, stopping: {exc}")
    except KeyboardInterrupt:
        _fail("interrupted; rerun the same command to resume", 130)
    _print_model(summary)
    console.print(f"{summary['passed']} passed, {summary['dropped']} dropped -> {summary['output']}")
    if summary["unfinished"]:
        _fail(f"{summary['unfinished']} samples unfinished ({json.dumps(summary['errors'])}); "
              "rerun the same command to retry them", 1)


def sft_data_command(
    folder: Path = typer.Argument(..., help="dataset folder"),
    out: Optional[Path] = typer.Option(None, help="TRL conversational JSONL (default FOLDER/sft.jsonl)"),
    cot: list[Path] = typer.Option([], "--cot", help="CoT file(s), first wins per id (default: "
                                                     "FOLDER/cot_model.jsonl then FOLDER/cot.jsonl)"),
    general: Optional[Path] = typer.Option(None, help="general video QA, LLaVA-Video style JSON/JSONL"),
    general_ratio: float = typer.Option(0.15, help="share of general QA in the mixture"),
    general_video_root: Optional[Path] = typer.Option(None, help="folder the general QA video paths are "
                                                                 "relative to (default: the file's folder)"),
    general_target: str = typer.Option("plain", help="plain | answer_tag (wrap in <answer></answer>)"),
    video_r1: Optional[Path] = typer.Option(None, "--video-r1", help="also write the Video-R1 SFT JSON here"),
    video_r1_data: Optional[Path] = typer.Option(None, "--video-r1-data", help="the folder Video-R1 reads as "
                                                 "./Video-R1-data (default: the --video-r1 file's folder)"),
    paths: str = typer.Option("absolute", help="absolute | relative (to each output file's folder)"),
    system: bool = typer.Option(True, "--system/--no-system", help="include the system prompt"),
    check_videos: bool = typer.Option(True, "--check-videos/--no-check-videos", help="fail on missing videos"),
    seed: int = typer.Option(0, help="seed of the general-QA draw and the shuffle"),
) -> None:
    """Build the SFT mixture: synthetic samples with CoT targets plus answer-only general QA."""
    from synrl.export.sft import SFTConfig, SFTError, build_sft
    from synrl.dataset import DatasetError

    try:
        config = SFTConfig(folder=folder, out=out or folder / "sft.jsonl", cot=cot or None, general=general,
                           general_ratio=general_ratio, general_video_root=general_video_root,
                           general_target=general_target, video_r1_out=video_r1, video_r1_data=video_r1_data,
                           paths=paths,
                           system_prompt=system, check_videos=check_videos, seed=seed)
        result = build_sft(config)
    except ValidationError as exc:
        _fail(_validation_message(exc))
    except (SFTError, DatasetError, OSError) as exc:
        _fail(str(exc))
    sources = ", ".join(f"{n} {s}" for s, n in sorted(result.cot_sources.items()))
    console.print(f"{result.synthetic} synthetic ({sources}) + {result.general} general "
                  f"({result.ratio:.1%}) -> {result.out}")
    if result.video_r1_out:
        console.print(f"Video-R1 JSON -> {result.video_r1_out}")
    if result.without_cot:
        errors.print(f"note: {result.without_cot} samples have no passed CoT and are left out", highlight=False)


def register(app: typer.Typer) -> None:
    """Add ``cot`` and ``sft-data`` to ``app``."""
    app.command("cot")(cot_command)
    app.command("sft-data")(sft_data_command)
