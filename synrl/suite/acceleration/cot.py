"""`acceleration`: measure the object's speed through the clip, find when it starts and
stops changing, and read the profile off those phases."""

from __future__ import annotations

from synrl.cot.grounded.base import WriterContext, join_words, measured_speed, paragraphs
from synrl.cot.grounded.registry import register_writer
from synrl.cot.names import no_names, register_names

_PHASE_WORDS = {"constant": "keeps a constant speed", "speeding_up": "speeds up",
                "slowing_down": "slows down"}


@register_writer("acceleration")
def write_acceleration(ctx: WriterContext) -> str:
    target = ctx.target_id
    name = ctx.name(target)
    kind = (ctx.record.get("query") or {}).get("kind")
    phases = ctx.events("speed_phase", target)
    # Change times sit on a half-second grid, often between whole seconds.
    ctx.decimals = 1
    window = max(2, round(ctx.fps / 5))

    def speed_near(ms: float, after: bool) -> float:
        frame = ctx.frame_of(ms)
        return measured_speed(ctx, target, frame, frame + window) if after else \
            measured_speed(ctx, target, frame - window, frame)

    plan = ctx.pick(
        f"I follow the {name} and measure how far it travels per second in each part of the clip, to see when its speed changes.",
        f"Speed shows in how much ground the {name} covers between frames; I track that from start to end and note where it starts and stops changing.",
        f"I watch the {name}'s pace through the whole clip, checking the distance it covers per second as time goes on.",
    )
    x, y = ctx.position(target, 0)
    start = ctx.pick(
        f"At {ctx.at(0)} it is {ctx.located(x, y)}, moving {ctx.heading(target, 0)} at about {speed_near(0, True):.0f} px per second.",
        f"It starts {ctx.located(x, y)} at {ctx.at(0)}, heading {ctx.heading(target, 0)}, covering about {speed_near(0, True):.0f} px each second.",
        f"The clip opens ({ctx.at(0)}) with the {name} {ctx.located(x, y)}, going {ctx.heading(target, 0)} at roughly {speed_near(0, True):.0f} px per second.",
    )
    bounces = ctx.events("wall_contact", target)
    bounce_note = ""
    if bounces:
        bounce_note = ctx.pick(
            "It bounces off the walls along the way, which changes its direction but not its speed, so I ignore the bounces.",
            f"It rebounds off {'a wall' if len(bounces) == 1 else 'the walls'} now and then; a bounce turns it around without changing its pace.",
            "The wall bounces only change where it goes, not how fast, so they don't matter here.",
        )
    style = ctx.style(3)
    lines = []
    for i, phase in enumerate(phases):
        t0, t1 = ctx.at(phase["start_ms"]), ctx.at(phase["end_ms"])
        v0, v1 = speed_near(phase["start_ms"], True), speed_near(phase["end_ms"], False)
        change = phase["change"]
        if style == 1:
            lines.append(f"- {t0} to {t1}: {_PHASE_WORDS[change]} (about {v0:.0f} to {v1:.0f} px per second)")
        elif change == "constant":
            lines.append(ctx.pick(
                f"From {t0} to {t1} its pace stays even, about {v0:.0f} px per second throughout.",
                f"Between {t0} and {t1} it covers the same distance every second (about {v1:.0f} px): constant speed.",
                f"{t0} to {t1}: steady, about {v0:.0f} px per second, neither faster nor slower.",
            ))
        else:
            verb = "speeds up" if change == "speeding_up" else "slows down"
            more = "longer" if change == "speeding_up" else "shorter"
            lines.append(ctx.pick(
                f"At {t0} it starts to {verb.split()[0][:-1]} {verb.split()[1]}: its steps get {more} each frame, "
                f"from about {v0:.0f} to about {v1:.0f} px per second by {t1}, where the change stops.",
                f"From {t0} to {t1} it {verb}, going from about {v0:.0f} to about {v1:.0f} px per second.",
                f"Then, from {t0}, the spacing between its positions grows {more}: it {verb} until {t1} "
                f"(about {v0:.0f} to {v1:.0f} px per second).",
            ))
    heading = ctx.pick("Its speed, phase by phase:", "What I measure:", "Phases of its motion:")
    log = heading + "\n" + "\n".join(lines) if style == 1 else " ".join(lines)

    changing = [p for p in phases if p["change"] != "constant"]
    if kind == "speed_profile":
        words = [_PHASE_WORDS[p["change"]] for p in phases]
        finding = ctx.pick(f"So first it {words[0]}, then it {words[1]}.",
                           f"The profile is: it {join_words(words, 'and then')}.",
                           f"In order, the {name} {join_words(words, 'and then')}.")
    else:
        change = changing[0]
        verb = "speed up" if change["change"] == "speeding_up" else "slow down"
        t0, t1 = change["start_ms"] / 1000, change["end_ms"] / 1000
        if kind == "change_onset":
            finding = ctx.pick(f"The {name} starts to {verb} at {ctx.at(change['start_ms'])}, about {t0:.1f} seconds in.",
                               f"The change begins at {ctx.at(change['start_ms'])}, that is after about {t0:.1f} seconds.",
                               f"So it begins to {verb} at about {t0:.1f} seconds ({ctx.at(change['start_ms'])}).")
        else:
            finding = ctx.pick(f"It {verb}s from {ctx.at(change['start_ms'])} to {ctx.at(change['end_ms'])}, "
                               f"that is between {t0:.1f} and {t1:.1f} seconds.",
                               f"The change lasts from about {t0:.1f} to {t1:.1f} seconds.",
                               f"So the {verb.split()[0]}-{verb.split()[1]} interval is {t0:.1f} to {t1:.1f} seconds.")
    return paragraphs(plan, ctx.distractor_note(target), start, bounce_note, log, ctx.conclude(finding))


# Coloured shapes only: the colour-and-shape check covers every name a chain can use.
register_names("acceleration")(no_names)
