"""``python -m synrl.cot cot|sft-data ...``: the commands without the main ``synrl`` app."""

import typer

from synrl.cot.cli import register

app = typer.Typer(add_completion=False, no_args_is_help=True)
register(app)

if __name__ == "__main__":
    app()
