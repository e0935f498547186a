"""`attribute_change`: log every change of the object's colour, shape or size with its time,
keeping track of how it looks now; changes of other objects are noted and set aside."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from synrl.cot.grounded.base import WriterContext, join_words, paragraphs, plural, times, with_article
from synrl.cot.grounded.registry import register_writer
from synrl.cot.names import no_names, register_names
from synrl.render.shapes import shape_name

_WORD = {"color": "colour", "shape": "shape", "size": "size"}


def _change_words(ctx: WriterContext, event: Mapping[str, Any], look: dict[str, str]) -> str:
    """What a change looks like, updating ``look`` (the object's current colour and shape)."""
    before = f"{look['color']} {look['shape']}"
    if event["type"] == "color_change":
        look["color"] = str(event["to"])
        return ctx.pick(f"the {before} turns {event['to']}",
                        f"the {before} changes colour from {event['from']} to {event['to']}",
                        f"the {before} switches to {event['to']}")
    if event["type"] == "shape_change":
        look["shape"] = shape_name(str(event["to"]))
        return ctx.pick(f"the {before} becomes {with_article(look['color'] + ' ' + look['shape'])}",
                        f"the {before} changes shape into {with_article(look['shape'])}",
                        f"the {before} turns into {with_article(look['shape'])} of the same colour")
    ratio = float(event["to_scale"]) / float(event["from_scale"])
    if event["change"] == "bigger":
        return ctx.pick(f"the {before} grows to about {ratio:.1f} times its size",
                        f"the {before} suddenly gets bigger (about {ratio:.1f} times as large)",
                        f"the {before} swells, about {ratio:.1f} times bigger than before")
    return ctx.pick(f"the {before} shrinks to about {ratio:.1f} times its size",
                    f"the {before} suddenly gets smaller (about {ratio:.1f} times its size)",
                    f"the {before} shrinks, now about {ratio:.1f} times as large as before")


@register_writer("attribute_change")
def write_attribute_change(ctx: WriterContext) -> str:
    target = ctx.target_id
    name = ctx.name(target)
    query = ctx.record.get("query") or {}
    kind = query.get("kind")
    changes = [e for e in ctx.events() if e["type"].endswith("_change")]
    ctx.precise_if_crowded([e["start_ms"] for e in changes])
    looks = {oid: {"color": str(t["color"]), "shape": shape_name(str(t["shape"]))}
             for oid in ctx.names for t in [ctx.track(oid)]}

    plan = ctx.pick(
        f"I keep my eyes on the {name} from the very start and note every change in its colour, shape or size, with the time.",
        f"I watch the {name} closely through the whole clip and log each moment it looks different.",
        f"To answer, I follow the {name} and write down whenever its colour, shape or size changes.",
    )
    x, y = ctx.position(target, 0)
    start = ctx.pick(
        f"At {ctx.at(0)} it is {with_article(name)}, drifting slowly {ctx.located(x, y)}.",
        f"The clip opens ({ctx.at(0)}) with the {name} {ctx.located(x, y)}.",
        f"At the start, {ctx.at(0)}, I see the {name} {ctx.located(x, y)}.",
    )
    others = [n for oid, n in ctx.names.items() if oid != target]
    scene = ""
    if others:
        scene = ctx.pick(f"Other objects float around too ({join_words(['the ' + o for o in others])}); "
                         "changes to them don't count.",
                         f"I also see {join_words(['the ' + o for o in others])}, which I only keep an eye on so as not to confuse them with the {name}.",
                         f"The other shapes ({join_words(others)}) are not the one asked about.")
    lines = []
    counted = 0
    for event in changes:
        t = ctx.at(event["start_ms"])
        words = _change_words(ctx, event, looks[event["object"]])
        if event["object"] != target:
            lines.append(ctx.pick(f"At {t} {words}, but that is a different object.",
                                  f"At {t} {words}; not the one I am following.",
                                  f"({t}: {words}, another object, so it doesn't count.)"))
            continue
        counted += 1
        lines.append(ctx.pick(f"At {t} {words}.", f"{t}: {words}.", f"Then, at {t}, {words}."))
    mine = [e for e in changes if e["object"] == target]
    if not mine:
        lines.append(ctx.pick(f"It never changes before the end at {ctx.end()}.",
                              f"Nothing about it changes all the way to {ctx.end()}.",
                              f"It looks the same until the clip ends at {ctx.end()}."))
    else:
        now = looks[target]
        lines.append(ctx.pick(f"Nothing else changes before the end at {ctx.end()}, when it is {with_article(now['color'] + ' ' + now['shape'])}.",
                              f"At {ctx.end()}, the end, it is {with_article(now['color'] + ' ' + now['shape'])}.",
                              f"It stays {with_article(now['color'] + ' ' + now['shape'])} until the clip ends at {ctx.end()}."))
    log = " ".join(lines)

    if kind == "what_changed":
        attribute = mine[0]["type"].split("_")[0]
        finding = ctx.pick(f"What changes is its {_WORD[attribute]}.",
                           f"Only its {_WORD[attribute]} changed; the rest stayed the same.",
                           f"So the change is in its {_WORD[attribute]}.")
    elif kind == "color_before":
        before = next(e for e in mine if e["type"] == "color_change")["from"]
        finding = ctx.pick(f"Before the change it was {before}.", f"Its colour before the change was {before}.",
                           f"It was {before} until it changed.")
    elif kind == "shape_before":
        before = shape_name(str(next(e for e in mine if e["type"] == "shape_change")["from"]))
        finding = ctx.pick(f"Before the change it was {with_article(before)}.", f"Its shape before the change was {with_article(before)}.",
                           f"It was {with_article(before)} until it changed.")
    elif kind == "grew":
        sizes = [e for e in mine if e["type"] == "size_change"]
        grew = float(sizes[-1]["to_scale"]) > float(sizes[0]["from_scale"])
        finding = ("It ends bigger than it started." if grew else "It ends smaller than it started, not bigger.")
    else:
        attribute = str(query.get("attribute"))
        count = sum(e["type"] == f"{attribute}_change" for e in mine)
        finding = ctx.pick(f"That is {plural(count, _WORD[attribute] + ' change')}.",
                           f"Its {_WORD[attribute]} changes {times(count)}." if count else
                           f"Its {_WORD[attribute]} never changes: 0 times.",
                           f"Counting them gives {count}.")
    return paragraphs(plan, scene, start, log, ctx.conclude(finding))


# Coloured shapes only: the colour-and-shape check covers every name a chain can use.
register_names("attribute_change")(no_names)
