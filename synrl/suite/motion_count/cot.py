"""`motion_count`: log every jump and slide of the object with its time, then count or pick."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from synrl.cot.grounded.base import WriterContext, capitalize, join_words, ordinal, paragraphs, plural, times
from synrl.cot.grounded.registry import register_writer
from synrl.cot.names import no_names, register_names

_MOTIONS = ("jump", "slide")


def _side(event: Mapping[str, Any]) -> str:
    return "right" if event["to_x"] > event["from_x"] else "left"


def _motion_sentence(ctx: WriterContext, n: int, event: Mapping[str, Any], counted: bool | None) -> str:
    t0, t1 = ctx.at(event["start_ms"]), ctx.at(event["end_ms"])
    note = ""
    if counted is False:
        note = ctx.pick(" (a slide, not a jump, so it doesn't count)", " (not a jump)",
                        " (it stays on the floor: no jump)")
    if event["type"] == "jump":
        return ctx.pick(
            f"At {t0} it leaves the floor, rises in an arc and lands again at {t1}: a jump{note}.",
            f"{capitalize(ordinal(n))} movement, {t0} to {t1}: it hops up into the air and comes back down{note}.",
            f"From {t0} to {t1} it jumps, drifting a little to the {_side(event)} while in the air{note}.",
        )
    return ctx.pick(
        f"At {t0} it slides along the floor to the {_side(event)}, without leaving it, and stops at {t1}{note}.",
        f"{capitalize(ordinal(n))} movement, {t0} to {t1}: it glides sideways to the {_side(event)} on the floor{note}.",
        f"From {t0} to {t1} it slides {_side(event)}wards, staying on the ground{note}.",
    )


@register_writer("motion_count")
def write_motion_count(ctx: WriterContext) -> str:
    target = ctx.target_id
    name = ctx.name(target)
    query = ctx.record.get("query") or {}
    moves = [e for e in ctx.events(object=target) if e["type"] in _MOTIONS]
    ctx.precise_if_crowded([t for e in moves for t in (e["start_ms"], e["end_ms"])])
    x, y = ctx.position(target, 0)
    start = ctx.pick(
        f"At {ctx.at(0)} the {name} rests on the floor {ctx.located(x, y)}.",
        f"The clip opens ({ctx.at(0)}) with the {name} sitting on the floor {ctx.located(x, y)}.",
        f"At the start, {ctx.at(0)}, the {name} stands still on the floor {ctx.located(x, y)}.",
    )
    first_only = query.get("kind") == "first_motion"
    counted_kinds = list(query.get("motions") or _MOTIONS)
    jumps_only = not first_only and counted_kinds == ["jump"]
    if first_only:
        plan = ctx.pick(
            f"I watch the {name} from the start and note what its first movement is: a jump or a slide.",
            f"The question is about the {name}'s first move, so I wait for it to move and see how.",
            f"I follow the {name} until it first moves, and check whether it leaves the floor.",
        )
    elif jumps_only:
        plan = ctx.pick(
            f"To count jumps, I log every movement of the {name} and keep those where it leaves the floor.",
            f"I follow the {name} through the clip, noting each move; only jumps count, not slides.",
            f"Counting the {name}'s jumps: I write down each movement with its time and check if it is a jump.",
        )
    else:
        plan = ctx.pick(
            f"I log every movement of the {name}, jumps and slides alike, with its time.",
            f"Each separate move counts here, so I follow the {name} and note every jump and every slide.",
            f"Counting movements: I track the {name} and write down each time it starts and stops moving.",
        )
    shown = moves[:1] if first_only else moves
    flags = [None if not jumps_only else e["type"] == "jump" for e in shown]
    style = ctx.style(3)
    if not shown:
        log = ctx.pick(f"It never moves: it is still in the same place when the clip ends at {ctx.end()}.",
                       f"Nothing happens to it all the way to {ctx.end()}, the end.",
                       f"It stays put until the video stops at {ctx.end()}.")
    elif style == 1 and not first_only:
        lines = [f"{i}. {ctx.at(e['start_ms'])} to {ctx.at(e['end_ms'])}: {e['type']}"
                 + ("" if flag is None else (" (counts)" if flag else " (doesn't count)"))
                 for i, (e, flag) in enumerate(zip(shown, flags), 1)]
        log = ctx.pick("Its movements, in order:", "My log:", "What I see it do:") + "\n" + "\n".join(lines)
        log += "\n" + ctx.pick(f"Then it stays still until the end at {ctx.end()}.",
                               f"No more movement before the clip ends at {ctx.end()}.",
                               f"After that it rests until {ctx.end()}.")
    else:
        sentences = [_motion_sentence(ctx, i, e, flag) for i, (e, flag) in enumerate(zip(shown, flags), 1)]
        if first_only:
            sentences.insert(0, ctx.pick(f"It stays still until {ctx.at(shown[0]['start_ms'])}.",
                                         f"Nothing happens before {ctx.at(shown[0]['start_ms'])}.",
                                         f"It waits on the floor until {ctx.at(shown[0]['start_ms'])}."))
            if len(moves) > 1:
                sentences.append(ctx.pick("It moves again later, but that comes after.",
                                          "Later movements don't matter for what it does first.",
                                          "Whatever it does afterwards is not its first move."))
        else:
            sentences.append(ctx.pick(f"Then it rests until the clip ends at {ctx.end()}.",
                                      f"It makes no further move before {ctx.end()}, the end.",
                                      f"From there it stays still to the end ({ctx.end()})."))
        log = " ".join(sentences)

    if first_only:
        first = moves[0]["type"]
        finding = ("Its first movement is a jump: it leaves the floor." if first == "jump" else
                   "Its first movement is a slide along the floor.")
    else:
        count = sum(e["type"] in counted_kinds for e in moves)
        if jumps_only:
            finding = ctx.pick(f"That is {plural(count, 'jump')}.", f"The {name} jumps {times(count)}." if count else
                               f"The {name} never jumps: 0 jumps.", f"Counting only the jumps gives {count}.")
        else:
            kinds = join_words([plural(sum(e["type"] == k for e in moves), k) for k in _MOTIONS])
            finding = ctx.pick(f"That is {plural(count, 'movement')} in all ({kinds}).",
                               f"Adding them up: {kinds}, so {plural(count, 'movement')}.",
                               f"In total the {name} moves {times(count)}." if count else
                               f"The {name} makes 0 movements.")
    return paragraphs(plan, ctx.distractor_note(target), start, log, ctx.conclude(finding))


# Coloured shapes only: the colour-and-shape check covers every name a chain can use.
register_names("motion_count")(no_names)
