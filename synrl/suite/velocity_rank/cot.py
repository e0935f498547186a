"""`velocity_rank`: measure the distance each object covers per second from its track and
rank them."""

from __future__ import annotations

from synrl.cot.grounded.base import WriterContext, capitalize, join_words, measured_speed, paragraphs
from synrl.cot.grounded.registry import register_writer
from synrl.cot.names import no_names, register_names


@register_writer("velocity_rank")
def write_velocity_rank(ctx: WriterContext) -> str:
    query = ctx.record.get("query") or {}
    kind = query.get("kind")
    asked = [str(i) for i in query.get("objects") or ctx.names]
    # The simulated speeds decide the order; the measured ones are what a watcher reports,
    # and agree with it (neighbouring ranks differ by at least a quarter).
    true_speed = {e["object"]: float(e["speed_px_s"]) for e in ctx.events("motion")}
    seen = {oid: measured_speed(ctx, oid, 0, ctx.num_frames - 1) for oid in asked}
    order = sorted(asked, key=lambda oid: -true_speed[oid])
    everyone = [oid for oid in ctx.names if oid in asked]

    if kind == "faster":
        a, b = asked
        plan = ctx.pick(
            f"To compare the {ctx.name(a)} and the {ctx.name(b)}, I measure how far each one moves per second.",
            f"I follow the {ctx.name(a)} and the {ctx.name(b)} and compare the ground each covers per second.",
            f"Only two objects matter: the {ctx.name(a)} and the {ctx.name(b)}. I check which one covers more distance each second.",
        )
        others = [f"the {name}" for oid, name in ctx.names.items() if oid not in asked]
        if others:
            plan += " " + ctx.pick(f"{capitalize(join_words(others))} also move, but they are not part of the question.",
                                   f"I leave aside {join_words(others)}.",
                                   f"The others ({join_words(others)}) don't matter here.")
    else:
        plan = ctx.pick(
            "Each object moves in a straight line at its own steady pace, bouncing off the walls; I measure how far each goes per second.",
            "To rank speeds, I follow every object in turn and estimate the distance it covers each second.",
            f"I watch the {len(everyone)} objects one by one and compare how much ground each covers per second.",
        )
    span = ctx.pick(f"over the whole clip, {ctx.at(0)} to {ctx.end()}",
                    f"from {ctx.at(0)} until the end at {ctx.end()}",
                    f"throughout the video ({ctx.at(0)} to {ctx.end()})")
    style = ctx.style(3)
    lines = []
    for oid in everyone:
        name = ctx.name(oid)
        bounces = ctx.events("wall_contact", oid)
        bounce = ""
        if bounces:
            first = bounces[0]
            bounce = ctx.pick(f", bouncing off the {first['wall']} wall at {ctx.at(first['start_ms'])} without changing pace",
                              f"; it rebounds off the {first['wall']} wall at {ctx.at(first['start_ms'])} but keeps its speed",
                              f" (a bounce off the {first['wall']} wall at {ctx.at(first['start_ms'])} leaves its speed unchanged)")
        if style == 1:
            lines.append(f"- the {name}: about {seen[oid]:.0f} px per second")
        else:
            lines.append(ctx.pick(
                f"The {name} covers about {seen[oid]:.0f} px each second{bounce}.",
                f"The {name} moves at a steady pace of roughly {seen[oid]:.0f} px per second{bounce}.",
                f"I measure the {name} at about {seen[oid]:.0f} px per second{bounce}.",
            ))
    if style == 1:
        log = ctx.pick(f"Distance per second, {span}:", f"What I measure {span}:",
                       f"Speeds {span}:") + "\n" + "\n".join(lines)
    else:
        log = capitalize(span) + ", each keeps a constant speed. " + " ".join(lines)

    if kind == "faster":
        a, b = asked
        faster = true_speed[a] > true_speed[b]
        finding = (f"The {ctx.name(a)} is faster than the {ctx.name(b)}." if faster else
                   f"The {ctx.name(a)} is slower than the {ctx.name(b)}, so it is not moving faster.")
    elif kind == "fastest":
        finding = ctx.pick(f"The {ctx.name(order[0])} covers the most ground per second: it is the fastest.",
                           f"The fastest is the {ctx.name(order[0])}.",
                           f"None is quicker than the {ctx.name(order[0])}.")
    else:
        ranked = join_words([f"the {ctx.name(oid)}" for oid in order], "then")
        finding = ctx.pick(f"From fastest to slowest: {ranked}.",
                           f"Sorting by distance per second, the order is {ranked}.",
                           f"So the ranking, fastest first, is {ranked}.")
    return paragraphs(plan, log, ctx.conclude(finding))


# Coloured shapes only: the colour-and-shape check covers every name a chain can use.
register_names("velocity_rank")(no_names)
