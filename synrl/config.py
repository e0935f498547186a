"""Typed configuration of dataset generation; the CLI maps its flags onto these fields."""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from synrl.render.shapes import parse_color
from synrl.record import SPLITS
from synrl.suite.base import DIFFICULTY_LEVELS

from synrl.suite._when.mixture import DEFAULT_QUESTION_TYPES, MixtureError, parse_question_types

# The default forms; synrl.suite._when.mixture.FORMS lists every form (`when` and `when_mc`
# are the grounding ones, `track` the tracking one).
QUESTION_TYPES = DEFAULT_QUESTION_TYPES
X264_PRESETS = ("ultrafast", "superfast", "veryfast", "faster", "fast", "medium", "slow",
                "slower", "veryslow")


class VideoOptions(BaseModel):
    """How videos look and are encoded (SPEC: H.264, yuv420p, 30 fps, 448x448 by default)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    width: int = Field(448, description="frame width in pixels (even, 64..4096)")
    height: int = Field(448, description="frame height in pixels (even, 64..4096)")
    fps: int = Field(30, ge=1, le=120, description="frames per second")
    background: str = Field("white", description="background colour: name, #rrggbb or r,g,b")
    crf: int = Field(18, ge=0, le=51, description="x264 constant rate factor")
    preset: str = Field("veryfast", description="x264 preset")
    duration_scale: float = Field(1.0, gt=0, le=8,
                                  description="slow motion: multiply every duration, the "
                                              "time of each operation and event included")

    @field_validator("width", "height")
    @classmethod
    def _even_size(cls, v: int) -> int:
        if not 64 <= v <= 4096 or v % 2:
            raise ValueError(f"{v} is not a usable frame size: yuv420p needs an even number "
                             "of pixels between 64 and 4096")
        return v

    @field_validator("background")
    @classmethod
    def _colour(cls, v: str) -> str:
        parse_color(v)
        return v

    @field_validator("preset")
    @classmethod
    def _preset(cls, v: str) -> str:
        if v not in X264_PRESETS:
            raise ValueError(f"unknown x264 preset {v!r}; use one of {', '.join(X264_PRESETS)}")
        return v


class GenerateConfig(BaseModel):
    """One `synrl generate` run."""

    model_config = ConfigDict(extra="forbid")

    tasks: list[str] = Field(description="task ids")
    per_task: int = Field(gt=0, description="samples per task")
    seed: int = Field(0, ge=0, description="base seed")
    split: str = Field("train", description="train | val | test (disjoint seed ranges)")
    difficulty: int = Field(1, description="1 (easiest) .. 5")
    workers: int = Field(1, ge=1, le=256, description="processes")
    out: Path
    question_types: list[str] = Field(default_factory=lambda: list(QUESTION_TYPES))
    video: VideoOptions = Field(default_factory=VideoOptions)
    task_options: dict[str, str] = Field(default_factory=dict,
                                         description="task options, e.g. reveal=final")
    round: int = Field(1, description="curriculum round: 2 doubles the duration and the "
                                      "operations or events at the same pace")

    @field_validator("split")
    @classmethod
    def _split(cls, v: str) -> str:
        if v not in SPLITS:
            raise ValueError(f"unknown split {v!r}; use one of {', '.join(SPLITS)}")
        return v

    @field_validator("difficulty")
    @classmethod
    def _difficulty(cls, v: int) -> int:
        if v not in DIFFICULTY_LEVELS:
            raise ValueError(f"difficulty must be one of {DIFFICULTY_LEVELS}, got {v}")
        return v

    @field_validator("question_types")
    @classmethod
    def _question_types(cls, v: list[str]) -> list[str]:
        try:
            parse_question_types(v)
        except MixtureError as exc:
            raise ValueError(str(exc)) from None
        return v

    @model_validator(mode="after")
    def _known_tasks(self) -> "GenerateConfig":
        from synrl.suite import get_task

        if not self.tasks:
            raise ValueError("no task given")
        for task_id in self.tasks:
            get_task(task_id)
        if len(set(self.tasks)) != len(self.tasks):
            raise ValueError("a task is listed twice")
        if "curriculum" in self.task_options:
            raise ValueError("--option curriculum=... is gone; use --round 2 (twice the "
                             "duration and the operations at the same pace)")
        if self.round not in (1, 2):
            raise ValueError(f"round must be 1 or 2, got {self.round}")
        known: set[str] = set()
        for task_id in self.tasks:
            task = get_task(task_id)
            if self.round not in task.rounds:
                raise ValueError(f"task {task_id!r} has no round {self.round} yet; select "
                                 "the tasks that have one with --tasks")
            task.resolve_options(self.task_options)
            known |= set(task.option_choices)
        mixture = parse_question_types(self.question_types)
        if mixture.has_when:
            from synrl.suite._when.family import namer_for

            for task_id in self.tasks:
                namer_for(task_id)  # a task without "when" questions fails here, clearly
        if mixture.has_track:
            boards = [t for t in self.tasks if get_task(t).family != "short_term"]
            if boards:
                raise ValueError(f"task(s) {', '.join(boards)} ask no tracking questions: they "
                                 "draw boards, not objects with a box of their own; select "
                                 "short-term tasks for --question-types track")
        unknown = sorted(set(self.task_options) - known)
        if unknown:
            raise ValueError(f"no selected task takes the option(s) {', '.join(unknown)}")
        return self

    def identity(self) -> dict:
        """The options that define what each sample is; a dataset folder can only be
        extended (more tasks, more samples) under the same identity."""
        return {
            "seed": self.seed,
            "split": self.split,
            "difficulty": self.difficulty,
            "question_types": self.question_types,
            "video": self.video.model_dump(),
            "task_options": dict(sorted(self.task_options.items())),
            "round": self.round,
        }
