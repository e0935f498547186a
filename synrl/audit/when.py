"""Pixel audit of "when" (temporal grounding) records.

A task's "when" auditor (registered with :func:`register_when_auditor` in its audit.py)
lists, from the measured observations alone, every moment named like the asked event
(`query.event_type`, its object and the params that word the question: wall, direction,
target colour...), in time order: a float (seconds) for an instantaneous event, a
``(start_s, end_s)`` pair for a lasting one. The shared code here then checks that the
auditor finds as many such moments as the record's ``occurrences``, takes the
``occurrence``-th and compares it with the answer:

- a lasting event: its measured start and end within one frame (1 / fps, plus the 10 ms
  rounding of the answer) of the answer interval;
- an instant (or the ``edge`` of a lasting event): within one frame of ``query.at_s``, and
  the answer is the :data:`WINDOW_S` window centred on it, clipped to the clip;
- the multiple-choice form: the measured interval picks the answer letter among
  ``option_intervals`` (the option it overlaps most).

Times never come from the record's timeline: its event is read only for what names it.
The long-term tasks are the exception (:func:`operation_moments`): their auditors replay the
operations with a simulator of their own, and time an operation by its recorded start and
end frames, which the visibility check has confirmed show that operation. An auditor may
also return a ``{"state_mismatch": ...}`` (or ``pixel_mismatch``) answer instead of moments:
its replay or its pixels disagree with the record, which is a mismatch.
"""

from __future__ import annotations

from typing import Any, Callable, Sequence, Union

import numpy as np

from synrl.audit.observe import Observation
from synrl.registry import Registry
from synrl.suite.registry import load_modules

Moment = Union[float, tuple[float, float]]
# Moments, or a mismatch of the auditor's own derivation with the record (a dict).
WhenAuditor = Callable[[dict[str, Any], list[Observation]], "list[Moment] | dict[str, Any]"]

WHEN_AUDITORS: Registry[WhenAuditor] = Registry("when auditor",
                                                loader=lambda: load_modules("audit"))
# The answer interval is rounded to 10 ms (synrl.suite._when.family.event_interval).
ROUNDING_S = 0.005
# Window of an instantaneous answer (seconds): the generator's INSTANT_WINDOW_S, also
# declared per record as `query.window_s`.
WINDOW_S = 0.5


# Event types whose bounds the pixels cannot place within one frame, and the frames their
# auditor declares instead: (task, event type) -> frames.
WIDER_TOLERANCE: dict[tuple[str, str], int] = {}
# What a task's "when" auditor derives its moments from, as its messages say it.
SOURCES: dict[str, str] = {}


def register_when_auditor(task_id: str, wider: dict[str, int] | None = None,
                          source: str = "pixels") -> Callable[[WhenAuditor], WhenAuditor]:
    """Decorator registering the "when" auditor of ``task_id``; ``wider`` names the event
    types it can only time within that many frames (said in its docstring, with why);
    ``source`` what it derives moments from ("pixels", "replay")."""
    for event_type, frames in (wider or {}).items():
        WIDER_TOLERANCE[(task_id, event_type)] = int(frames)
    SOURCES[task_id] = source
    return WHEN_AUDITORS.register(task_id)


def when_auditor_for(task_id: str) -> WhenAuditor | None:
    return WHEN_AUDITORS.find(task_id)


def is_when(record: dict[str, Any]) -> bool:
    return (record.get("query") or {}).get("kind") == "when"


def asked_event(record: dict[str, Any]) -> dict[str, Any]:
    """The timeline event the question names (read for its type and params, not its time)."""
    return record["timeline"][record["query"]["event"]]


def tolerance_s(record: dict[str, Any]) -> float:
    """One frame (or the frames the task's auditor declares for the event type), plus the
    rounding of the answer to 10 ms."""
    frames = WIDER_TOLERANCE.get((record["task"], record["query"]["event_type"]), 1)
    return frames / record["video"]["fps"] + ROUNDING_S + 1e-6


