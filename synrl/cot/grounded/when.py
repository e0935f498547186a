"""Grounded reasoning for "when" questions (``query.kind == "when"``), whatever the task.

The chain finds the asked moment among its namesakes ("the second time"), cites the frame
and time at which it starts and the frame and time at which it ends (for an instant: the
frame it happens at, and the half-second window the answer is), says where the object is
at those frames when the event belongs to one, and reads the answer off: the interval, or
the option that states it. Times are written to the hundredth of a second, the precision
of the answer, so the CoT checker can hold them to one frame of the timeline.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from synrl.cot.grounded.base import WriterContext, join_words, ordinal, paragraphs
from synrl.cot.grounded.registry import register_family_writer

#: Decimals of the times a "when" chain writes: the answer's own precision (10 ms).
DECIMALS = 2


def _at_s(ctx: WriterContext, seconds: float) -> str:
    return ctx.at(seconds * 1000.0)


def _frame(ctx: WriterContext, seconds: float) -> int:
    return ctx.frame_of(seconds * 1000.0)


def _where(ctx: WriterContext, query: dict[str, Any], seconds: float) -> str:
    """", when the red circle is on the left side" for events of one tracked object."""
    track_id = query.get("object")
    if track_id not in ctx.names:
        return ""
    x, y = ctx.position(str(track_id), _frame(ctx, seconds))
    return f", with the {ctx.name(str(track_id))} {ctx.located(x, y)}"


def _namesakes(ctx: WriterContext, query: dict[str, Any]) -> str:
    """Which occurrence is asked, listing every occurrence's start."""
    intervals: Sequence[Sequence[float]] = query.get("occurrence_intervals") or []
    if len(intervals) < 2:
        return ""
    starts = join_words([_at_s(ctx, (a + b) / 2 if query.get("instant") else a) for a, b in intervals])
    k = int(query["occurrence"])
    return ctx.pick(
        f"This happens {len(intervals)} times, around {starts}; the question wants the {ordinal(k)} one.",
        f"I count {len(intervals)} such moments (around {starts}), so I take the {ordinal(k)}.",
        f"It is not unique: it occurs at about {starts}. Counting in order, the {ordinal(k)} is the one asked.",
    )


@register_family_writer("when")
def write_when(ctx: WriterContext) -> str:
    record = ctx.record
    query = dict(record["query"])
    ctx.decimals = DECIMALS
    start, end = (float(v) for v in (record.get("answer_value") or record["answer"]))
    clause = str(query["clause"])
    duration = _at_s(ctx, ctx.duration_ms / 1000.0)
    marks = "the frame where it happens" if query.get("instant") else "the frames where it starts and ends"
    bounds = "where it happens" if query.get("instant") else "where it begins and where it is over"
    plan = ctx.pick(
        f"The question is about one event: {clause}. I watch the whole video ({duration}, "
        f"{ctx.num_frames} frames at {ctx.fps:g} fps) for it and note {marks}.",
        f"I need the time of this event: {clause}. I go through the clip frame by frame ({ctx.fps:g} fps, "
        f"{duration} long) and mark {bounds}.",
        f"To place it in time, I look for the frames that show it ({clause}) and convert them to "
        f"seconds ({ctx.fps:g} frames per second).",
    )
    if query.get("instant"):
        at = float(query["at_s"])
        frame = _frame(ctx, at)
        window = float(query.get("window_s", end - start))
        seen = ctx.pick(
            f"I see it at frame {frame}, that is {_at_s(ctx, at)}{_where(ctx, query, at)}.",
            f"It happens at frame {frame} ({_at_s(ctx, at)}){_where(ctx, query, at)}.",
        )
        clipped = " (cut where the clip begins or ends)" if abs((end - start) - window) > 0.011 else ""
        span = ctx.pick(
            f"That is an instant, so the answer is the {window:g}-second window centred on it{clipped}: "
            f"from {_at_s(ctx, start)} to {_at_s(ctx, end)}.",
            f"An instant has no length of its own; I give the {window:g} s around it{clipped}, "
            f"{_at_s(ctx, start)} to {_at_s(ctx, end)}.",
        )
        log = f"{seen} {span}"
    else:
        first, last = _frame(ctx, start), _frame(ctx, end)
        log = ctx.pick(
            f"It starts at frame {first} ({_at_s(ctx, start)}){_where(ctx, query, start)}, and it is over "
            f"at frame {last} ({_at_s(ctx, end)}){_where(ctx, query, end)}.",
            f"From frame {first}, at {_at_s(ctx, start)}{_where(ctx, query, start)}, to frame {last}, at "
            f"{_at_s(ctx, end)}{_where(ctx, query, end)}: that is the whole of it.",
            f"Its first frame is {first} ({_at_s(ctx, start)}) and its last is {last} ({_at_s(ctx, end)})"
            f"{_where(ctx, query, end)}; {end - start:.2f} s in all.",
        )
    finding = ctx.pick(f"So it spans {start:.2f} to {end:.2f} seconds.",
                       f"The interval is {start:.2f} to {end:.2f} s.")
    if record["answer_type"] == "multiple_choice":
        finding += " " + ctx.pick("The other options are other moments of the video.",
                                  "None of the other options covers that span.")
    return paragraphs(plan, _namesakes(ctx, query), log, ctx.conclude(finding))
