"""Vinoground's text, video and group scores over the questions a run answered.

lmms-eval 0.7.3's own aggregation (``tasks/vinoground/utils.py``,
``vinoground_aggregate_results``) fills a fixed 500 x 7 matrix and then reads
``index_to_categories[i]`` for every ``i`` in ``range(500)``: a run over fewer than all 500
caption pairs (``--limit``, a subset, a fixture) stops with a ``KeyError``, and the means are
over 500 rows whatever was answered. The suite's Vinoground overlay keeps lmms-eval's prompt,
videos and ``process_results`` and replaces only that aggregation with :func:`aggregate`: the
same rule (a pair counts for the text score when both its positive and negative text questions
are right, for the video score likewise, for the group score when both are), over the pairs
the run has. On the full benchmark both give the same three numbers (tested).

Pure but for :func:`aggregate`, which reads the answer keys through lmms-eval's own
``prep_data`` (so it runs where lmms-eval is installed).
"""

from __future__ import annotations

from typing import Any


def scores(results: list[dict[str, Any]], text_keys: dict[str, dict[str, Any]],
           video_keys: dict[str, dict[str, Any]]) -> tuple[float, float, float]:
    """(text, video, group) score in percent over the pairs in ``results``.

    ``results``: lmms-eval's per-question records (``index`` '<n>_<pos|neg>', ``question_type``
    'text' or 'video', ``pred``); ``text_keys`` / ``video_keys``: idx -> record with ``GT``. A
    question of a pair that is absent counts as wrong, as in lmms-eval."""
    pairs: dict[int, list[bool]] = {}
    for result in results:
        idx, kind, pred = result["index"], result["question_type"], str(result["pred"] or "")
        keys = text_keys if kind == "text" else video_keys
        column = (0 if "pos" in idx else 1) + (2 if kind == "video" else 0)
        right = pairs.setdefault(int(idx.split("_")[0]), [False] * 4)
        right[column] = pred[:1].lower() == str(keys[idx]["GT"]).lower()
    if not pairs:
        return 0.0, 0.0, 0.0
    text = [r[0] and r[1] for r in pairs.values()]
    video = [r[2] and r[3] for r in pairs.values()]
    group = [t and v for t, v in zip(text, video)]
    n = len(pairs)
    return 100 * sum(text) / n, 100 * sum(video) / n, 100 * sum(group) / n


def aggregate(results: list[dict[str, Any]]) -> tuple[float, float, float]:
    """lmms-eval aggregation hook: :func:`scores` with the answer keys lmms-eval's task reads."""
    from lmms_eval.tasks.vinoground import utils as vinoground

    text_keys, video_keys = vinoground.prep_data()
    return scores(results, text_keys, video_keys)
