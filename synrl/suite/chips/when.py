"""`chips` operations for "when" questions: which chip is added to, taken from or moved
between which cups (the chip and the cups are seen while the cups are covered)."""

from synrl.suite._when.family import NTH, register_namer
from synrl.suite._when.naming import by_type, preface
from synrl.suite.chips.task import Chips


@register_namer("chips")
def name_events(sim):
    def op(event):
        p = event.params
        if event.type == "add":
            what = f"a {p['value']} chip put into Cup {p['cup']}"
        elif event.type == "remove":
            what = f"a {p['value']} chip taken out of Cup {p['cup']}"
        else:
            what = f"a {p['value']} chip moved from Cup {p['from_cup']} to Cup {p['to_cup']}"
        return f"When is {what}{NTH}?", f"{what}{NTH}"
    return by_type(sim, dict.fromkeys(("add", "remove", "move"), op), preface(Chips(), sim))
