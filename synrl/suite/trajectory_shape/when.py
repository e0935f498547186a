"""`trajectory_shape` events for "when" questions: the corners of a polygonal or zigzag
path and the distractors' wall contacts (a smooth loop has no corner: its samples are
simulated again from the next plan)."""

from synrl.suite._when.family import NTH, register_namer
from synrl.suite._when.naming import by_type, object_name, wall_contact


@register_namer("trajectory_shape")
def name_events(sim):
    def corner(event):
        name = object_name(sim, event.params["object"])
        side = event.params["turn"]
        return (f"When does the {name} turn {side} at a corner of its path{NTH}?",
                f"the {name} turns {side} at a corner{NTH}")
    return by_type(sim, {"corner": corner, "wall_contact": wall_contact(sim)})
