"""The question asked for temporal grounding, shared by the grounding benchmarks."""

from __future__ import annotations


def grounding_question(query: str) -> str:
    """Ask for the segment where ``query`` happens; the answer format comes from synrl.qa."""
    query = query.strip().rstrip(".")
    return f'Find the moment in the video when this happens: "{query}". When does it start and end?'


def grounding_question_for(question: str) -> str:
    """Ask for the segment that answers ``question`` (NExT-GQA, ReXTime)."""
    return (f"Question: {question.strip()}\nFind the moment in the video that shows the answer to this "
            "question. When does it start and end?")
