"""`synrl export ...`: a dataset folder in other formats (a Hugging Face dataset)."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from synrl.cliutil import console, fail

export_app = typer.Typer(add_completion=False, no_args_is_help=True,
                         help="Export a dataset to other formats.")


@export_app.command("hf")
def hf_command(
    folders: list[Path] = typer.Argument(..., help="dataset folder(s), e.g. one per split"),
    out: Path = typer.Option(..., help="the Hugging Face dataset folder to write"),
    license: str = typer.Option("apache-2.0", help="license id for the dataset card"),
    name: Optional[str] = typer.Option(None, help="pretty name (default: the folder name)"),
) -> None:
    """Write Parquet shards (train/val/test, videos embedded) and a dataset card that
    `datasets.load_dataset(OUT)` loads and `hf upload --repo-type dataset USER/NAME OUT .` pushes."""
    try:
        import datasets  # noqa: F401
        import pyarrow  # noqa: F401
    except ImportError as exc:
        fail(f"synrl export hf needs {exc.name}: pip install 'synrl[hf]'")
    from synrl.export.hf import ExportError, export_hf

    try:
        result = export_hf(folders, out, license=license, pretty_name=name)
    except ExportError as exc:
        fail(str(exc))
    splits = ", ".join(f"{split} {n}" for split, n in result.splits.items())
    console.print(f"{splits} -> {out} ({len(result.files) - 1} Parquet files and README.md)")


@export_app.command("verl")
def verl_command(
    folders: list[Path] = typer.Argument(..., help="dataset folder(s)"),
    out: Path = typer.Option(..., help="the parquet file to write (one per split: train.parquet, val.parquet)"),
    split: Optional[str] = typer.Option(None, help="only this split (train | val | test)"),
    nframes: Optional[int] = typer.Option(16, help="uniform frames per video (qwen-vl-utils nframes)"),
    fps: Optional[float] = typer.Option(None, help="sample at FPS instead (Video-R1: 2.0); sets --nframes off"),
    min_frames: int = typer.Option(4, help="with --fps"),
    max_frames: int = typer.Option(16, help="with --fps"),
    min_pixels: int = typer.Option(128 * 28 * 28, help="pixels per frame, lower bound"),
    max_pixels: int = typer.Option(128 * 28 * 28, help="pixels per frame, upper bound (>= min)"),
    max_prompt_length: int = typer.Option(8192, help="verl data.max_prompt_length: longer rows are an error"),
    processor: Optional[str] = typer.Option(None, help="model folder: exact prompt lengths (else an upper bound)"),
    relative_to: Optional[Path] = typer.Option(None, help="write video paths relative to this folder"),
    tgrpo: bool = typer.Option(False, help="add each row's shuffled-frame twin (T-GRPO)"),
    seed: int = typer.Option(0, help="seed of the T-GRPO frame permutations"),
) -> None:
    """One verl RL parquet row per sample (prompt with <video>, videos, reward_model, extra_info);
    every video decoded once, no row that verl's filters would drop."""
    from synrl.export.verl import VerlExportError, VerlVideoOptions, export_verl

    try:
        video = VerlVideoOptions(nframes=None if fps is not None else nframes, fps=fps, min_frames=min_frames,
                                 max_frames=max_frames, min_pixels=min_pixels, max_pixels=max_pixels)
        result = export_verl(folders, out, split=split, video=video, max_prompt_length=max_prompt_length,
                             processor=processor, relative_to=relative_to, tgrpo=tgrpo, seed=seed)
    except (VerlExportError, ImportError, OSError) as exc:
        fail(str(exc))
    console.print(f"{result.rows} rows ({result.samples} samples, longest prompt {result.max_prompt_tokens} "
                  f"tokens) -> {out}")


def register(app: typer.Typer) -> None:
    """Add ``export`` to the main synrl app."""
    app.add_typer(export_app, name="export")
