"""`speed_change`: compare how far the object moves per frame early and late in the clip."""

from __future__ import annotations

import math

from synrl.cot.grounded.base import WriterContext, paragraphs
from synrl.cot.grounded.registry import register_writer
from synrl.cot.names import no_names, register_names


def _step(ctx: WriterContext, target: str, first: int, count: int) -> float:
    """Mean distance (px) the object moves per frame over ``count`` frames from ``first``."""
    first = max(0, min(first, ctx.num_frames - 1 - count))
    x0, y0 = ctx.position(target, first)
    x1, y1 = ctx.position(target, first + count)
    return math.hypot(x1 - x0, y1 - y0) / count


@register_writer("speed_change")
def write_speed(ctx: WriterContext) -> str:
    target = ctx.target_id
    name = ctx.name(target)
    motion = ctx.events("motion", target)[0]
    trend = motion["trend"]
    window = max(2, ctx.num_frames // 10)
    early = _step(ctx, target, 0, window)
    middle = _step(ctx, target, (ctx.num_frames - window) // 2, window)
    late = _step(ctx, target, ctx.num_frames - 1 - window, window)
    x, y = ctx.position(target, 0)
    end_x, end_y = ctx.position(target, ctx.num_frames - 1)
    heading = ctx.heading(target, 0)

    plan = ctx.pick(
        f"To judge the speed, I compare how far the {name} moves from one frame to the next early on and late in the clip.",
        f"Speed shows in the spacing between the {name}'s positions in consecutive frames, so I measure that at the start and at the end.",
        f"I watch how much ground the {name} covers per frame at the beginning, in the middle and at the end.",
    )
    start = ctx.pick(
        f"At {ctx.at(0)} the {name} is {ctx.located(x, y)} and moves in a straight line, {heading}.",
        f"The {name} starts {ctx.located(x, y)} at {ctx.at(0)}, travelling {heading} along a straight path.",
        f"From {ctx.at(0)} it glides {heading} in a straight line, starting {ctx.located(x, y)}.",
    )
    style = ctx.style(3)
    if style == 1:
        measure = (f"Distance per frame:\n- start ({ctx.at(0)}): about {early:.1f} px\n"
                   f"- middle of the clip: about {middle:.1f} px\n"
                   f"- end ({ctx.end()}): about {late:.1f} px")
    else:
        measure = ctx.pick(
            f"Over its first frames it moves about {early:.1f} px per frame; around the middle about "
            f"{middle:.1f} px; and by {ctx.end()}, the end, about {late:.1f} px per frame.",
            f"Early on it advances roughly {early:.1f} px each frame. Halfway through that is about "
            f"{middle:.1f} px, and in the last frames before {ctx.end()} about {late:.1f} px.",
            f"I measure the step between frames: about {early:.1f} px at the start, {middle:.1f} px in the "
            f"middle, {late:.1f} px at the end ({ctx.end()}).",
        )
    if trend == "accelerating":
        reading = ctx.pick(
            "The steps get longer and longer, so it covers more ground each moment: it is speeding up.",
            f"Its steps grow from about {early:.1f} to about {late:.1f} px, so it is accelerating.",
            "Each frame it jumps farther than before, which means it is getting faster.",
        )
    elif trend == "decelerating":
        reading = ctx.pick(
            "The steps shrink steadily, so it covers less ground each moment: it is slowing down.",
            f"Its steps fall from about {early:.1f} to about {late:.1f} px, so it is decelerating.",
            "Each frame it moves less than before, which means it is losing speed.",
        )
    else:
        reading = ctx.pick(
            "The step stays the same from start to finish, so its speed does not change.",
            f"It keeps covering about {early:.1f} px per frame throughout: a constant speed.",
            "The spacing between positions is even all the way, so it moves at a steady speed.",
        )
    finish = ctx.pick(
        f"It ends {ctx.located(end_x, end_y)} when the clip stops at {ctx.end()}.",
        f"By {ctx.end()} it has reached {ctx.region(end_x, end_y)}.",
        f"The clip ends at {ctx.end()} with the {name} {ctx.located(end_x, end_y)}.",
    )
    kind = (ctx.record.get("query") or {}).get("kind")
    if kind == "faster_at_end":
        faster = trend == "accelerating"
        finding = ("It is moving faster at the end than at the beginning." if faster else
                   "It is not moving faster at the end than at the beginning.")
    else:
        finding = {"accelerating": f"The {name} is accelerating.",
                   "decelerating": f"The {name} is decelerating.",
                   "constant": f"The {name} moves at a constant speed."}[trend]
    return paragraphs(plan, ctx.distractor_note(target), start, measure, reading, finish,
                      ctx.conclude(finding))


# Coloured shapes only: the colour-and-shape check covers every name a chain can use.
register_names("speed_change")(no_names)
