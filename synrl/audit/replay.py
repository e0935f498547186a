"""Helpers of the long-term auditors: the operations of a record's timeline and the check of
every recorded state against an auditor's own simulator.

Each long-term auditor replays the timeline's operations from the recorded initial state with
a small simulator of its own (never the generator's code), compares every snapshot in
`states`, and answers the record's `query` from its own states. A state that disagrees is
returned as a `{"state_mismatch": ...}` answer, which the audit reports as a mismatch.
"""

from __future__ import annotations

from typing import Any, Callable

from synrl.audit import AuditError

REVEALS = ("initial_reveal", "final_reveal")


def operations(record: dict[str, Any]) -> list[dict[str, Any]]:
    """The timeline's operations in order (reveal phases left out)."""
    ops = [e for e in record["timeline"] if e["type"] not in REVEALS and "step" in e]
    ops.sort(key=lambda e: e["step"])
    if [e["step"] for e in ops] != list(range(1, len(ops) + 1)):
        raise AuditError("the timeline's operation steps are not 1..n")
    if len(record["states"]) != len(ops) + 1:
        raise AuditError(f"{len(record['states'])} states for {len(ops)} operations")
    return ops


def replay(record: dict[str, Any], initial: Any, step: Callable[[Any, dict[str, Any]], Any],
           recorded: Callable[[dict[str, Any]], Any]) -> tuple[list[Any], dict | None]:
    """States from `initial` through every operation with `step`, and the first state that
    differs from the record's (compared as `recorded(snapshot)`), or None."""
    states = [initial]
    for op in operations(record):
        try:
            states.append(step(states[-1], op))
        except (KeyError, ValueError, IndexError) as exc:
            return states, {"state_mismatch": {"step": op["step"], "error": str(exc)}}
    for k, (mine, snapshot) in enumerate(zip(states, record["states"])):
        if mine != recorded(snapshot):
            return states, {"state_mismatch": {"step": k, "replayed": repr(mine),
                                                "recorded": repr(recorded(snapshot))}}
    return states, None
