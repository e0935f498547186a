"""`chips`: replay the cups from the recorded first contents with a simulator of this
module's own, compare every recorded state, and answer the query from the replay."""

from __future__ import annotations

from collections import Counter
from typing import Any

from synrl.audit import register_auditor
from synrl.audit.observe import Observation
from synrl.audit.common import unknown_query
from synrl.audit.replay import operations, replay


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


@register_auditor("chips")
def audit_chips(record: dict[str, Any], observations: list[Observation]) -> Any:
    states, mismatch = replay(record, as_counters(record["states"][0]), step, as_counters)
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
