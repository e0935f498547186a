"""`math_trail`: follow the ball hop by hop, read each cell's symbol from the board (seen at
the start, or at the end), build the expression and evaluate it with the usual precedence."""

from __future__ import annotations

from fractions import Fraction

from synrl.cot.grounded.base import WriterContext, ordinal, paragraphs, plural, times
from synrl.cot.grounded.longterm import final_start_ms, initial_visible, operations, states
from synrl.cot.grounded.registry import register_writer
from synrl.cot.names import board_cells, register_names
from synrl.suite.math_trail.task import OPERATOR_NAMES, expression_text, symbol_text, tokens_of


def _said(symbol: str) -> str:
    return f"a {OPERATOR_NAMES[symbol]} sign ({symbol})" if symbol in OPERATOR_NAMES else ("an 8" if symbol == "8" else f"a {symbol}")


def _number(value: Fraction) -> str:
    return str(value.numerator) if value.denominator == 1 else f"{value.numerator}/{value.denominator}"


def evaluation_steps(tokens: list[str]) -> tuple[list[str], Fraction]:
    """Working of ``tokens`` as a person writes it: each product or quotient first, then the
    sums and differences left to right."""
    lines: list[str] = []
    terms: list[tuple[str, Fraction]] = []  # (sign, value)
    sign, term_tokens = "+", [tokens[0]]
    for op, number in zip(tokens[1::2], tokens[2::2]):
        if op in "*/":
            term_tokens += [op, number]
            continue
        terms.append((sign, _collapse(term_tokens, lines)))
        sign, term_tokens = op, [number]
    terms.append((sign, _collapse(term_tokens, lines)))
    total = terms[0][1]
    for sign, value in terms[1:]:
        new = total + value if sign == "+" else total - value
        lines.append(f"{_number(total)} {sign} {_number(value)} = {_number(new)}")
        total = new
    return lines, total


def _collapse(term: list[str], lines: list[str]) -> Fraction:
    value = Fraction(int(term[0]))
    for op, number in zip(term[1::2], term[2::2]):
        new = value * int(number) if op == "*" else value / int(number)
        lines.append(f"{_number(value)} {op} {number} = {_number(new)}")
        value = new
    return value


