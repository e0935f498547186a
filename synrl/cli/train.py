"""``synrl train sft`` / ``synrl train grpo``: the training commands.

``register(app)`` adds the ``train`` sub-app to the main CLI; ``python -m synrl.cli.train``
runs the same commands standalone. Options: ``--config`` (YAML, e.g. ``configs/sft_synrl.yaml``),
``--set key.path=value`` (repeatable, YAML values) and a few shortcuts for common fields;
``--show-config`` prints the resolved config, ``--help-config`` every field with its help.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Optional

import typer

ConfigOpt = Annotated[Optional[Path], typer.Option("--config", "-c", help="YAML config (see configs/).")]
SetOpt = Annotated[Optional[list[str]], typer.Option(
    "--set", "-s", help="Override a field: key.path=value (YAML value), e.g. train.learning_rate=1e-5.")]
ModelOpt = Annotated[Optional[str], typer.Option("--model", help="Hub id or local folder (model.name_or_path).")]
DataOpt = Annotated[Optional[str], typer.Option("--data", help="Training data (see --help-config).")]
OutOpt = Annotated[Optional[str], typer.Option("--output-dir", "-o", help="train.output_dir")]
StepsOpt = Annotated[Optional[int], typer.Option("--max-steps", help="train.max_steps")]
ResumeOpt = Annotated[Optional[str], typer.Option(
    "--resume", help="train.resume_from_checkpoint: a checkpoint folder or 'last'.")]
ShowOpt = Annotated[bool, typer.Option("--show-config", help="Print the resolved config and exit.")]
HelpCfgOpt = Annotated[bool, typer.Option("--help-config", help="List every config field with its help and exit.")]


def _resolve(cls, config, overrides, show, help_config, **direct):
    from synrl.train.config import config_help, load_config

    if help_config:
        typer.echo("\n".join(config_help(cls)))
        raise typer.Exit(0)
    try:
        cfg = load_config(cls, config, overrides or [], **direct)
    except (ValueError, OSError) as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from exc
    if show:
        import yaml

        typer.echo(yaml.safe_dump(cfg.model_dump(mode="json"), sort_keys=False))
        raise typer.Exit(0)
    return cfg


def _report(summary: dict) -> None:
    short = {k: v for k, v in summary.items() if k != "log_history"}
    typer.echo(json.dumps(short, indent=2, default=str))
    if summary.get("bad_videos"):
        typer.echo(f"warning: {summary['bad_videos']} unreadable videos were dropped "
                   f"(see bad_video_paths)", err=True)


def register(app: typer.Typer) -> None:
    """Add the ``train`` sub-app (``sft``, ``grpo``) to ``app``."""
    train_app = typer.Typer(help="Fine-tune a video VLM: SFT on CoT data, then GRPO / T-GRPO.",
                            no_args_is_help=True)

    @train_app.command("sft")
    def sft(config: ConfigOpt = None, overrides: SetOpt = None, model: ModelOpt = None, data: DataOpt = None,
            output_dir: OutOpt = None, max_steps: StepsOpt = None, resume: ResumeOpt = None,
            show_config: ShowOpt = False, help_config: HelpCfgOpt = False) -> None:
        """Supervised fine-tuning on `synrl sft-data` conversations (assistant tokens only)."""
        from synrl.train.config import SFTRunConfig

        cfg = _resolve(SFTRunConfig, config, overrides, show_config, help_config, **{
            "model.name_or_path": model, "data": data, "train.output_dir": output_dir,
            "train.max_steps": max_steps, "train.resume_from_checkpoint": resume})
        from synrl.train.sft import run_sft

        _report(run_sft(cfg))

    @train_app.command("grpo")
    def grpo(config: ConfigOpt = None, overrides: SetOpt = None, model: ModelOpt = None, data: DataOpt = None,
             output_dir: OutOpt = None, max_steps: StepsOpt = None, resume: ResumeOpt = None,
             tgrpo: Annotated[Optional[bool], typer.Option(
                 "--tgrpo/--no-tgrpo", help="grpo.tgrpo.enabled (Video-R1 T-GRPO).")] = None,
             show_config: ShowOpt = False, help_config: HelpCfgOpt = False) -> None:
        """GRPO (or T-GRPO) with verifiable rewards on a generated dataset."""
        from synrl.train.config import GRPORunConfig

        cfg = _resolve(GRPORunConfig, config, overrides, show_config, help_config, **{
            "model.name_or_path": model, "data": data, "train.output_dir": output_dir,
            "train.max_steps": max_steps, "train.resume_from_checkpoint": resume,
            "grpo.tgrpo.enabled": tgrpo})
        if cfg.data.startswith("stream:") and cfg.train.max_steps <= 0:
            typer.echo("error: a stream never ends: set train.max_steps (--max-steps)", err=True)
            raise typer.Exit(2)
        from synrl.train.grpo import run_grpo

        _report(run_grpo(cfg))

    app.add_typer(train_app, name="train")


def main() -> None:
    app = typer.Typer(no_args_is_help=True)
    register(app)
    app()


if __name__ == "__main__":
    main()
