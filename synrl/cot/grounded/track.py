"""Grounded reasoning for tracking questions (``query.kind == "track"``), whatever the task.

The chain identifies the object (the one inside the given first-frame box, or the named
one and where it starts), then, at each asked time, names the frame, where the object is
and which way it is heading, and the pixel extent of its outline there; the answer lists
those boxes. Every box the chain states is the record's, so the checker holds the chain to
the answer box by box.
"""

from __future__ import annotations

from synrl.cot.grounded.base import WriterContext, paragraphs
from synrl.cot.grounded.registry import register_family_writer
from synrl.suite._track.family import box_text as box_words


# Asked times lie on the half-second grid: one decimal states them exactly.
DECIMALS = 1
# Less than this (px) over the heading's span of frames is standing still.
AT_REST_PX = 0.5


def _motion(ctx: WriterContext, track_id: str, frame: int, span: int = 3) -> str:
    first = max(0, min(frame, ctx.num_frames - 1 - span))
    (x0, y0), (x1, y1) = ctx.position(track_id, first), ctx.position(track_id, first + span)
    if abs(x1 - x0) < AT_REST_PX and abs(y1 - y0) < AT_REST_PX:
        return "at rest"
    return "moving " + ctx.heading(track_id, frame, span)


@register_family_writer("track")
def write_track(ctx: WriterContext) -> str:
    record = ctx.record
    query = record["query"]
    ctx.decimals = DECIMALS
    track_id = str(query["object"])
    name = ctx.name(track_id)
    x, y = ctx.position(track_id, 0)
    first = box_words(query["first_box"])
    if query.get("given") == "box":
        plan = ctx.pick(
            f"In the first frame the box {first} holds the {name}, {ctx.located(x, y)}. That is the "
            "object to follow.",
            f"The given box {first} covers one object in frame 0: the {name}, {ctx.located(x, y)}. "
            "I follow it through the clip.",
        )
    else:
        plan = ctx.pick(
            f"I find the {name} in the first frame, {ctx.located(x, y)}, inside {first}, and "
            "follow it through the clip.",
            f"The {name} starts {ctx.located(x, y)} (its box in frame 0 is {first}). I track it.",
        )
    steps = []
    boxes = record.get("answer_value") or record["answer"]
    for seconds, frame, box in zip(query["times_s"], query["frames"], boxes):
        px, py = ctx.position(track_id, int(frame))
        heading = _motion(ctx, track_id, int(frame))
        where = f"{ctx.located(px, py)}, centred near ({px:.0f}, {py:.0f})"
        words = box_words(box)
        steps.append(ctx.pick(
            f"At {ctx.at(seconds * 1000.0)} (frame {frame}) it is {where} and {heading}; its outline "
            f"spans x {int(box[0])} to {int(box[2])} and y {int(box[1])} to {int(box[3])}: {words}.",
            f"Frame {frame}, {ctx.at(seconds * 1000.0)}: the {name} is {where}, {heading}, in the box "
            f"{words}.",
        ))
    finding = ctx.pick(f"That gives its box at each of the {len(boxes)} asked times, in order.",
                       "So I have one box per asked time.")
    return paragraphs(plan, " ".join(steps), ctx.conclude(finding))
