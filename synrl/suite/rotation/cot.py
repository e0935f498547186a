"""`rotation`: where the T's bar (or the L's long arm) points over time, and each full turn."""

from __future__ import annotations

from synrl.cot.grounded.base import MOTION, WriterContext, compass_index, ordinal, paragraphs, plural
from synrl.cot.grounded.registry import register_writer
from synrl.cot.names import no_names, register_names

# The bar of the T and the long arm of the L point up at angle 0 (synrl.render.shapes).
_PART = {"T": "bar", "L": "long arm"}
_PART_OFFSET_DEG = 90.0


def _pointing(angle_deg: float) -> str:
    return MOTION[compass_index(angle_deg + _PART_OFFSET_DEG)]


def _remainder_words(degrees: float) -> str:
    quarters = round(degrees / 90)
    return ("only a small part of a turn", "about a quarter of a turn", "about half a turn",
            "about three quarters of a turn", "almost a full turn, but not quite")[min(quarters, 4)]


@register_writer("rotation")
def write_rotation(ctx: WriterContext) -> str:
    target = ctx.target_id
    name = ctx.name(target)
    track = ctx.track(target)
    part = _PART.get(str(track["shape"]), "tip")
    spin = ctx.events("spin", target)[0]
    direction = spin["direction"]
    degrees = abs(float(spin["degrees"]))
    turns = ctx.events("full_turn", target)
    ctx.precise_if_crowded([e["start_ms"] for e in turns] + [ctx.duration_ms])
    angles = track["angle"]
    first, last = float(angles[0]), float(angles[-1])
    sense = -1.0 if direction == "clockwise" else 1.0
    kind = (ctx.record.get("query") or {}).get("kind")

    if kind == "full_turns":
        plan = ctx.pick(
            f"To count full turns, I note where the {part} of the {name} points at the start and count each time it comes back there.",
            f"A full turn means the {part} of the {name} returns to where it pointed at the start; I count those returns.",
            f"I fix the starting direction of the {name}'s {part} and count how many times it sweeps all the way round to it again.",
        )
    else:
        plan = ctx.pick(
            f"To tell the direction of rotation, I watch which way the {part} of the {name} sweeps.",
            f"I follow the {part} of the {name} and see whether it turns like a clock's hands or the other way.",
            f"Rotation shows in how the {part} of the {name} moves around its centre, so I track it over time.",
        )
    start = ctx.pick(
        f"At {ctx.at(0)} the {part} points {_pointing(first)}.",
        f"At the start ({ctx.at(0)}) the {name}'s {part} is pointing {_pointing(first)}.",
        f"First frame, {ctx.at(0)}: the {part} points {_pointing(first)}.",
    )

    style = ctx.style(3)
    if direction == "none":
        log = ctx.pick(
            f"Through the whole clip, up to {ctx.end()}, the {part} keeps pointing {_pointing(last)}: the shape never turns.",
            f"It may drift, but its orientation does not change at all; at {ctx.end()} the {part} still points {_pointing(last)}.",
            f"Frame after frame the {part} stays pointing {_pointing(last)}, all the way to {ctx.end()}.",
        )
        steps = [log]
    else:
        clock = "the same way as a clock's hands" if direction == "clockwise" else "against a clock's hands"
        steps = [ctx.pick(
            f"A moment later it has swung round to point {_pointing(first + sense * 90)}: it turns {clock}.",
            f"It then sweeps round until it points {_pointing(first + sense * 90)}, which is turning {clock}.",
            f"Next the {part} moves on to point {_pointing(first + sense * 90)}, so the rotation goes {clock}.",
        )]
        for i, event in enumerate(turns, 1):
            t = ctx.at(event["start_ms"])
            if style == 1:
                steps.append(f"- {t}: pointing {_pointing(first)} again, turn {i} complete.")
            else:
                steps.append(ctx.pick(
                    f"At {t} the {part} points {_pointing(first)} again: that is the {ordinal(i)} full turn.",
                    f"By {t} it has come all the way round to point {_pointing(first)} again, completing turn {i}.",
                    f"Turn {i} is complete at {t}, with the {part} pointing {_pointing(first)} once more.",
                ))
        remainder = degrees - 360 * len(turns)
        since = f"after the last full turn at {ctx.at(turns[-1]['start_ms'])}" if turns else "from the start"
        if remainder < 45 and turns:
            steps.append(ctx.pick(
                f"The clip ends soon after, at {ctx.end()}, with the {part} still pointing about {_pointing(last)}: no further turn.",
                f"Then the video stops at {ctx.end()}, before the {part} gets much further.",
                f"Only a sliver more rotation follows before the end at {ctx.end()}.",
            ))
        else:
            steps.append(ctx.pick(
                f"When the clip ends at {ctx.end()} the {part} points {_pointing(last)}; {since} it has gone {_remainder_words(remainder)}.",
                f"At the end ({ctx.end()}) it points {_pointing(last)}, having turned {_remainder_words(remainder)} {since}.",
                f"The last frame, at {ctx.end()}, shows the {part} pointing {_pointing(last)}: {_remainder_words(remainder)} {since}.",
            ))
    log = ("\n" if style == 1 else " ").join(steps)

    if kind == "full_turns":
        finding = ctx.pick(f"The {name} completes {plural(len(turns), 'full turn')}.",
                           f"That makes {plural(len(turns), 'complete rotation')}.",
                           f"I count {len(turns)}.")
    elif kind == "spins_clockwise":
        finding = {"clockwise": "It does rotate clockwise.",
                   "counter-clockwise": "It rotates counter-clockwise, not clockwise.",
                   "none": "It does not rotate at all, so it is not rotating clockwise."}[direction]
    else:
        finding = {"clockwise": f"The {name} spins clockwise.",
                   "counter-clockwise": f"The {name} spins counter-clockwise.",
                   "none": f"The {name} is not spinning."}[direction]
    return paragraphs(plan, ctx.distractor_note(target), start, log, ctx.conclude(finding))


# Coloured shapes only: the colour-and-shape check covers every name a chain can use.
register_names("rotation")(no_names)
