"""`distance` events for "when" questions: each object's motion and the stretch over which
two objects get closer or farther apart (not when their distance stays about the same:
nothing then marks the interval)."""

from synrl.suite._when.family import MAX_CLIP_SHARE, NTH, register_namer
from synrl.suite._when.naming import by_type, object_name

TREND = {"closer": ("get closer to each other", "get closer"),
         "farther": ("move farther apart", "move apart")}


@register_namer("distance")
def name_events(sim):
    def move(event):
        # A motion over most of the clip is asked by its ends: when it starts, when it stops.
        name = object_name(sim, event.params["object"])
        if event.end_s - event.start_s > MAX_CLIP_SHARE * sim.duration_s:
            return [(f"When does the {name} start moving{NTH}?", f"the {name} starts moving{NTH}",
                     "start"),
                    (f"When does the {name} stop moving{NTH}?", f"the {name} stops{NTH}", "end")]
        return (f"During which interval does the {name} move{NTH}?",
                f"the {name} moves{NTH}")

    def trend(event):
        if event.params["trend"] not in TREND:  # "same": no change to see
            return None
        a, b = (object_name(sim, o) for o in event.params["objects"])
        verb, said = TREND[event.params["trend"]]
        return (f"During which interval do the {a} and the {b} {verb}{NTH}?",
                f"the {a} and the {b} {said}{NTH}")
    return by_type(sim, {"move": move, "distance_change": trend})