@register_writer("math_trail")
def write_math_trail(ctx: WriterContext) -> str:
    query = ctx.record.get("query") or {}
    kind = query.get("kind")
    hops = operations(ctx)
    snapshots = states(ctx)
    ball = ctx.name(ctx.target_id)
    start_cell, start_symbol = snapshots[0]["ball"], snapshots[0]["spelled"][:1]
    cells = [start_cell] + [h["to"] for h in hops]
    symbols = [start_symbol] + [str(h["symbol"]) for h in hops]
    ctx.precise_if_crowded([h["start_ms"] for h in hops])
    final_at = ctx.at(final_start_ms(ctx))

    plan = ctx.pick(
        f"I follow the ball (the {ball}) from cell to cell and note the symbol under each stop; in order they spell the expression.",
        f"The stops of the {ball} spell the expression, so I log every hop with its time and the symbol of the cell it lands on.",
        f"I track where the ball, the {ball}, stops, and match each stop with the board's symbol.",
    )
    style = ctx.style(3)
    if initial_visible(ctx):
        board = ctx.pick(
            f"At {ctx.at(0)} the board is shown with its symbols, and the ball sits on {start_cell}, which holds {_said(start_symbol)}. "
            "Then the cells are covered, so I rely on my memory of the board.",
            f"The clip opens ({ctx.at(0)}) with the board uncovered; I memorise it. The ball starts on {start_cell}: {_said(start_symbol)}.",
            f"First, at {ctx.at(0)}, I see every symbol on the board; the ball is on {start_cell} ({_said(start_symbol)}). After that the board is covered.",
        )
        steps = []
        for k, hop in enumerate(hops, 1):
            spelled = snapshots[k]["spelled"]
            if style == 1:
                steps.append(f"{k}. At {ctx.at(hop['start_ms'])}: {hop['from']} to {hop['to']}, "
                             f"symbol {_said(hop['symbol'])}, so far {spelled}")
            else:
                steps.append(ctx.pick(
                    f"At {ctx.at(hop['start_ms'])} it hops from {hop['from']} to {hop['to']}, which holds {_said(hop['symbol'])}; so far: {spelled}.",
                    f"At {ctx.at(hop['start_ms'])} the ball lands on {hop['to']}, {_said(hop['symbol'])}, spelling {spelled}.",
                    f"{'Next, at' if k > 1 else 'At'} {ctx.at(hop['start_ms'])}, {hop['from']} to {hop['to']}: that cell is {_said(hop['symbol'])}, giving {spelled}.",
                ))
        log = ("\n" if style == 1 else " ").join(steps)
        reading = ctx.pick(
            f"The ball stops for good; at {final_at} the board stays covered, and the stops spell {snapshots[-1]['spelled']}.",
            f"No more hops. From {final_at} to the end nothing new is shown; the full sequence is {snapshots[-1]['spelled']}.",
            f"That was the last hop (the end screen at {final_at} stays covered), so the trail reads {snapshots[-1]['spelled']}.",
        )
    else:
        board = ctx.pick(
            f"At {ctx.at(0)} the board is covered, so I can't read symbols yet; the ball starts on {start_cell}. I remember its path.",
            f"The clip starts ({ctx.at(0)}) with the cells covered and the ball on {start_cell}; I note each cell it stops on.",
            f"The symbols are hidden at first ({ctx.at(0)}); I record the ball's stops, beginning at {start_cell}.",
        )
        steps = [f"At {ctx.at(h['start_ms'])} it hops from {h['from']} to {h['to']}." if style != 1 else
                 f"{k}. At {ctx.at(h['start_ms'])}: {h['from']} to {h['to']}" for k, h in enumerate(hops, 1)]
        log = ("\n" if style == 1 else " ").join(steps)
        listed = ", ".join(f"{cell} is {_said(sym)}" for cell, sym in zip(cells, symbols))
        reading = ctx.pick(
            f"At {final_at} the board is uncovered and I read the cells of the path: {listed}. In order the stops spell {snapshots[-1]['spelled']}.",
            f"Then, at {final_at}, the symbols appear: {listed}. So the trail spells {snapshots[-1]['spelled']}.",
            f"The board is revealed at {final_at}. Reading my stops on it: {listed}, which spells {snapshots[-1]['spelled']}.",
        )

    spelled = list(snapshots[-1]["spelled"])
    if kind in ("result", "expression"):
        tokens = tokens_of(spelled) or []
        expression = expression_text(spelled)
        if kind == "expression":
            finding = f"Joining consecutive digits into numbers, the expression is {expression}."
        else:
            lines, total = evaluation_steps(tokens)
            working = "; ".join(lines) if lines else f"just {expression}"
            finding = (f"As an expression that is {expression}. Multiplication and division first, "
                       f"then left to right: {working}. The result is {_number(total)}.")
    elif kind == "symbol_at_stop":
        stop = int(query["stop"])
        finding = (f"Its {ordinal(stop)} stop (counting the starting cell) is {cells[stop - 1]}, "
                   f"which holds {symbol_text(symbols[stop - 1])}.")
    else:
        operator = str(query["operator"])
        hits = [k for k, s in enumerate(symbols) if s == operator]
        if hits:
            finding = (f"The {OPERATOR_NAMES[operator]} sign appears at stops "
                       f"{', '.join(cells[k] for k in hits)}: {times(len(hits))}, {plural(len(hits), 'stop')}.")
        else:
            finding = f"None of the stops is a {OPERATOR_NAMES[operator]} sign: 0 times."
    return paragraphs(plan, board, log, reading, ctx.conclude(finding))


@register_names("math_trail")
def cell_names(record) -> dict[str, set[str]]:
    """The board's cells."""
    return {"cell": board_cells(record)}