def window(at: float, record: dict[str, Any]) -> list[float]:
    """The answer window of an instant at ``at`` seconds, clipped to the clip."""
    width = float(record["query"].get("window_s", WINDOW_S))
    duration = record["video"]["duration_ms"] / 1000.0
    return [max(0.0, at - width / 2), min(duration, at + width / 2)]


def best_option(interval: Sequence[float], options: dict[str, Sequence[float]]) -> str:
    """The letter whose interval overlaps ``interval`` most (IoU; nearest midpoint breaks
    ties between options it does not overlap)."""
    def score(item: tuple[str, Sequence[float]]) -> tuple[float, float]:
        a, b = item[1]
        inter = max(0.0, min(b, interval[1]) - max(a, interval[0]))
        union = max(b, interval[1]) - min(a, interval[0])
        mid = abs((a + b) / 2 - (interval[0] + interval[1]) / 2)
        return (inter / union if union > 0 else 0.0, -mid)
    return max(options.items(), key=score)[0]


def check_when(result: Any, record: dict[str, Any], observations: list[Observation]) -> Any:
    """Fill ``result`` (a SampleAudit) with the verdict on a "when" record."""
    auditor = when_auditor_for(record["task"])
    if auditor is None:
        result.status, result.message = "unaudited", "no 'when' auditor for this task"
        return result
    query = record["query"]
    answer = [float(v) for v in record["answer_value"]]
    result.expected = answer
    source = SOURCES.get(record["task"], "pixels")
    moments = auditor(record, observations)
    if isinstance(moments, dict):
        result.status, result.derived = "mismatch", moments
        result.message = f"the record disagrees with the {source}: {moments}"
        return result
    if len(moments) != query["occurrences"]:
        result.status = "mismatch"
        result.expected = {"occurrences": query["occurrences"], "interval": answer}
        result.derived = {"occurrences": len(moments),
                          "moments": [np.round(m, 3).tolist() for m in moments]}
        result.message = (f"{len(moments)} moments named like the asked one "
                          f"({query['event_type']}) in the {source}, record says "
                          f"{query['occurrences']}")
        return result
    moment = moments[query["occurrence"] - 1]
    tol = tolerance_s(record)
    problems = []
    if query["instant"]:
        if isinstance(moment, (tuple, list)):
            moment = moment[1] if query.get("edge") == "end" else moment[0]
        at = float(moment)
        derived = window(at, record)
        if abs(at - float(query["at_s"])) > tol:
            problems.append(f"instant at {at:.3f} s, record says {query['at_s']:.3f} s")
    else:
        if not isinstance(moment, (tuple, list)):
            raise TypeError(f"{record['task']} when auditor gave an instant for a lasting "
                            f"event {query['event_type']!r}")
        derived = [float(moment[0]), float(moment[1])]
    errors = [abs(d - a) for d, a in zip(derived, answer)]
    result.when_error_s = round(max(errors), 4)
    if max(errors) > tol:
        problems.append(f"interval {derived[0]:.3f} - {derived[1]:.3f} s, record says "
                        f"{answer[0]:.2f} - {answer[1]:.2f} s")
    result.derived = [round(v, 3) for v in derived]
    if query.get("form") == "mc":
        options = query["option_intervals"]
        letter = best_option(derived, options)
        result.expected = {"letter": record["answer"], "interval": answer}
        result.derived = {"letter": letter, "interval": result.derived}
        if [float(v) for v in options[record["answer"]]] != answer:
            problems.append(f"option {record['answer']} is {options[record['answer']]}, "
                            f"not the answer {answer}")
        if letter != record["answer"]:
            problems.append(f"the interval from the {source} picks option {letter}, "
                            f"record says {record['answer']}")
    if problems:
        result.status, result.message = "mismatch", "; ".join(problems)
    return result


# -- timing tools shared by the when auditors ---------------------------------------------

FIT_FRAMES = 4


def fit_line(t: np.ndarray, values: np.ndarray) -> np.ndarray:
    """(intercept, slope) of each column of ``values`` (frames x dims) against ``t``."""
    design = np.stack([np.ones_like(t), t], axis=1)
    coef, *_ = np.linalg.lstsq(design, values, rcond=None)
    return coef


