"""`grid_swap` operations for "when" questions: each swap, by the two cells (in sorted order:
a swap of a1 and b2 looks the same whichever cell the plan lists first, so two such swaps
share one wording and are told apart by their ordinal)."""

from synrl.suite._when.family import NTH, register_namer
from synrl.suite._when.naming import by_type, preface
from synrl.suite.grid_swap.task import GridSwap


@register_namer("grid_swap")
def name_events(sim):
    def swap(event):
        a, b = sorted(event.params["cells"])
        return (f"When do the contents of cells {a} and {b} swap places{NTH}?",
                f"cells {a} and {b} swap{NTH}")
    return by_type(sim, {"swap": swap}, preface(GridSwap(), sim))
