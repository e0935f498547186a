"""`relative_position` events for "when" questions: the moments one object passes the
other (the motions last the whole clip; the relations are states at its ends)."""

from synrl.suite._when.family import NTH, register_namer
from synrl.suite._when.naming import by_type, object_name

# A pass is asked only where the two objects close in on each other along the pass axis by
# at least this many pixels per frame: slower, the moment of passing is spread over many
# frames (two objects drifting 0.2 px per frame look level for a quarter of a second) and a
# 0.3 px centroid error moves it by more than a frame.
MIN_PASS_SPEED_PX = 1.0


def closing_speed(sim, event) -> float:
    """Pixels per frame by which the offset along the pass axis changes at the pass."""
    axis = event.params["axis"]
    a = getattr(sim.track(event.params["object"]), axis)
    b = getattr(sim.track(event.params["reference"]), axis)
    frame = int(round(event.start_s * sim.video.fps))
    lo, hi = max(frame - 1, 0), min(frame + 1, len(a) - 1)
    return abs(float((a[hi] - b[hi]) - (a[lo] - b[lo]))) / max(hi - lo, 1)


@register_namer("relative_position")
def name_events(sim):
    passes = [e for e in sim.timeline if e.type == "pass"]
    # A pair with one pass too slow to time is not asked at all: leaving out only that pass
    # would make "for the second time" count wrong.
    slow = {(e.params["object"], e.params["reference"]) for e in passes
            if closing_speed(sim, e) < MIN_PASS_SPEED_PX}

    def passing(event):
        if (event.params["object"], event.params["reference"]) in slow:
            return None
        a = object_name(sim, event.params["object"])
        b = object_name(sim, event.params["reference"])
        return (f"When does the {a} pass the {b}{NTH}?", f"the {a} passes the {b}{NTH}")
    return by_type(sim, {"pass": passing})
