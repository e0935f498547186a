"""`sliding_puzzle` operations for "when" questions: each slide, by its two cells (the
tiles are blank while they move, so never by the tile's number)."""

from synrl.suite._when.family import NTH, register_namer
from synrl.suite._when.naming import by_type, preface
from synrl.suite.sliding_puzzle.task import SlidingPuzzle


@register_namer("sliding_puzzle")
def name_events(sim):
    def slide(event):
        a, b = event.params["from"], event.params["to"]
        return (f"When does the tile in cell {a} slide into cell {b}{NTH}?",
                f"the tile in {a} slides into {b}{NTH}")
    return by_type(sim, {"slide": slide}, preface(SlidingPuzzle(), sim))
