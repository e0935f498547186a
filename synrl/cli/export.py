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


def register(app: typer.Typer) -> None:
    """Add ``export`` to the main synrl app."""
    app.add_typer(export_app, name="export")
