"""`motion_count` events for "when" questions: each jump and each slide."""

from synrl.suite._when.family import NTH, register_namer
from synrl.suite._when.naming import by_type, object_name

VERBS = {"jump": ("jump", "jumps"), "slide": ("slide along the floor", "slides")}


@register_namer("motion_count")
def name_events(sim):
    def motion(event):
        name = object_name(sim, event.params["object"])
        verb, said = VERBS[event.type]
        return (f"During which interval does the {name} {verb}{NTH}?",
                f"the {name} {said}{NTH}")
    return by_type(sim, dict.fromkeys(VERBS, motion))
