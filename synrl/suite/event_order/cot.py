"""`event_order`: log each object's event (colour change, appearance, stop, flash) with its
time, then read off the order or the first one."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from synrl.cot.grounded.base import WriterContext, capitalize, join_words, ordinal, paragraphs
from synrl.cot.grounded.registry import register_writer
from synrl.cot.names import no_names, register_names
from synrl.render.shapes import shape_name

_EVENT_TYPE = {"change": "color_change", "appear": "appear", "stop": "stop", "flash": "flash"}
_VERB = {"change": "change colour", "appear": "appear", "stop": "stop moving", "flash": "flash"}
_NOUN = {"change": "colour change", "appear": "appearance", "stop": "stop", "flash": "flash"}


def _happening(ctx: WriterContext, event: Mapping[str, Any], name: str) -> str:
    t = ctx.at(event["start_ms"])
    if event["type"] == "color_change":
        return ctx.pick(f"at {t} the {name} turns {event['to']}",
                        f"at {t} the {name} changes from {event['from']} to {event['to']}",
                        f"at {t} the {name} switches colour to {event['to']}")
    if event["type"] == "appear":
        return ctx.pick(f"at {t} the {name} appears", f"at {t} the {name} pops into view",
                        f"at {t} the {name} shows up for the first time")
    if event["type"] == "stop":
        return ctx.pick(f"at {t} the {name} stops moving", f"at {t} the {name} comes to a halt",
                        f"at {t} the {name} freezes in place")
    back = ctx.at(event["end_ms"])
    return ctx.pick(f"at {t} the {name} blinks out and is back at {back}",
                    f"at {t} the {name} flashes (gone until {back})",
                    f"at {t} the {name} disappears for a moment, reappearing at {back}")


@register_writer("event_order")
def write_event_order(ctx: WriterContext) -> str:
    query = ctx.record.get("query") or {}
    kind = str(query.get("event"))
    events = ctx.events(_EVENT_TYPE[kind])
    ctx.precise_if_crowded(sorted({t for e in events for t in (e["start_ms"], e["end_ms"])}))
    order = [e["object"] for e in events]
    # Answers name colour-changing objects by shape alone, since their colour changes.
    answer_name = {oid: shape_name(str(ctx.track(oid)["shape"])) if kind == "change" else ctx.name(oid)
                   for oid in ctx.names}

    plan = ctx.pick(
        f"I watch every object and write down when each {_NOUN[kind]} happens; the order of the times gives the answer.",
        f"Several objects {_VERB[kind]}, one after another, so I log each one with its time.",
        f"To get the order, I note the moment of every {_NOUN[kind]} as I watch.",
    )
    visible = [oid for oid in ctx.names if ctx.track(oid).get("visible", [True])[0]]
    if kind == "appear":
        present = join_words([f"the {ctx.name(oid)}" for oid in visible]) or "nothing yet"
        start = ctx.pick(f"At {ctx.at(0)} I see only {present}, sliding along their lanes.",
                         f"The clip opens ({ctx.at(0)}) with {present} on screen.",
                         f"At the start, {ctx.at(0)}, the scene shows {present}.")
    else:
        present = join_words([f"the {ctx.name(oid)}" for oid in ctx.names])
        start = ctx.pick(f"At {ctx.at(0)} there are {len(ctx.names)} objects, each sliding along its own lane: {present}.",
                         f"The clip opens ({ctx.at(0)}) with {present} moving back and forth in their lanes.",
                         f"At the start, {ctx.at(0)}, I see {present}, all moving.")
    style = ctx.style(3)
    happenings = [_happening(ctx, e, ctx.name(e["object"])) for e in events]
    if style == 1:
        log = ctx.pick("In order:", "My log:", "What I see:") + "\n" + "\n".join(
            f"{i}. {capitalize(h)}." for i, h in enumerate(happenings, 1))
    elif style == 2:
        log = " ".join(f"{capitalize(ordinal(i))}, {h}." for i, h in enumerate(happenings, 1))
    else:
        log = " ".join([capitalize(happenings[0]) + "."] + [
            ctx.pick("Then ", "Next, ", "After that, ") + h + "." for h in happenings[1:]])
    bystanders = [oid for oid in ctx.names if oid not in order]
    if bystanders and kind == "appear":
        log += " " + ctx.pick(
            f"{capitalize(join_words(['the ' + ctx.name(o) for o in bystanders]))} were there from the start, so they don't count.",
            f"{capitalize(join_words(['the ' + ctx.name(o) for o in bystanders]))} never had to appear: they were visible at {ctx.at(0)}.",
            "The objects visible from the start don't appear, so they are not part of the order.")
    elif bystanders:
        log += " " + ctx.pick(
            f"{capitalize(join_words(['the ' + ctx.name(o) for o in bystanders]))} never "
            f"{'does' if len(bystanders) == 1 else 'do'} anything like that before the end at {ctx.end()}.",
            f"Nothing of the kind happens to {join_words(['the ' + ctx.name(o) for o in bystanders])} up to {ctx.end()}.",
            f"{capitalize(join_words(['the ' + ctx.name(o) for o in bystanders]))} only keep moving until {ctx.end()}.")
    if query.get("ask") == "first":
        finding = ctx.pick(f"The first {_NOUN[kind]} is the {ctx.name(order[0])}'s.",
                           f"The {answer_name[order[0]]} comes first.",
                           f"Earliest is the {ctx.name(order[0])}.")
    else:
        sequence = join_words([f"the {answer_name[oid]}" for oid in order], "then")
        finding = ctx.pick(f"So the order is {sequence}.", f"In time order: {sequence}.",
                           f"Sorting by time gives {sequence}.")
    return paragraphs(plan, start, log, ctx.conclude(finding))


# Coloured shapes only: the colour-and-shape check covers every name a chain can use.
register_names("event_order")(no_names)
