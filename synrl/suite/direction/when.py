"""`direction` events for "when" questions: each leg of the path and each turn."""

from synrl.suite._when.family import NTH, register_namer
from synrl.suite._when.naming import by_type, object_name


@register_namer("direction")
def name_events(sim):
    def leg(event):
        name = object_name(sim, event.params["object"])
        way = event.params["direction"]
        return (f"During which interval does the {name} move {way}{NTH}?",
                f"the {name} moves {way}{NTH}")

    def turn(event):
        name = object_name(sim, event.params["object"])
        a, b = event.params["from"], event.params["to"]
        return (f"When does the {name} turn from moving {a} to moving {b}{NTH}?",
                f"the {name} turns from {a} to {b}{NTH}")
    return by_type(sim, {"move": leg, "direction_change": turn})
