"""One evaluation item, whatever benchmark it comes from."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

#: How a sample is scored: exact answer (via the accuracy reward), temporal grounding
#: (IoU/IoP against one or more ground-truth segments), mean relative accuracy (VSI-Bench
#: numeric questions) or tracking (mean box IoU over the asked times).
MetricKind = Literal["accuracy", "grounding", "mra", "tracking"]


@dataclass
class EvalSample:
    """A question about a video with a checkable answer.

    ``answer_type``/``answer``/``options``/``answer_ordered``/``answer_tolerance`` use the
    synrl record keys, so :func:`synrl.qa.user_prompt` and the rewards read a sample as they
    read a generated record. Grounding answers are a list of ``[start_s, end_s]`` segments
    (a prediction is matched against the best one, as NExT-GQA does).
    """

    id: str
    benchmark: str
    video: str  # absolute path of a video file, or of a folder of frame images
    question: str
    answer_type: str
    answer: Any
    options: dict[str, str] | None = None
    metric: MetricKind = "accuracy"
    answer_ordered: bool = True
    answer_tolerance: float | None = None
    #: Breakdowns this sample is reported under, e.g. {"task": ..., "family": ...}.
    groups: dict[str, str] = field(default_factory=dict)
    #: Only this part of the video is shown, in seconds (MVBench's bound, clips of long videos).
    clip: tuple[float, float] | None = None
    #: Full prompt text; ``None`` uses :func:`synrl.qa.user_prompt`.
    prompt: str | None = None

    def ground_truth(self) -> dict[str, Any]:
        """The record-style mapping the prompt builder and the rewards read."""
        gt: dict[str, Any] = {
            "id": self.id,
            "question": self.question,
            "answer_type": self.answer_type,
            "answer": self.answer,
            "options": self.options,
            "answer_ordered": self.answer_ordered,
        }
        if self.answer_tolerance is not None:
            gt["answer_tolerance"] = self.answer_tolerance
        return gt

    def prompt_text(self) -> str:
        """What the model reads after the video."""
        if self.prompt is not None:
            return self.prompt
        from synrl.qa import user_prompt

        return user_prompt(self.ground_truth())


def letters(n: int) -> list[str]:
    """The first ``n`` option letters, A, B, ..."""
    if n > 26:
        raise ValueError(f"{n} options; at most 26 are supported")
    return [chr(ord("A") + i) for i in range(n)]
