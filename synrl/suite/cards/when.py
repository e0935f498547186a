"""`cards` operations for "when" questions, named by what the video shows while the cards
are face down: the kind of operation and the pile positions (1 = top), never the card."""

from synrl.suite._when.family import NTH, register_namer
from synrl.suite._when.naming import by_type, preface
from synrl.suite.cards.task import Cards


@register_namer("cards")
def name_events(sim):
    def op(event):
        p = event.params
        verb = "is"
        if event.type == "insert":
            what = f"a new card inserted into the pile at position {p['position']}"
        elif event.type == "move":
            what = (f"the card at position {p['from_position']} moved to position "
                    f"{p['to_position']}")
        elif event.type == "swap":
            # Sorted like grid_swap's cells: swapping 1 and 3 is swapping 3 and 1.
            i, j = sorted(p["positions"])
            verb, what = "are", f"the cards at positions {i} and {j} swapped"
        else:
            what = f"a card drawn from the {p['end']} of the pile"
        return (f"When {verb} {what}{NTH}? (Positions count from 1 at the top.)",
                f"{what}{NTH}")
    return by_type(sim, dict.fromkeys(("insert", "move", "swap", "draw"), op),
                   preface(Cards(), sim))
