"""`relative_position`: where the object is relative to the reference at the start, how both
move, when one passes the other, and where it is at the end."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from synrl.cot.grounded.base import WriterContext, capitalize, paragraphs
from synrl.cot.grounded.registry import register_writer
from synrl.cot.names import no_names, register_names

_RELATION = {"left": "to the left of", "right": "to the right of", "above": "above", "below": "below"}
_SIDE = {"left": "on its left", "right": "on its right", "above": "above it", "below": "below it"}


def _travel(ctx: WriterContext, move: Mapping[str, Any]) -> str:
    """How an object moves along its lane: "moves right", "drifts slowly down"."""
    (x0, y0), (x1, y1) = move["from"], move["to"]
    if move["axis"] == "x":
        shift, way = x1 - x0, ("right" if x1 > x0 else "left")
    else:
        shift, way = y1 - y0, ("down" if y1 > y0 else "up")
    if abs(shift) < 15:
        return ctx.pick("barely moves", "stays almost in place", "hardly moves at all")
    if abs(shift) < 60:
        return ctx.pick(f"drifts a little {way}", f"moves slowly {way}", f"creeps {way}")
    return ctx.pick(f"moves steadily {way}", f"glides {way}", f"travels {way} in a straight line")


@register_writer("relative_position")
def write_relative_position(ctx: WriterContext) -> str:
    query = ctx.record.get("query") or {}
    kind = query.get("kind")
    subject, reference = str(query.get("object", "obj0")), str(query.get("reference", "obj1"))
    s_name, r_name = ctx.name(subject), ctx.name(reference)
    relations = ctx.events("relation", subject)
    start_rel, end_rel = relations[0]["relation"], relations[-1]["relation"]
    passes = ctx.events("pass", subject)
    moves = {e["object"]: e for e in ctx.events("move")}
    ctx.precise_if_crowded([e["start_ms"] for e in passes] + [0, ctx.duration_ms])

    plan = ctx.pick(
        f"I compare where the {s_name} is with where the {r_name} is, at the start, while they move, and at the end.",
        f"I keep both the {s_name} and the {r_name} in view and note their positions relative to each other over time.",
        f"To answer, I watch the {s_name} against the {r_name}: their starting arrangement, how each moves, and how they end up.",
    )
    others = [n for oid, n in ctx.names.items() if oid not in (subject, reference)]
    aside = ""
    if others:
        aside = ctx.pick(f"The other shapes ({', '.join(others)}) move in their own lanes and don't matter here.",
                         f"I ignore the {others[0]}" + (" and the others" if len(others) > 1 else "") + ": only the two named objects count.",
                         "Other objects slide along their own lanes; I leave them out.")
    sx, sy = ctx.position(subject, 0)
    start = ctx.pick(
        f"At {ctx.at(0)} the {s_name} is {_RELATION[start_rel]} the {r_name}.",
        f"When the clip starts ({ctx.at(0)}), the {s_name} sits {_RELATION[start_rel]} the {r_name}, {ctx.located(sx, sy)}.",
        f"In the first frame ({ctx.at(0)}) the {s_name} is {_RELATION[start_rel]} the {r_name}.",
    )
    motion = ctx.pick(
        f"Over the clip the {s_name} {_travel(ctx, moves[subject])}, while the {r_name} {_travel(ctx, moves[reference])}.",
        f"Then they move along parallel lanes: the {s_name} {_travel(ctx, moves[subject])} and the {r_name} {_travel(ctx, moves[reference])}.",
        f"As time goes on, the {r_name} {_travel(ctx, moves[reference])} and the {s_name} {_travel(ctx, moves[subject])}.",
    )
    if passes:
        crossing = " ".join(ctx.pick(
            f"At {ctx.at(e['start_ms'])} they draw level and one gets past the other, so they swap sides.",
            f"At {ctx.at(e['start_ms'])} the {s_name} and the {r_name} are level along their lanes, then pass each other.",
            f"Around {ctx.at(e['start_ms'])} they cross: the order along the lanes flips.",
        ) for e in passes)
    else:
        crossing = ctx.pick(
            "They never draw level along their lanes: neither gets past the other.",
            "At no point do they pass each other; each stays on its own side.",
            "There is no crossing: the order between them along the lanes never flips.",
        )
    ex, ey = ctx.position(subject, ctx.num_frames - 1)
    end = ctx.pick(
        f"At {ctx.end()}, the end, the {s_name} is {_RELATION[end_rel]} the {r_name}.",
        f"When the clip ends ({ctx.end()}), the {s_name} is {_RELATION[end_rel]} the {r_name}, {ctx.located(ex, ey)}.",
        f"In the last frame ({ctx.end()}) the {s_name} is {_RELATION[end_rel]} the {r_name}.",
    )
    if kind == "relation_start":
        finding = f"At the start the {s_name} is {_RELATION[start_rel]} the {r_name}."
    elif kind == "relation_end":
        finding = f"At the end the {s_name} is {_RELATION[end_rel]} the {r_name}."
    elif kind == "relation_change":
        finding = (f"Relative to the {r_name}, the {s_name} starts {_SIDE[start_rel]} and ends "
                   f"{_SIDE[end_rel]}.")
    else:
        finding = ("They do pass each other." if passes else "They don't pass each other.")
    return paragraphs(plan, aside, start, motion, crossing, end, capitalize(ctx.conclude(finding)))


# Coloured shapes only: the colour-and-shape check covers every name a chain can use.
register_names("relative_position")(no_names)
