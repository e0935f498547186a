"""`relative_position` events for "when" questions: the moments one object passes the
other (the motions last the whole clip; the relations are states at its ends)."""

from synrl.suite._when.family import NTH, register_namer
from synrl.suite._when.naming import by_type, object_name

@register_namer("relative_position")
def name_events(sim):
    def passing(event):
        a = object_name(sim, event.params["object"])
        b = object_name(sim, event.params["reference"])
        return (f"When does the {a} pass the {b}{NTH}?", f"the {a} passes the {b}{NTH}")
    return by_type(sim, {"pass": passing})
