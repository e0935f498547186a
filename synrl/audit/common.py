"""Helpers shared by the auditors."""

from __future__ import annotations

from typing import Any

import numpy as np

from synrl.audit import AuditError
from synrl.audit.observe import Observation


def target(record: dict[str, Any], observations: list[Observation]) -> tuple[dict, Observation]:
    """The track and observation the question is about (`query.object`)."""
    object_id = record["query"]["object"]
    for track, obs in zip(record["tracks"], observations):
        if track["id"] == object_id:
            if not obs.found.all():
                raise AuditError(f"{object_id} is missing from {int((~obs.found).sum())} frames")
            return track, obs
    raise AuditError(f"query names {object_id!r}, which has no track")


def speeds(obs: Observation, fps: float) -> np.ndarray:
    """Per-frame speed (px/s) from measured centroids."""
    return np.hypot(np.diff(obs.x), np.diff(obs.y)) * fps


def unknown_query(record: dict[str, Any]) -> AuditError:
    return AuditError(f"no pixel derivation for query kind {record['query'].get('kind')!r}")
