"""`chips`: replay the cups from the recorded first contents with a simulator of this
module's own, compare every recorded state, and answer the query from the replay ("when"
questions: time the operations named like the asked one, named from the replayed cups)."""

from __future__ import annotations

from collections import Counter
from typing import Any

from synrl.audit import register_auditor
from synrl.audit.observe import Observation
from synrl.audit.common import unknown_query
from synrl.audit.replay import operations, replay
from synrl.audit.when import operation_moments, register_when_auditor


def step(cups: dict[str, Counter], op: dict[str, Any]) -> dict[str, Counter]:
    """One operation on cups held as multisets of chip values."""
    out = {name: Counter(chips) for name, chips in cups.items()}
    value = op["value"]
    source = op.get("cup") if op["type"] == "remove" else op.get("from_cup")
    target = op.get("cup") if op["type"] == "add" else op.get("to_cup")
    if source is not None:
        if out[source][value] == 0:
            raise ValueError(f"no {value} chip in cup {source}")
        out[source][value] -= 1
    if target is not None:
        out[target][value] += 1
    return {name: +chips for name, chips in out.items()}


def as_counters(snapshot: dict[str, Any]) -> dict[str, Counter]:
    return {name: +Counter(chips) for name, chips in snapshot["cups"].items()}


def replay_cups(record: dict[str, Any]) -> tuple[list[dict[str, Counter]], dict | None]:
    return replay(record, as_counters(record["states"][0]), step, as_counters)


@register_auditor("chips")
def audit_chips(record: dict[str, Any], observations: list[Observation]) -> Any:
    states, mismatch = replay_cups(record)
    if mismatch:
        return mismatch
    query = record["query"]
    kind = query["kind"]
    if kind == "cup_contents":
        return sorted(str(v) for v in states[query["step"]][query["cup"]].elements())
    if kind == "cup_total":
        return sum(states[query["step"]][query["cup"]].elements())
    if kind == "chip_count":
        return sum(states[query["step"]][query["cup"]].values())
    if kind == "richest_cup":
        totals = {name: sum(c.elements()) for name, c in states[query["step"]].items()}
        return max(totals, key=totals.get)
    if kind == "ever_empty":
        return "yes" if any(not s[query["cup"]] for s in states) else "no"
    if kind == "times_taken":
        return sum((op.get("cup") if op["type"] == "remove" else op.get("from_cup")) == query["cup"]
                   for op in operations(record))
    raise unknown_query(record)


def operation_name(before: dict[str, Counter], after: dict[str, Counter],
                   op: dict[str, Any]) -> tuple:
    """One operation as the replayed cups show it: the chip value that left a cup and the one
    that arrived in a cup (an add has no source, a remove no target)."""
    lost = [(cup, value) for cup in before
            for value in (before[cup] - after.get(cup, Counter())).elements()]
    gained = [(cup, value) for cup in after
              for value in (after[cup] - before.get(cup, Counter())).elements()]
    if len(lost) > 1 or len(gained) > 1 or not lost + gained:
        return ("unclear", tuple(lost), tuple(gained))
    if not lost:
        return "add", gained[0][1], gained[0][0]
    if not gained:
        return "remove", lost[0][1], lost[0][0]
    if lost[0][1] != gained[0][1]:
        return ("unclear", tuple(lost), tuple(gained))
    return "move", lost[0][1], lost[0][0], gained[0][0]


def asked_name(event: dict[str, Any]) -> tuple:
    """The same name from the words of the question (the asked event's params)."""
    if event["type"] == "move":
        return "move", event["value"], event["from_cup"], event["to_cup"]
    return event["type"], event["value"], event["cup"]


@register_when_auditor("chips", source="replay")
def when_chips(record: dict[str, Any], observations: list[Observation]) -> Any:
    states, mismatch = replay_cups(record)
    return mismatch or operation_moments(record, states, operation_name, asked_name)
