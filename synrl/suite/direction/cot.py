"""`direction`: the first leg, the turn and its time, the second leg."""

from __future__ import annotations

from synrl.cot.grounded.base import WriterContext, join_words, paragraphs
from synrl.cot.grounded.registry import register_writer
from synrl.cot.names import no_names, register_names

_AXIS_CUE = {
    "up": "it keeps climbing towards the top",
    "down": "it keeps sinking lower on screen",
    "left": "it drifts steadily towards the left wall",
    "right": "it slides steadily towards the right wall",
}


@register_writer("direction")
def write_direction(ctx: WriterContext) -> str:
    target = ctx.target_id
    name = ctx.name(target)
    query = ctx.record.get("query") or {}
    legs = ctx.events("move", target)
    turns = ctx.events("direction_change", target)
    ctx.precise_if_crowded([e["start_ms"] for e in legs] + [ctx.duration_ms])
    final_only = query.get("kind") == "final_direction"

    plan = ctx.pick(
        f"I follow the {name} from the start and note which way it goes, and whether and when it changes direction.",
        f"To get its path, I watch where the {name} is at the start, where it turns, and where it ends up.",
        f"I'll track the {name} frame by frame and log each stretch of its motion with the times.",
    )
    if final_only:
        plan = ctx.pick(
            f"The question is about the end of the clip, but I follow the {name} all the way, since it may turn.",
            f"To know how the {name} moves at the end, I track it through the whole clip and watch for turns.",
            f"I watch the {name} from the start; what counts is its direction in the last part of the video.",
        )

    steps = []
    style = ctx.style(3)
    for i, leg in enumerate(legs):
        start_frame = ctx.frame_of(leg["start_ms"])
        end_frame = ctx.frame_of(leg["end_ms"])
        where_from = ctx.region(*ctx.position(target, start_frame))
        where_to = ctx.region(*ctx.position(target, end_frame))
        at_from = ctx.located(*ctx.position(target, start_frame))
        at_to = ctx.located(*ctx.position(target, end_frame))
        d = leg["direction"]
        t0, t1 = ctx.at(leg["start_ms"]), ctx.at(leg["end_ms"])
        if i == 0:
            if style == 1:
                steps.append(f"1. {t0} to {t1}: moving {d}, from {where_from} to {where_to}.")
            else:
                steps.append(ctx.pick(
                    f"At {t0} the {name} is {at_from} and starts moving {d}: {_AXIS_CUE[d]}.",
                    f"From {t0} it heads {d}, starting {at_from}; {_AXIS_CUE[d]}.",
                    f"It begins {at_from} at {t0} and travels straight {d} ({_AXIS_CUE[d]}).",
                ))
        else:
            previous = legs[i - 1]["direction"]
            turn_at = ctx.at(turns[i - 1]["start_ms"]) if i - 1 < len(turns) else t0
            reverse = {"up": "down", "down": "up", "left": "right", "right": "left"}[previous] == d
            how = "reverses" if reverse else "turns"
            if style == 1:
                steps.append(f"{i + 1}. At {turn_at} it {how}; {turn_at} to {t1}: moving {d}, "
                             f"from {where_from} to {where_to}.")
            else:
                steps.append(ctx.pick(
                    f"At {turn_at}, when it is {at_from}, it stops going {previous} and {how}: now it moves {d}.",
                    f"Then, at {turn_at}, the motion changes: it {how} and goes {d} instead of {previous}.",
                    f"Around {turn_at} it changes course from {previous} to {d}.",
                ))
        if i == len(legs) - 1:
            if style == 1:
                steps.append(f"No other change until the end ({t1}).")
            else:
                steps.append(ctx.pick(
                    f"It keeps moving {d} until the clip ends at {t1}, finishing {at_to}.",
                    f"That lasts to the end of the video ({t1}); it finishes {at_to}.",
                    f"It is still going {d} at {t1}, when the video stops, now {at_to}.",
                ))
    if style == 1:
        steps.insert(0, ctx.pick("What I see:", "My log:", "Step by step:"))
        log = "\n".join(steps)
    else:
        log = " ".join(steps)

    directions = [leg["direction"] for leg in legs]
    if final_only:
        finding = ctx.pick(f"At the end of the video the {name} is moving {directions[-1]}.",
                           f"In the final part it moves {directions[-1]}.",
                           f"Its last direction is {directions[-1]}.")
    elif len(directions) == 1:
        finding = ctx.pick(f"It moves {directions[0]} the whole time, without turning.",
                           f"There is no turn: the {name} simply moves {directions[0]}.",
                           f"Its direction is {directions[0]} throughout.")
    else:
        path = join_words(directions, "then")
        finding = ctx.pick(f"The path is first {directions[0]}, then {directions[1]}.",
                           f"In order, the directions are {path}.",
                           f"The {name} goes {path}.")
    return paragraphs(plan, ctx.distractor_note(target), log, ctx.conclude(finding))


# Coloured shapes only: the colour-and-shape check covers every name a chain can use.
register_names("direction")(no_names)