def meeting_time(t: np.ndarray, points: np.ndarray, before: np.ndarray,
                 after: np.ndarray) -> float:
    """When the straight-line motion fitted on frames ``before`` meets the one fitted on
    frames ``after``: the corner, bounce or turn between them (least squares over the
    dimensions of ``points``, frames x dims)."""
    a1, b1 = fit_line(t[before], points[before])
    a2, b2 = fit_line(t[after], points[after])
    db = b1 - b2
    if float(db @ db) < 1e-12:
        raise ValueError("the two motions are parallel")
    return float(-((a1 - a2) @ db) / (db @ db))


def clean_frames(obs: Observation) -> np.ndarray:
    """Frames where the object is found and nothing drawn above it overlaps it."""
    return obs.found & ~obs.occluded


def side_frames(usable: np.ndarray, k: int, step: int, count: int = FIT_FRAMES,
                reach: int = FIT_FRAMES + 2) -> np.ndarray:
    """Up to ``count`` usable frames next to ``k`` (excluded) going ``step`` (+1 / -1),
    no farther than ``reach`` frames."""
    out = []
    j = k + step
    while 0 <= j < len(usable) and abs(j - k) <= reach and len(out) < count:
        if usable[j]:
            out.append(j)
        j += step
    return np.asarray(sorted(out), dtype=np.int64)


def reversals(series: np.ndarray, usable: np.ndarray, fps: float,
              min_speed: float = 10.0) -> list[tuple[float, str, float]]:
    """(time, "min" | "max", peak value) of every reversal of a coordinate that moves
    piecewise linearly: a local extremum over +-3 frames where the lines fitted on each
    side have opposite slopes of at least ``min_speed`` px/s."""
    t = np.arange(len(series)) / fps
    out = []
    for k in range(1, len(series) - 1):
        if not usable[k]:
            continue
        lo, hi = max(0, k - 3), min(len(series), k + 4)
        window_values = np.where(usable[lo:hi], series[lo:hi], np.nan)
        for side, pick in (("max", np.nanargmax), ("min", np.nanargmin)):
            if pick(window_values) != k - lo:
                continue
            before, after = side_frames(usable, k, -1), side_frames(usable, k, +1)
            if before.size + after.size < 3 or not before.size or not after.size:
                continue
            if before.size >= 2 and after.size >= 2:
                a1, b1 = fit_line(t[before], series[before])
                a2, b2 = fit_line(t[after], series[after])
            elif after.size >= 2:  # one frame before: mirror the speed after
                a2, b2 = fit_line(t[after], series[after])
                b1 = -b2
                a1 = series[before[0]] - b1 * t[before[0]]
            else:
                a1, b1 = fit_line(t[before], series[before])
                b2 = -b1
                a2 = series[after[0]] - b2 * t[after[0]]
            if np.sign(b1) == np.sign(b2) or min(abs(b1), abs(b2)) < min_speed:
                continue
            if (side == "max") != (b1 > 0):
                continue
            at = float((a2 - a1) / (b1 - b2))
            out.append((at, side, float(a1 + b1 * at)))
    return out


def turns(obs: Observation, fps: float, min_degrees: float, min_speed: float = 10.0
          ) -> list[tuple[float, float]]:
    """(time, signed degrees) of every turn of a path made of straight stretches: frames
    where the velocities fitted on the FIT_FRAMES frames before and after differ in
    heading by more than ``min_degrees`` (the largest of a run of such frames), timed where
    the two fitted lines meet. Positive degrees turn clockwise on screen (a right turn to
    the mover, image y pointing down)."""
    t = np.arange(len(obs.x)) / fps
    points = np.stack([obs.x, obs.y], axis=1)
    usable = obs.found
    found: list[tuple[int, float, np.ndarray, np.ndarray]] = []
    for k in range(1, len(t) - 1):
        before, after = side_frames(usable, k, -1), side_frames(usable, k, +1)
        if before.size < 2 or after.size < 2:
            continue
        v1 = fit_line(t[before], points[before])[1]
        v2 = fit_line(t[after], points[after])[1]
        if min(np.hypot(*v1), np.hypot(*v2)) < min_speed:
            continue
        angle = float(np.degrees(np.arctan2(v1[0] * v2[1] - v1[1] * v2[0], v1 @ v2)))
        if abs(angle) > min_degrees:
            found.append((k, angle, before, after))
    out = []
    run: list[tuple[int, float, np.ndarray, np.ndarray]] = []
    for item in found + [(-10, 0.0, np.empty(0), np.empty(0))]:
        # Consecutive frames are one turn, whatever the sign (a reversal measures +-180).
        if run and item[0] != run[-1][0] + 1:
            k, angle, before, after = max(run, key=lambda r: abs(r[1]))
            out.append((meeting_time(t, points, before, after), angle))
            run = []
        run.append(item)
    return out


