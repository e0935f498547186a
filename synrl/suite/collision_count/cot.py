"""`collision_count`: follow the ball, log each wall contact with its time and wall, count."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from synrl.cot.grounded.base import WriterContext, capitalize, join_words, ordinal, paragraphs, plural, times
from synrl.cot.grounded.registry import register_writer
from synrl.cot.names import no_names, register_names


def _contact_sentence(ctx: WriterContext, n: int, event: Mapping[str, Any], counted: bool | None) -> str:
    t, wall = ctx.at(event["start_ms"]), event["wall"]
    note = ""
    if counted is False:
        note = ctx.pick(" (not one of the walls asked about)", " (a wall the question does not count)",
                        " (that wall doesn't count here)")
    elif counted is True:
        note = ctx.pick(" (this one counts)", " (counted)", " (one of the walls asked about)")
    return ctx.pick(
        f"At {t} it hits the {wall} wall and bounces back{note}.",
        f"At {t} it reaches the {wall} wall and rebounds{note}.",
        f"{capitalize(ordinal(n))} contact: the {wall} wall at {t}{note}.",
    )


@register_writer("collision_count")
def write_collision(ctx: WriterContext) -> str:
    target = ctx.target_id
    name = ctx.name(target)
    query = ctx.record.get("query") or {}
    contacts = ctx.events("wall_contact", target)
    ctx.precise_if_crowded([e["start_ms"] for e in contacts])
    x, y = ctx.position(target, 0)
    start = ctx.pick(
        f"At {ctx.at(0)} the {name} is {ctx.located(x, y)}, moving {ctx.heading(target, 0)}.",
        f"The clip opens ({ctx.at(0)}) with the {name} {ctx.located(x, y)}, heading {ctx.heading(target, 0)}.",
        f"At the start, {ctx.at(0)}, I find the {name} {ctx.located(x, y)}; it travels {ctx.heading(target, 0)}.",
    )
    distractors = ctx.distractor_note(target)

    if query.get("kind") == "first_wall":
        plan = ctx.pick(
            f"I need the first wall the {name} touches, so I watch it from the very beginning.",
            f"The question is which wall the {name} meets first; I follow it from the start.",
            f"To find the first wall, I track the {name} until it touches any wall.",
        )
        first = contacts[0]
        log = ctx.pick(
            f"It moves freely until {ctx.at(first['start_ms'])}, when it touches the {first['wall']} wall: that is the first contact.",
            f"Nothing touches a wall before {ctx.at(first['start_ms'])}; then the {name} bumps into the {first['wall']} wall.",
            f"The first bounce comes at {ctx.at(first['start_ms'])}, off the {first['wall']} wall.",
        )
        later = ""
        if len(contacts) > 1:
            rest = join_words([f"the {e['wall']} wall at {ctx.at(e['start_ms'])}" for e in contacts[1:]])
            later = ctx.pick(f"Later it also hits {rest}, but those come after.",
                             f"After that it touches {rest}; they don't change which wall was first.",
                             f"It goes on to hit {rest}, all later than the first one.")
        finding = f"The first wall the {name} touches is the {first['wall']} wall."
        return paragraphs(plan, distractors, start, log, later, ctx.conclude(finding))

    walls = [str(w) for w in query.get("walls") or ("top", "bottom", "left", "right")]
    all_walls = len(set(walls)) >= 4
    if all_walls:
        plan = ctx.pick(
            f"To count the wall contacts, I follow the {name} through the whole clip and log every bounce.",
            f"I'll track the {name} from start to end and write down each time it touches a wall.",
            f"Counting bounces: I keep my eyes on the {name} and note every wall it hits, with the time.",
        )
    else:
        asked = join_words([f"the {w}" for w in walls], "or")
        plan = ctx.pick(
            f"Only contacts with {asked} wall count, so I log every bounce of the {name} and then keep those.",
            f"I follow the {name}, note every wall contact, and count only those with {asked} wall.",
            f"I track the {name} and record each wall it touches; the question counts {asked} wall only.",
        )
    style = ctx.style(3)
    counted_flags = [None if all_walls else e["wall"] in walls for e in contacts]
    if not contacts:
        log = ctx.pick(
            f"It never reaches a wall: when the clip ends at {ctx.end()} it is still moving in open space.",
            f"It doesn't get to any wall before the video stops at {ctx.end()}.",
            f"All the way to the end ({ctx.end()}) it stays clear of the walls.",
        )
    elif style == 1:
        lines = [f"{i}. {ctx.at(e['start_ms'])}: {e['wall']} wall" + ("" if flag is None else (" (counts)" if flag else " (doesn't count)"))
                 for i, (e, flag) in enumerate(zip(contacts, counted_flags), 1)]
        log = ctx.pick("My log of its wall contacts:", "Contacts I see, in order:", "Here is every bounce:") + "\n" + "\n".join(lines)
        log += "\n" + ctx.pick(f"After that it touches no more walls until the end at {ctx.end()}.",
                               f"No further contact before the clip ends at {ctx.end()}.",
                               f"Then nothing more until {ctx.end()}, the end.")
    else:
        sentences = [_contact_sentence(ctx, i, e, flag)
                     for i, (e, flag) in enumerate(zip(contacts, counted_flags), 1)]
        if style == 2 and len(sentences) > 1:
            sentences = [sentences[0]] + [ctx.pick("Then ", "Next, ", "After that, ") + s[0].lower() + s[1:]
                                          for s in sentences[1:]]
        sentences.append(ctx.pick(f"From there it doesn't touch another wall before the end at {ctx.end()}.",
                                  f"No more contacts follow until the clip ends at {ctx.end()}.",
                                  f"It is still moving, wall-free, when the video stops at {ctx.end()}."))
        log = " ".join(sentences)

    count = sum(1 for e in contacts if e["wall"] in walls)
    if all_walls:
        finding = ctx.pick(f"That is {plural(count, 'wall contact')} in total.",
                           f"Counting them gives {count}.",
                           f"All in all, the {name} touches the walls {times(count)}.")
    else:
        counted_at = join_words([ctx.at(e["start_ms"]) for e in contacts if e["wall"] in walls])
        which = f" (at {counted_at})" if count else ""
        finding = ctx.pick(f"Contacts with {join_words(walls, 'or')} wall: {count}{which}.",
                           f"Keeping only the {join_words(walls, 'and')} walls leaves {count}{which}.",
                           f"It touches the {join_words(walls, 'or')} wall {times(count)}{which}.")
    return paragraphs(plan, distractors, start, log, ctx.conclude(finding))


# Coloured shapes only: the colour-and-shape check covers every name a chain can use.
register_names("collision_count")(no_names)
