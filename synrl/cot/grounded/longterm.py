"""Shared reasoning of the long-term tasks: follow the state through every operation.

Only one of the first and last states is shown. When the first is, the watcher reads it and
carries it forward operation by operation; when only the last is, the watcher logs what each
operation visibly does and, once the last state appears, undoes the operations from the last
to the first. Either way every intermediate state is known by the end, which is what every
question needs."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from synrl.cot.grounded.base import WriterContext, capitalize, paragraphs

Event = Mapping[str, Any]
State = Mapping[str, Any]


@dataclass
class StateWords:
    """How one task talks about its states and operations.

    ``state``: a state in words ("the pile is 7 of Hearts, 2 of Clubs").
    ``seen``: what an operation visibly does, without knowing the hidden state.
    ``effect``: what an operation does to a known state (``before`` -> ``after``).
    ``undo``: how undoing an operation turns ``after`` back into ``before``.
    """

    state: Callable[[State], str]
    seen: Callable[[Event], str]
    effect: Callable[[Event, State, State], str]
    undo: Callable[[Event, State, State], str]
    #: "the pile", "the cups", "the file tree", "the board": what is shown or hidden.
    thing: str
    #: "operation", "command", "hop".
    noun: str = "operation"
    #: Whether ``thing`` takes a plural verb ("the cups are shown").
    plural: bool = False
    #: Whether each step states only what changed (``effect``/``undo`` say it in full)
    #: rather than the whole state again: for states too large to repeat every step.
    changes_only: bool = False

    @property
    def be(self) -> str:
        return "are" if self.plural else "is"


def operations(ctx: WriterContext) -> list[Event]:
    return [e for e in ctx.events() if "step" in e and e["type"] not in ("initial_reveal", "final_reveal")]


def states(ctx: WriterContext) -> list[State]:
    return sorted(ctx.record.get("states") or [], key=lambda s: s["step"])


def initial_visible(ctx: WriterContext) -> bool:
    return bool(ctx.events("initial_reveal")[0]["visible"])


def final_start_ms(ctx: WriterContext) -> int:
    return int(ctx.events("final_reveal")[0]["start_ms"])


def track_states(ctx: WriterContext, words: StateWords) -> str:
    """The paragraphs that follow the state from the shown end through every operation."""
    ops = operations(ctx)
    snapshots = states(ctx)
    first, last = snapshots[0], snapshots[-1]
    ctx.precise_if_crowded([op["start_ms"] for op in ops] + [final_start_ms(ctx)])
    final_at = ctx.at(final_start_ms(ctx))
    style = ctx.style(3)

    if initial_visible(ctx):
        opening = ctx.pick(
            f"At {ctx.at(0)} {words.thing} {words.be} shown: {words.state(first)}.",
            f"The video opens ({ctx.at(0)}) by showing {words.thing}: {words.state(first)}.",
            f"First, at {ctx.at(0)}, I can see {words.thing}: {words.state(first)}.",
        )
        plan = ctx.pick(
            f"After that {'they are' if words.plural else 'it is'} hidden, so I carry this state forward through each {words.noun}, in order.",
            f"From here on I can't see {'them' if words.plural else 'it'}, so I update the state myself after every {words.noun}.",
            f"{'They are' if words.plural else 'It is'} covered afterwards; I keep the state in mind and apply each {words.noun} as it happens.",
        )
        steps = []
        for k, op in enumerate(ops):
            before, after = snapshots[k], snapshots[k + 1]
            t = ctx.at(op["start_ms"])
            effect = words.effect(op, before, after)
            now = words.state(after)
            if words.changes_only:
                steps.append(f"{k + 1}. At {t} {effect}." if style == 1 else
                             ctx.pick(f"At {t} {effect}.", f"Then at {t} {effect}.", f"Next, at {t}, {effect}."))
            elif style == 1:
                steps.append(f"{k + 1}. At {t} {effect}. Now {now}.")
            else:
                steps.append(ctx.pick(f"At {t} {effect}: now {now}.",
                                      f"At {t} {effect}, so {now}.",
                                      f"Then at {t} {effect}. That leaves: {now}.") if k else
                             f"At {t} {effect}: now {now}.")
        log = ("\n" if style == 1 else " ").join(steps)
        closing = ctx.pick(
            f"At {final_at} the end stays covered, so the final state is the one I tracked: {words.state(last)}.",
            f"No more {words.noun}s follow; from {final_at} to the end nothing is revealed, and by my tracking {words.state(last)}.",
            f"That was the last {words.noun}. At {final_at} the screen stays covered; my tracked final state: {words.state(last)}.",
        )
        return paragraphs(opening + " " + plan, log, closing)

    opening = ctx.pick(
        f"At {ctx.at(0)} {words.thing} {words.be} covered, so I don't know the starting state yet; I note what each {words.noun} does.",
        f"The video starts ({ctx.at(0)}) without showing {words.thing}. I log every {words.noun} and will work it out once the end is shown.",
        f"{capitalize(words.thing)} {words.be} hidden at the start ({ctx.at(0)}); only the final state will be shown, so I record the {words.noun}s and reason backwards.",
    )
    seen = []
    for k, op in enumerate(ops):
        t = ctx.at(op["start_ms"])
        seen.append(f"{k + 1}. At {t} {words.seen(op)}." if style == 1 else
                    ctx.pick(f"At {t} {words.seen(op)}.", f"At {t}, {words.seen(op)}.",
                             f"Then at {t} {words.seen(op)}.") if k else f"At {t} {words.seen(op)}.")
    log = ("\n" if style == 1 else " ").join(seen)
    reveal = ctx.pick(
        f"At {final_at} the final state is shown: {words.state(last)}.",
        f"Then, at {final_at}, {words.thing} {words.be} revealed: {words.state(last)}.",
        f"Finally {words.thing} {'appear' if words.plural else 'appears'} at {final_at}: {words.state(last)}.",
    )
    back = [ctx.pick("Now I undo the operations from the last to the first.",
                     "Working backwards from this, one step at a time.",
                     "Now I reverse each step, newest first.")]
    for k in range(len(ops) - 1, -1, -1):
        op = ops[k]
        before, after = snapshots[k], snapshots[k + 1]
        t = ctx.at(op["start_ms"])
        if words.changes_only:
            back.append(ctx.pick(f"At {t}: {words.undo(op, before, after)}.",
                                 f"Before {t}, {words.undo(op, before, after)}.",
                                 f"Going back past {t}, {words.undo(op, before, after)}."))
            continue
        back.append(ctx.pick(
            f"Before the {words.noun} at {t} ({words.undo(op, before, after)}), {words.state(before)}.",
            f"Undoing the {words.noun} at {t} ({words.undo(op, before, after)}): {words.state(before)}.",
            f"Going back past {t} ({words.undo(op, before, after)}), {words.state(before)}.",
        ))
    back.append(ctx.pick(f"So at the start, {words.state(first)}.",
                         f"That is the starting state: {words.state(first)}.",
                         f"Which means that at {ctx.at(0)}, {words.state(first)}."))
    return paragraphs(opening, log, reveal, ("\n" if style == 1 else " ").join(back))


def step_moment(ctx: WriterContext, step: int, noun: str = "operation") -> str:
    """When the state after ``step`` operations holds, in the watcher's words with a time."""
    ops = operations(ctx)
    if step <= 0:
        return f"at the start ({ctx.at(0)})"
    if step >= len(ops):
        return f"at the end ({ctx.at(final_start_ms(ctx))})"
    return f"right after the {noun} at {ctx.at(ops[step - 1]['start_ms'])}"


def joined(items: Sequence[str], empty: str = "nothing") -> str:
    return ", ".join(items) if items else empty
