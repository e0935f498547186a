"""`trajectory_shape`: how the heading of the object changes as it goes, corner by corner."""

from __future__ import annotations

import math

from synrl.cot.grounded.base import MOTION, WriterContext, compass_index, join_words, paragraphs, plural
from synrl.cot.grounded.registry import register_writer
from synrl.cot.names import no_names, register_names

_SHAPE_WORDS = {"line": "a straight line", "circle": "a circle", "zigzag": "a zigzag with sharp corners",
                "wave": "a smooth wave", "square": "a square"}


def _headings(ctx: WriterContext, target: str, parts: int) -> list[str]:
    """Which way the object moves at ``parts`` evenly spaced moments of the clip."""
    last = ctx.num_frames - 1
    return [ctx.heading(target, round(k * (last - 3) / max(1, parts - 1))) for k in range(parts)]


def _side_swings(ctx: WriterContext, target: str) -> list[str]:
    """Which side ("left"/"right") of its overall course the object bulges to, swing by swing."""
    x0, y0 = ctx.position(target, 0)
    x1, y1 = ctx.position(target, ctx.num_frames - 1)
    ax, ay = x1 - x0, y1 - y0
    sides = []
    for frame in range(0, ctx.num_frames, 2):
        x, y = ctx.position(target, frame)
        # Screen y points down, so a positive cross product is to the right of the course.
        cross = ax * (y - y0) - ay * (x - x0)
        if abs(cross) > 1e-6 * (ax * ax + ay * ay) + 1.0:
            sides.append("right" if cross > 0 else "left")
    return _distinct_in_order(sides) or ["left"]


def _distinct_in_order(items: list[str]) -> list[str]:
    out: list[str] = []
    for item in items:
        if not out or out[-1] != item:
            out.append(item)
    return out


@register_writer("trajectory_shape")
def write_trajectory(ctx: WriterContext) -> str:
    target = ctx.target_id
    name = ctx.name(target)
    path = ctx.events("path", target)[0]
    shape = path["shape"]
    corners = ctx.events("corner", target)
    ctx.precise_if_crowded([e["start_ms"] for e in corners] + [0, ctx.duration_ms])
    x0, y0 = ctx.position(target, 0)
    x1, y1 = ctx.position(target, ctx.num_frames - 1)
    gap = math.hypot(x1 - x0, y1 - y0)

    plan = ctx.pick(
        f"To see the shape of its path, I follow the {name} and watch how its heading changes over time.",
        f"I trace the {name}'s route through the clip: where it turns, how sharply, and where it ends up.",
        f"The path's shape shows in how the {name}'s direction of travel changes, so I track that from start to end.",
    )
    start = ctx.pick(
        f"At {ctx.at(0)} the {name} is {ctx.located(x0, y0)}, heading {ctx.heading(target, 0)}.",
        f"It starts {ctx.located(x0, y0)} at {ctx.at(0)} and sets off {ctx.heading(target, 0)}.",
        f"The clip opens ({ctx.at(0)}) with the {name} {ctx.located(x0, y0)}, moving {ctx.heading(target, 0)}.",
    )
    headings = _distinct_in_order(_headings(ctx, target, 9))
    if shape == "line":
        course = ctx.pick(
            f"It never changes heading: it keeps going {headings[0]} at an even pace, with no turn or bend.",
            f"Its direction stays {headings[0]} the whole way; nothing bends the path.",
            f"Frame after frame it moves the same way, {headings[0]}, so its positions fall on one straight line.",
        )
    elif shape == "circle":
        spin = path.get("direction", "clockwise")
        sweep = join_words(headings[:6], "then")
        course = ctx.pick(
            f"Its heading turns steadily and smoothly, {spin}: it goes {sweep}, never with a sharp corner.",
            f"It curves the whole time at the same rate, {spin}, its direction sweeping through {sweep}.",
            f"There are no corners; the heading rotates evenly ({spin}), from {sweep}, and keeps curving.",
        )
    elif shape == "wave":
        overall = MOTION[compass_index(math.degrees(math.atan2(-(y1 - y0), x1 - x0)))]
        swings = _side_swings(ctx, target)
        sides = join_words(swings[:6], "then")
        course = ctx.pick(
            f"Overall it progresses {overall}, but its heading keeps swinging smoothly to the {sides} of that "
            f"line; the bends are rounded, with no sharp corner.",
            f"It snakes: while travelling {overall} overall, it curves to the {sides} in turn, always smoothly.",
            f"The path bends gently, first to the {sides}, around a general course {overall}, "
            f"and it never turns sharply.",
        )
    else:
        lines = []
        for i, corner in enumerate(corners):
            after = ctx.heading(target, ctx.frame_of(corner["start_ms"]) + 2)
            lines.append(ctx.pick(
                f"At {ctx.at(corner['start_ms'])} it turns sharply to its {corner['turn']} and now heads {after}.",
                f"At {ctx.at(corner['start_ms'])} a sharp corner: it turns {corner['turn']}, going {after}.",
                f"{ctx.at(corner['start_ms'])}: sharp {corner['turn']} turn, then straight {after}.",
            ))
        turns = [c["turn"] for c in corners]
        if shape == "zigzag":
            summary = ctx.pick(
                f"Between corners it moves in straight legs, and the turns alternate ({join_words(turns, 'then')}), "
                f"so the legs swing back and forth across the same overall direction.",
                f"That is {plural(len(corners), 'sharp corner')}, alternating sides, with straight legs in between.",
                "The corners flip between left and right turns, so it goes back and forth while progressing one way.",
            )
        else:
            summary = ctx.pick(
                f"Every turn goes the same way ({turns[0]}) and the straight sides are equal, so it goes round a square.",
                f"{plural(len(corners), 'corner')}, all {turns[0]} turns of a quarter turn, with equal straight sides between them.",
                f"It keeps turning {turns[0]} by a right angle after each equal straight side: a square outline.",
            )
        course = " ".join(lines + [summary])
    closed = gap < 0.25 * max(1.0, float(path["length_px"])) and path.get("closed")
    finish = ctx.pick(
        f"When the clip ends at {ctx.end()} it is {ctx.located(x1, y1)}"
        + (", back where it started." if closed else ", far from where it started." if gap > 60 else "."),
        f"By {ctx.end()} it has reached {ctx.region(x1, y1)}"
        + ("; it has come back round past its starting point." if closed else "."),
        f"At {ctx.end()}, the end, it is {ctx.located(x1, y1)}"
        + (", having closed the loop." if closed else "."),
    )
    kind = (ctx.record.get("query") or {}).get("kind")
    if kind == "returns_to_start":
        finding = (f"The path is {_SHAPE_WORDS[shape]}, a closed loop: it comes back to its starting point."
                   if path["closed"] else
                   f"The path is {_SHAPE_WORDS[shape]}, which does not loop back to where it started.")
    elif kind == "straight_path":
        finding = ("The path is straight." if shape == "line" else
                   f"The path is not straight: it is {_SHAPE_WORDS[shape]}.")
    else:
        finding = f"The {name} traces {_SHAPE_WORDS[shape]}."
    return paragraphs(plan, ctx.distractor_note(target), start, course, finish, ctx.conclude(finding))


# Coloured shapes only: the colour-and-shape check covers every name a chain can use.
register_names("trajectory_shape")(no_names)
