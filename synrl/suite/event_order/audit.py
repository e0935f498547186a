"""Event order from the pixels: for every object, when it was first or last seen, when it
vanished briefly, when its observed colour changed and when it stopped or started moving;
the events of the asked family are then put in time order."""

from __future__ import annotations

from typing import Any

import numpy as np

from synrl.audit import AuditError, register_auditor
from synrl.audit.observe import Observation, stable_runs
from synrl.audit.when import asked_event, register_when_auditor, track_and_observation

# Runs shorter than these are noise (generated: events >= 0.35 s apart, blinks >= 5 frames).
MIN_VISIBILITY_RUN = 2
MIN_COLOR_RUN = 3
MIN_MOTION_RUN = 4
# Per-frame displacement (px) below which an object is still (generated speeds are
# >= 50 px/s, 1.7 px per frame at 30 fps; a still object's centroid jitters ~0.05 px).
STILL_PX = 0.4

FAMILY = {"appear": "visibility", "flash": "visibility", "change": "color", "stop": "motion"}


def visibility_event(obs: Observation) -> tuple[str, int] | None:
    runs = stable_runs(list(obs.found), MIN_VISIBILITY_RUN)
    pattern = [seen for seen, _, _ in runs]
    if pattern == [True]:
        return None
    if pattern == [False, True]:
        return "appear", runs[1][1]
    if pattern == [True, False]:
        return "disappear", runs[1][1]
    if pattern == [True, False, True]:
        return "flash", runs[1][1]
    raise AuditError(f"visibility pattern {pattern} is not one event")


def color_event(obs: Observation) -> tuple[str, int] | None:
    runs = stable_runs(obs.colors, MIN_COLOR_RUN)
    if len(runs) == 1:
        return None
    if len(runs) == 2:
        return "change", runs[1][1]
    raise AuditError(f"{len(runs) - 1} colour changes where at most one was expected")


def motion_event(obs: Observation) -> tuple[str, int] | None:
    steps = np.hypot(np.diff(obs.x), np.diff(obs.y))
    labels = [None if np.isnan(s) else bool(s > STILL_PX) for s in steps]
    runs = stable_runs(labels, MIN_MOTION_RUN)
    pattern = [moving for moving, _, _ in runs]
    if pattern in ([True], [False]):
        return None
    # Step k is the move from frame k to k + 1: the first still step starts at the frame
    # where the object stops.
    if pattern == [True, False]:
        return "stop", runs[1][1]
    if pattern == [False, True]:
        return "start", runs[1][1]
    raise AuditError(f"motion pattern {pattern} is not one event")


DETECTORS = {"visibility": visibility_event, "color": color_event, "motion": motion_event}


@register_auditor("event_order")
def audit_event_order(record: dict[str, Any], observations: list[Observation]) -> Any:
    query = record["query"]
    if query.get("kind") != "event_order" or query.get("event") not in FAMILY:
        raise AuditError(f"no pixel derivation for query {query!r}")
    detect = DETECTORS[FAMILY[query["event"]]]
    found = []
    for track, obs in zip(record["tracks"], observations):
        event = detect(obs)
        if event is not None:
            found.append((event[1], track["id"], event[0]))
    if not found:
        raise AuditError("no object shows an event of the asked kind")
    kinds = {kind for _, _, kind in found}
    if len(kinds) > 1:
        raise AuditError(f"objects show different kinds of event: {sorted(kinds)}")
    found.sort()
    frames = [frame for frame, _, _ in found]
    if len(set(frames)) < len(frames):
        raise AuditError("two events happen in the same frame: no order")
    kind = kinds.pop()
    order = [object_id for _, object_id, _ in found]
    if query["ask"] == "first":
        return {"event": kind, "first": order[0]}
    return {"event": kind, "order": order}


# -- "when" questions: each object's colour change, appearance, stop or flash -------------

WHEN_DETECTORS = {"color_change": color_event, "appear": visibility_event,
                  "flash": visibility_event, "stop": motion_event}
DETECTED = {"color_change": "change", "appear": "appear", "flash": "flash", "stop": "stop"}


@register_when_auditor("event_order")
def when_event_order(record: dict[str, Any], observations: list[Observation]) -> list:
    """The asked object's event of the asked type at the frame its pixels show it: first
    seen (appear), first still step (stop), first frame of the new colour (colour change);
    a flash lasts from the first frame it is gone to the first frame it is back."""
    event = asked_event(record)
    if event["type"] not in WHEN_DETECTORS:
        raise AuditError(f"no pixel timing for {event['type']!r} events")
    _, obs = track_and_observation(record, observations, event["object"])
    found = WHEN_DETECTORS[event["type"]](obs)
    if found is None or found[0] != DETECTED[event["type"]]:
        return []
    fps = record["video"]["fps"]
    if event["type"] != "flash":
        return [found[1] / fps]
    runs = stable_runs(list(obs.found), MIN_VISIBILITY_RUN)
    return [(runs[1][1] / fps, runs[1][2] / fps)]
