"""`acceleration` events for "when" questions: the speed phases (speeding up, slowing
down, constant) and the wall contacts."""

from synrl.suite._when.family import NTH, register_namer
from synrl.suite._when.naming import by_type, object_name, wall_contact

VERBS = {"speeding_up": "speed up", "slowing_down": "slow down",
         "constant": "move at a constant speed"}
CLAUSES = {"speeding_up": "speeds up", "slowing_down": "slows down",
           "constant": "moves at a constant speed"}


@register_namer("acceleration")
def name_events(sim):
    def phase(event):
        name = object_name(sim, event.params["object"])
        change = event.params["change"]
        return (f"During which interval does the {name} {VERBS[change]}{NTH}?",
                f"the {name} {CLAUSES[change]}{NTH}")
    return by_type(sim, {"speed_phase": phase, "wall_contact": wall_contact(sim)})
