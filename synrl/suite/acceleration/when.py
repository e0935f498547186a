"""`acceleration` events for "when" questions: the speed phases (speeding up, slowing
down, constant) and the wall contacts.

A phase that begins with the clip or lasts to its end is not asked as an interval: its
answer would start at 0 (or end at the clip's end) whatever the video shows, and how long
it lasts then decides the IoU of a blind guess. A change phase is asked by its edges that
lie inside the clip instead ("When does the red circle start to speed up?"), instants
whose times the generator spreads over the clip. A bound within BOUNCE_GAP_S of one of the
object's wall contacts is not asked: the bounce's turn hides the change of pace there (the
pixel audit then places it four frames off).
"""

from synrl.suite._when.family import NTH, register_namer
from synrl.suite._when.naming import by_type, object_name, wall_contact

VERBS = {"speeding_up": "speed up", "slowing_down": "slow down",
         "constant": "move at a constant speed"}
CLAUSES = {"speeding_up": "speeds up", "slowing_down": "slows down",
           "constant": "moves at a constant speed"}
# The edges of a change phase: (question verb, clause verb) for its start and its end.
EDGES = {"speeding_up": (("start to speed up", "starts to speed up"),
                         ("stop speeding up", "stops speeding up")),
         "slowing_down": (("start to slow down", "starts to slow down"),
                          ("stop slowing down", "stops slowing down"))}
# Seconds between a speed-phase bound and a bounce of the object for the bound to be asked.
BOUNCE_GAP_S = 0.2


@register_namer("acceleration")
def name_events(sim):
    duration = sim.duration_s
    frame = 1.0 / sim.video.fps

    def clear(event, at):
        return all(abs(e.start_s - at) >= BOUNCE_GAP_S for e in sim.timeline
                   if e.type == "wall_contact" and e.params["object"] == event.params["object"])

    def phase(event):
        name = object_name(sim, event.params["object"])
        change = event.params["change"]
        opens, closes = event.start_s < frame, event.end_s > duration - frame
        # "Asked" bounds: inside the clip and clear of bounces.
        start_ok = not opens and clear(event, event.start_s)
        end_ok = not closes and clear(event, event.end_s)
        said = []
        if start_ok and end_ok:
            said.append((f"During which interval does the {name} {VERBS[change]}{NTH}?",
                         f"the {name} {CLAUSES[change]}{NTH}", None))
        if change in EDGES:
            (start_verb, start_clause), (end_verb, end_clause) = EDGES[change]
            if start_ok:
                said.append((f"When does the {name} {start_verb}{NTH}?",
                             f"the {name} {start_clause}{NTH}", "start"))
            if end_ok:
                said.append((f"When does the {name} {end_verb}{NTH}?",
                             f"the {name} {end_clause}{NTH}", "end"))
        # by_type reads a (question, clause) pair as the event itself, a triple as an edge.
        return [(q, c, e) if e else (q, c) for q, c, e in said]
    return by_type(sim, {"speed_phase": phase, "wall_contact": wall_contact(sim)})