def wall_contacts(record: dict[str, Any], track: dict[str, Any],
                  obs: Observation) -> list[tuple[float, str]]:
    """(time, wall) of every wall contact of a bouncing object, in time order: a reversal
    of one coordinate whose peak lies about one radius from that wall (the centroid of a
    non-round shape sits up to half a radius off its centre)."""
    x0, y0, x1, y1 = record["scene"]["arena"]
    fps = record["video"]["fps"]
    # Frames where another object overlaps this one still count: the covered part moves
    # the centroid by a pixel or two at most, which hardly moves a reversal in time, and
    # the contacts of objects that overlap early on would otherwise go unseen.
    usable = obs.found
    radius = float(track["radius"]) * float(np.median(track.get("scale") or [1.0]))
    slack = 0.5 * radius + 2.0
    found = []
    for series, low, high, names in ((obs.x, x0, x1, ("left", "right")),
                                     (obs.y, y0, y1, ("top", "bottom"))):
        for at, side, peak in reversals(series, usable, fps):
            limit = low + radius if side == "min" else high - radius
            if abs(peak - limit) <= slack:
                found.append((at, names[0] if side == "min" else names[1]))
    return sorted(found)


def track_and_observation(record: dict[str, Any], observations: list[Observation],
                          object_id: str | None = None) -> tuple[dict, Observation]:
    """The track and observation of ``object_id`` (default: the query's object)."""
    from synrl.audit import AuditError

    object_id = object_id or record["query"].get("object")
    for track, obs in zip(record["tracks"], observations):
        if track["id"] == object_id:
            return track, obs
    raise AuditError(f"the question names {object_id!r}, which has no track")


def contacts_named_like(record: dict[str, Any], observations: list[Observation]) -> list[Moment]:
    """Measured contacts of the asked event's object with the asked event's wall."""
    track, obs = track_and_observation(record, observations)
    wall = asked_event(record)["wall"]
    return [at for at, which in wall_contacts(record, track, obs) if which == wall]


def operation_moments(record: dict[str, Any], states: Sequence[Any],
                      name_of: Callable[[Any, Any, dict[str, Any]], Any],
                      asked_name: Callable[[dict[str, Any]], Any]
                      ) -> "list[Moment] | dict[str, Any]":
    """The intervals (start and end frame over fps) of every operation of a long-term
    record whose name, ``name_of(before, after, op)`` read off the auditor's replayed
    states around it, equals what the question names, ``asked_name(asked event)`` (its
    type and wording params); ``states`` are the replayed states, one more than the
    operations. A query that names another event type than its event is a mismatch."""
    from synrl.audit.replay import operations

    event = asked_event(record)
    if event["type"] != record["query"]["event_type"]:
        return {"query_mismatch": {"event_type": record["query"]["event_type"],
                                   "event": event["type"]}}
    fps = float(record["video"]["fps"])
    wanted = asked_name(event)
    return [(op["start_frame"] / fps, op["end_frame"] / fps)
            for before, after, op in zip(states, states[1:], operations(record))
            if name_of(before, after, op) == wanted]


__all__ = ["WHEN_AUDITORS", "asked_event", "check_when", "contacts_named_like", "is_when",
           "meeting_time", "operation_moments", "register_when_auditor", "reversals",
           "wall_contacts", "when_auditor_for"]
