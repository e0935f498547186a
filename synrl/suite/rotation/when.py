"""`rotation` events for "when" questions: the moment each full turn is completed."""

from synrl.suite._when.family import ordinal_word, register_namer
from synrl.suite._when.naming import by_type, object_name


@register_namer("rotation")
def name_events(sim):
    def turn(event):
        name = object_name(sim, event.params["object"])
        nth = ordinal_word(int(event.params["turn"]))
        return (f"When does the {name} complete its {nth} full turn?",
                f"the {name} completes its {nth} full turn")
    return by_type(sim, {"full_turn": turn})
