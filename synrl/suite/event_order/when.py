"""`event_order` events for "when" questions: each object's colour change, appearance,
stop or flash."""

from synrl.suite._when.family import NTH, register_namer
from synrl.suite._when.naming import by_type, frame_before, object_name

VERBS = {"color_change": ("change colour", "changes colour"), "appear": ("appear", "appears"),
         "stop": ("stop moving", "stops moving"),
         "flash": ("flash (blink off and back on)", "blinks off and back on")}


@register_namer("event_order")
def name_events(sim):
    def happen(event):
        name = object_name(sim, event.params["object"], frame_before(sim, event))
        verb, said = VERBS[event.type]
        return f"When does the {name} {verb}{NTH}?", f"the {name} {said}{NTH}"
    return by_type(sim, dict.fromkeys(VERBS, happen))
