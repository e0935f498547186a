"""`collision_count` events for "when" questions: every wall contact, by object and wall."""

from synrl.suite._when.family import register_namer
from synrl.suite._when.naming import by_type, wall_contact


@register_namer("collision_count")
def name_events(sim):
    return by_type(sim, {"wall_contact": wall_contact(sim)})
