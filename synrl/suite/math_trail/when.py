"""`math_trail` operations for "when" questions: each hop of the ball, by its two cells."""

from synrl.suite._when.family import NTH, register_namer
from synrl.suite._when.naming import by_type, preface
from synrl.suite.math_trail.task import MathTrail


@register_namer("math_trail")
def name_events(sim):
    def hop(event):
        a, b = event.params["from"], event.params["to"]
        return (f"When does the ball hop from cell {a} to cell {b}{NTH}?",
                f"the ball hops from {a} to {b}{NTH}")
    return by_type(sim, {"hop": hop}, preface(MathTrail(), sim))
