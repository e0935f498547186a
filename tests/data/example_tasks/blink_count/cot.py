"""`blink_count`: list each appearance with its time, then count them."""

from __future__ import annotations

from synrl.cot.grounded.base import WriterContext, join_words, paragraphs, plural
from synrl.cot.grounded.registry import register_writer
from synrl.cot.names import no_names, register_names

# A coloured shape: the checker's colour-and-shape test covers every name a chain can use.
register_names("blink_count")(no_names)


@register_writer("blink_count")
def write_blinks(ctx: WriterContext) -> str:
    name = ctx.name(ctx.target_id)
    shown = ctx.events("appear", ctx.target_id)
    ctx.precise_if_crowded([e["start_ms"] for e in shown])
    spans = [f"from {ctx.at(e['start_ms'])} to {ctx.at(e['end_ms'])}" for e in shown]
    return paragraphs(
        f"I watch the middle of the arena, where the {name} shows up and disappears again.",
        f"It is visible {join_words(spans)}.",
        ctx.conclude(f"So the {name} appears {plural(len(shown), 'time')}."),
    )
