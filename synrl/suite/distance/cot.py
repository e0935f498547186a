"""`distance`: where every object is at the moment asked about and how far apart the pairs
are, or how the gap between two objects evolves while they move."""

from __future__ import annotations

import math
from itertools import combinations

from synrl.cot.grounded.base import WriterContext, capitalize, join_words, paragraphs
from synrl.cot.grounded.registry import register_writer
from synrl.cot.names import no_names, register_names


def _gap(ctx: WriterContext, a: str, b: str, frame: int) -> float:
    (xa, ya), (xb, yb) = ctx.position(a, frame), ctx.position(b, frame)
    return math.hypot(xa - xb, ya - yb)


def _pair_words(ctx: WriterContext, a: str, b: str) -> str:
    return f"the {ctx.name(a)} and the {ctx.name(b)}"


@register_writer("distance")
def write_distance(ctx: WriterContext) -> str:
    query = ctx.record.get("query") or {}
    kind = str(query.get("kind"))
    moves = ctx.events("move")
    motion_start = min(e["start_ms"] for e in moves)
    motion_end = max(e["end_ms"] for e in moves)
    last = ctx.num_frames - 1
    # The objects hold still for a fraction of a second at each end: whole seconds would
    # blur the start of the motion with the start of the clip.
    ctx.decimals = 1
    if kind in ("closest_pair", "farthest_pair"):
        return _extreme_pair(ctx, kind.split("_")[0], query.get("moment", "start"), motion_start, motion_end)

    a, b = str(query.get("object", "obj0")), str(query.get("reference", "obj1"))
    change = next(e for e in ctx.events("distance_change"))
    trend = change["trend"]
    plan = ctx.pick(
        f"I watch the gap between {_pair_words(ctx, a, b)}: how far apart they are at the start, while they move, and when they stop.",
        f"To see how the distance changes, I compare the space between {_pair_words(ctx, a, b)} before and after they move.",
        f"I keep {_pair_words(ctx, a, b)} in view and follow the distance between them through the clip.",
    )
    others = [n for oid, n in ctx.names.items() if oid not in (a, b)]
    aside = ""
    if others:
        aside = ctx.pick(f"{capitalize(join_words(['the ' + o for o in others]))} also move, but they don't matter here.",
                         f"The other objects ({join_words(others)}) are not part of the question.",
                         f"I leave aside {join_words(['the ' + o for o in others])}.")
    d0, d_mid, d1 = _gap(ctx, a, b, 0), _gap(ctx, a, b, last // 2), _gap(ctx, a, b, last)
    start = ctx.pick(
        f"At {ctx.at(0)} both hold still, about {d0:.0f} px apart.",
        f"The clip opens ({ctx.at(0)}) with the two about {d0:.0f} px apart, not yet moving.",
        f"At the start, {ctx.at(0)}, they are roughly {d0:.0f} px from each other.",
    )
    heading_a, heading_b = ctx.heading(a, ctx.frame_of(motion_start) + 1), ctx.heading(b, ctx.frame_of(motion_start) + 1)
    motion = ctx.pick(
        f"At {ctx.at(motion_start)} they start to move: the {ctx.name(a)} heads {heading_a}, the {ctx.name(b)} {heading_b}. "
        f"Halfway through, the gap is about {d_mid:.0f} px.",
        f"From {ctx.at(motion_start)} the {ctx.name(a)} moves {heading_a} and the {ctx.name(b)} moves {heading_b}; "
        f"midway they are about {d_mid:.0f} px apart.",
        f"They set off at {ctx.at(motion_start)} ({ctx.name(a)} going {heading_a}, {ctx.name(b)} going {heading_b}), "
        f"and by the middle of the clip the distance is about {d_mid:.0f} px.",
    )
    end = ctx.pick(
        f"The motion stops at {ctx.at(motion_end)}, with them about {d1:.0f} px apart, and they stay there until {ctx.end()}.",
        f"At {ctx.at(motion_end)} they come to rest about {d1:.0f} px from each other.",
        f"When they stop, at {ctx.at(motion_end)}, the gap is about {d1:.0f} px.",
    )
    verdict = {"closer": f"The gap shrank from about {d0:.0f} to {d1:.0f} px: they got closer together.",
               "farther": f"The gap grew from about {d0:.0f} to {d1:.0f} px: they got farther apart.",
               "same": f"The gap stayed about {d0:.0f} px the whole time: they moved together, keeping the same distance."}[trend]
    if kind == "got_closer":
        verdict += " So they are closer at the end." if trend == "closer" else " So they are not closer at the end."
    return paragraphs(plan, aside, start, motion, end, ctx.conclude(verdict))


def _extreme_pair(ctx: WriterContext, which: str, moment: str, motion_start: float, motion_end: float) -> str:
    at_start = moment == "start"
    frame = 0 if at_start else ctx.num_frames - 1
    when = ctx.at(0) if at_start else ctx.at(motion_end)
    ids = list(ctx.names)
    gaps = sorted(((_gap(ctx, p, q, frame), p, q) for p, q in combinations(ids, 2)),
                  reverse=which == "farthest")
    plan = ctx.pick(
        f"The question is about the moment {'the clip starts' if at_start else 'the motion stops'}, so I look at where every object is then and compare the gaps between them.",
        f"I need the {which} pair {'at the start' if at_start else 'once everything has stopped'}; I note each object's place at that moment and measure the pairs.",
        f"Distances change as things move, so I freeze the picture {'at the very start' if at_start else 'when the objects stop'} and compare every pair there.",
    )
    if at_start:
        moment_words = ctx.pick(f"At {when}, before anything moves, the objects are placed like this:",
                                f"At {when} everything is still. Positions:",
                                f"In the first frame ({when}):")
        later = ctx.pick(f"At {ctx.at(motion_start)} they start moving and the gaps change, but that is after the moment asked about.",
                         f"They all move from {ctx.at(motion_start)} on, which changes which pair is {which}, so only the start counts.",
                         "What happens after they start moving doesn't matter here.")
    else:
        moment_words = ctx.pick(f"They move from {ctx.at(motion_start)} and come to rest at {when}. There they are placed like this:",
                                f"At {when} the motion stops. Positions then:",
                                f"Everything has stopped by {when}; from then until {ctx.end()} the layout is:")
        later = ctx.pick("The layout at the start was different, but it isn't what is asked about.",
                         "Their starting places don't matter here, only where they end up.",
                         "How they were arranged before moving doesn't count.")
    places = [f"the {ctx.name(oid)} {ctx.located(*ctx.position(oid, frame))}" for oid in ids]
    layout = moment_words + " " + join_words(places) + "."
    shown = gaps[:3]
    words = "shortest" if which == "closest" else "longest"
    measured = ctx.pick(
        f"The {words} gaps: " + "; ".join(f"{_pair_words(ctx, p, q)}, about {d:.0f} px" for d, p, q in shown) + ".",
        "Comparing pairs, " + ", then ".join(f"{_pair_words(ctx, p, q)} (about {d:.0f} px)" for d, p, q in shown)
        + f" are the {which} ones, in that order.",
        "Measuring the pairs, the top ones are: " + "; ".join(f"{_pair_words(ctx, p, q)} at about {d:.0f} px apart" for d, p, q in shown) + ".",
    )
    best = gaps[0]
    finding = (f"{capitalize(_pair_words(ctx, best[1], best[2]))} are the "
               f"{'closest together' if which == 'closest' else 'farthest apart'} "
               f"{'at the start' if at_start else 'when the motion stops'}.")
    return paragraphs(plan, layout, measured, later, ctx.conclude(finding))


# Coloured shapes only: the colour-and-shape check covers every name a chain can use.
register_names("distance")(no_names)
