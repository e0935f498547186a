"""`attribute_change` events for "when" questions: colour, shape and size changes, the
object named by how it looks just before the change."""

from synrl.scene import shape_name
from synrl.suite._when.family import NTH, register_namer
from synrl.suite._when.naming import by_type, frame_before, object_name


@register_namer("attribute_change")
def name_events(sim):
    def change(event):
        name = object_name(sim, event.params["object"], frame_before(sim, event))
        if event.type == "color_change":
            what = f"turn {event.params['to']}"
            said = f"turns {event.params['to']}"
        elif event.type == "shape_change":
            what = f"turn into a {shape_name(event.params['to'])}"
            said = f"turns into a {shape_name(event.params['to'])}"
        else:
            what = "get " + event.params["change"]
            said = "gets " + event.params["change"]
        return f"When does the {name} {what}{NTH}?", f"the {name} {said}{NTH}"
    return by_type(sim, {kind: change for kind in ("color_change", "shape_change", "size_change")})
