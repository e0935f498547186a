"""Attribute changes from the pixels: in every frame the object's colour (the palette colour
nearest its solid pixels), its outline class and its size (radius of that shape with the
measured area), cut into stable runs."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from synrl.audit import AuditError, register_auditor
from synrl.audit.observe import Observation, stable_runs
from synrl.audit.when import asked_event, register_when_auditor, track_and_observation
from synrl.audit.common import target, unknown_query
from synrl.render.shapes import shape_area

# A colour or outline must hold this many frames to count (the generator keeps changes
# at least 0.4 s apart).
MIN_RUN_FRAMES = 3
# Radius ratio that counts as a size change (generated steps are at least 1.35; the
# measured radius varies by about 2%).
SIZE_STEP = 1.12
SIZE_WINDOW = 3


def filled_labels(runs: list[tuple[Any, int, int]], n: int) -> list[Any]:
    """Per-frame labels from stable runs; frames between runs take the earlier run's."""
    if not runs:
        raise AuditError("the object's outline could not be classified")
    labels: list[Any] = [runs[0][0]] * n
    for label, start, _ in runs:
        labels[start:] = [label] * (n - start)
    return labels


def radius_series(obs: Observation) -> np.ndarray:
    """Per-frame size: the circumradius of the observed shape with the observed area."""
    if obs.shape is None:
        raise AuditError("the object's outline was not measured")
    shapes = filled_labels(stable_runs(list(obs.shape), MIN_RUN_FRAMES), len(obs.area))
    unit = np.array([shape_area(s, 1.0) for s in shapes])
    return np.sqrt(obs.area / unit)


def size_steps(radius: np.ndarray) -> list[tuple[int, float]]:
    """(frame, new/old radius ratio) of every step in a size series: a jump between the
    medians of the SIZE_WINDOW frames before and after a frame."""
    log_r = np.log(radius)
    threshold = math.log(SIZE_STEP)
    candidates = []
    for k in range(SIZE_WINDOW, len(log_r) - SIZE_WINDOW + 1):
        jump = float(np.median(log_r[k : k + SIZE_WINDOW]) - np.median(log_r[k - SIZE_WINDOW : k]))
        if abs(jump) > threshold:
            candidates.append((k, jump))
    steps: list[tuple[int, float]] = []
    cluster: list[tuple[int, float]] = []
    for k, jump in candidates + [(-10, 0.0)]:
        if cluster and (k != cluster[-1][0] + 1 or np.sign(jump) != np.sign(cluster[-1][1])):
            # The step is at the largest frame-to-frame jump inside the cluster.
            frames = [c[0] for c in cluster]
            frame = max(frames, key=lambda f: abs(log_r[f] - log_r[f - 1]))
            steps.append((frame, math.exp(max(c[1] for c in cluster) if cluster[0][1] > 0
                                          else min(c[1] for c in cluster))))
            cluster = []
        cluster.append((k, jump))
    return steps


def observed_changes(obs: Observation) -> dict[str, list[tuple[Any, Any]]]:
    """(before, after) of every colour, shape and size change of the object, in order."""
    out: dict[str, list[tuple[Any, Any]]] = {}
    for attribute, labels in (("color", obs.colors), ("shape", list(obs.shape))):
        runs = stable_runs(labels, MIN_RUN_FRAMES)
        out[attribute] = [(a[0], b[0]) for a, b in zip(runs, runs[1:])]
    radius = radius_series(obs)
    out["size"] = [(None, ratio) for _, ratio in size_steps(radius)]
    return out


@register_auditor("attribute_change")
def audit_attribute_change(record: dict[str, Any], observations: list[Observation]) -> Any:
    _, obs = target(record, observations)
    changes = observed_changes(obs)
    kind = record["query"]["kind"]
    if kind == "what_changed":
        changed = [a for a in ("color", "size", "shape") if changes[a]]
        return "+".join(changed) if changed else "nothing"
    if kind == "color_before":
        return changes["color"][0][0] if changes["color"] else None
    if kind == "shape_before":
        return changes["shape"][0][0] if changes["shape"] else None
    if kind == "change_count":
        return len(changes[record["query"]["attribute"]])
    if kind == "grew":
        radius = radius_series(obs)
        ratio = float(np.median(radius[-SIZE_WINDOW:]) / np.median(radius[:SIZE_WINDOW]))
        if abs(math.log(ratio)) < math.log(SIZE_STEP):
            return "no"
        return "yes" if ratio > 1 else "no"
    raise unknown_query(record)


@register_when_auditor("attribute_change")
def when_attribute_change(record: dict[str, Any], observations: list[Observation]) -> list:
    """The asked object's changes of the asked kind (from the asked colour or outline to
    the asked one; growing or shrinking), each at the first frame showing the new look."""
    event = asked_event(record)
    _, obs = track_and_observation(record, observations, event["object"])
    fps = record["video"]["fps"]
    if event["type"] in ("color_change", "shape_change"):
        labels = obs.colors if event["type"] == "color_change" else list(obs.shape)
        runs = stable_runs(labels, MIN_RUN_FRAMES)
        # Named by what it was and what it becomes ("the star turns into a circle"; the
        # triangle that later turns into a circle is another question).
        return [b[1] / fps for a, b in zip(runs, runs[1:])
                if (a[0], b[0]) == (event["from"], event["to"])]
    if event["type"] == "size_change":
        grew = event["change"] == "bigger"
        return [frame / fps for frame, ratio in size_steps(radius_series(obs))
                if (ratio > 1) == grew]
    raise AuditError(f"no pixel timing for {event['type']!r} events")
