"""The question asked for temporal grounding, shared by the grounding benchmarks."""

from __future__ import annotations

#: Id suffixes of the two halves of a grounded-QA item (NExT-GQA and ReXTime task=gqa): the
#: report pairs ``<id>/qa`` with ``<id>/ground`` for Acc@GQA and Acc@IoU>=0.5.
QA_SUFFIX = "/qa"
GROUNDING_SUFFIX = "/ground"


def grounded_pair_id(sample_id: str) -> tuple[str, str] | None:
    """``(item id, "qa" | "ground")`` of one half of a grounded-QA item, else ``None``."""
    for suffix in (QA_SUFFIX, GROUNDING_SUFFIX):
        if sample_id.endswith(suffix):
            return sample_id[: -len(suffix)], suffix[1:]
    return None


def grounding_question(query: str) -> str:
    """Ask for the segment where ``query`` happens; the answer format comes from synrl.qa."""
    query = query.strip().rstrip(".")
    return f'Find the moment in the video when this happens: "{query}". When does it start and end?'


def grounding_question_for(question: str) -> str:
    """Ask for the segment that answers ``question`` (NExT-GQA, ReXTime)."""
    return (f"Question: {question.strip()}\nFind the moment in the video that shows the answer to this "
            "question. When does it start and end?")
