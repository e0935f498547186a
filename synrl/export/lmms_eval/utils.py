"""lmms-eval hooks for the synrl suite: visuals, prompt, scoring and aggregation.

Imported by the task's ``utils.py`` shim; depends only on synrl (not on lmms-eval), so it is
tested without lmms-eval installed too.
"""

from __future__ import annotations

import json
from collections import defaultdict
from typing import Any

from synrl.eval.sample import EvalSample
from synrl.eval.scoring import score_prediction


def _sample(doc: dict[str, Any]) -> EvalSample:
    return EvalSample(
        id=doc["id"], benchmark="synthetic", video=doc["video"], question=doc["question"],
        answer_type=doc["answer_type"], answer=json.loads(doc["answer_json"]), options=json.loads(doc["options_json"]),
        answer_ordered=bool(doc["answer_ordered"]), answer_tolerance=json.loads(doc.get("answer_tolerance_json") or "null"),
        groups={"task": doc["task"], "family": doc["family"], "primitive": doc["primitive"]}, prompt=doc["prompt"],
    )


def doc_to_visual(doc: dict[str, Any]) -> list[str]:
    """The video path (lmms-eval's video models read a path)."""
    return [doc["video"]]


def doc_to_text(doc: dict[str, Any], lmms_eval_specific_kwargs: dict[str, Any] | None = None) -> str:
    """synrl's answering prompt (synrl.qa.user_prompt), with optional pre/post prompts."""
    kwargs = lmms_eval_specific_kwargs or {}
    return f"{kwargs.get('pre_prompt', '')}{doc['prompt']}{kwargs.get('post_prompt', '')}"


def doc_to_target(doc: dict[str, Any]) -> str:
    return str(json.loads(doc["answer_json"]))


def process_results(doc: dict[str, Any], results: list[str]) -> dict[str, Any]:
    """Score the first completion; an empty or unparseable one scores 0 and is flagged."""
    completion = results[0] if results else None
    scored = score_prediction(_sample(doc), completion, lenient=True)
    detail = {"id": doc["id"], "task": doc["task"], "family": doc["family"], "primitive": doc["primitive"],
              "score": scored.score, "status": scored.status}
    return {"accuracy": detail, "unparseable_rate": 0.0 if scored.status == "ok" else 1.0}


def aggregate_accuracy(results: list[dict[str, Any]]) -> float:
    """Mean score over all samples (nothing dropped), logging the per-task/family/primitive means."""
    if not results:
        return 0.0
    groups: dict[str, list[float]] = defaultdict(list)
    for r in results:
        for key in ("task", "family", "primitive"):
            groups[f"{key}={r[key]}"].append(r["score"])
    try:
        from loguru import logger

        for name, scores in sorted(groups.items()):
            logger.info(f"synrl_suite {name}: {100 * sum(scores) / len(scores):.1f} ({len(scores)} samples)")
    except ImportError:
        pass
    return sum(r["score"] for r in results) / len(results)
