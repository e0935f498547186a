"""`velocity_rank` events for "when" questions: the wall contacts (each object's motion
lasts the whole clip and says nothing about when)."""

from synrl.suite._when.family import register_namer
from synrl.suite._when.naming import by_type, wall_contact


@register_namer("velocity_rank")
def name_events(sim):
    return by_type(sim, {"wall_contact": wall_contact(sim)})
