"""TempCompass (Liu et al., 2024): temporal aspects (speed, direction, order, ...) of short clips."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from synrl.eval.benchmarks.common import options_from_list, read_json, read_table, video_path
from synrl.eval.benchmarks.registry import BenchmarkError, register_benchmark
from synrl.eval.sample import EvalSample, letters

LAYOUT = """
From github.com/llyx97/TempCompass (questions/) and huggingface.co/datasets/lmms-lab/TempCompass
(tempcompass_videos.zip, unzipped in place, gives videos/):
  TempCompass/questions/multi-choice.json      {video_id: {dimension: [{"question": "...\\nA. x\\nB. y",
                                                                      "answer": "A. x"}]}}
  TempCompass/questions/yes_no.json            {video_id: {dimension: [{"question": "...?", "answer": "yes"}]}}
  TempCompass/questions/caption_matching.json  {video_id: {dimension: [{"question": "...\\nCaption A: x\\nCaption B: y",
                                                                      "answer": "Caption A: x"}]}}
      (or lmms-lab's <format>/test-00000-of-00001.parquet, columns video_id, question, answer, dim)
  TempCompass/videos/<video_id>.mp4            (video ids ending in _reverse are the reversed "conflicting" clips)
Dimensions: action, speed, direction, order, attribute_change. Captioning (judged by an LLM) is not loaded.
Options: formats=multi-choice,yes_no,caption_matching (default: multi-choice).
"""


def _is_option(line: str) -> bool:
    return len(line) > 1 and line[0].isupper() and line[1] in ".)"


def _split_question(text: str) -> tuple[str, dict[str, str]]:
    """``"Q?\\nA. x\\nB. y"`` as the question and its lettered options."""
    lines = [line for line in text.split("\n") if line.strip()]
    question = [line for line in lines if not _is_option(line)]
    return "\n".join(question).strip(), options_from_list([line for line in lines if _is_option(line)])


def _split_captions(text: str) -> tuple[str, list[str]]:
    """``"Q?\\nOption 1: x\\nOption 2: y"`` (or ``Caption A:``, ...) as the question and its labelled lines."""
    lines = [line.strip() for line in text.split("\n") if line.strip()]
    return lines[0], lines[1:]


def _from_parquet(root: Path, fmt: str) -> dict[str, dict[str, list[dict[str, Any]]]] | None:
    """lmms-lab's flat rows regrouped as the GitHub JSON (row order kept, so indices match)."""
    tables = sorted((root / fmt).glob("test-*.parquet"))
    if not tables:
        return None
    data: dict[str, dict[str, list[dict[str, Any]]]] = {}
    for table in tables:
        for row in read_table(table):
            item = {"question": row["question"], "answer": row["answer"]}
            data.setdefault(str(row["video_id"]), {}).setdefault(str(row["dim"]), []).append(item)
    return data


def _questions(root: Path, fmt: str) -> dict[str, dict[str, list[dict[str, Any]]]]:
    """The GitHub questions/<fmt>.json, else lmms-lab's <fmt>/ parquet."""
    path = root / "questions" / f"{fmt}.json"
    if not path.is_file():
        data = _from_parquet(root, fmt)
        if data is not None:
            return data
    return read_json(path)


def _multi_choice(item: dict[str, Any], sid: str, common: dict[str, Any]) -> EvalSample:
    question, opts = _split_question(str(item["question"]))
    letter = str(item["answer"]).strip()[:1].upper()
    if letter not in opts:
        raise BenchmarkError(f"tempcompass {sid}: answer {item['answer']!r} is not an option")
    return EvalSample(question=question, answer_type="multiple_choice", answer=letter, options=opts, **common)


def _yes_no(item: dict[str, Any], sid: str, common: dict[str, Any]) -> EvalSample:
    answer = str(item["answer"]).strip().lower()
    if answer not in ("yes", "no"):
        raise BenchmarkError(f"tempcompass {sid}: yes/no answer {item['answer']!r}")
    return EvalSample(question=str(item["question"]).strip(), answer_type="yes_no", answer=answer, **common)


def _caption_matching(item: dict[str, Any], sid: str, common: dict[str, Any]) -> EvalSample:
    # The answer is one of the labelled lines verbatim; labels (Option 1, Sentence A, ...) become A, B.
    question, lines = _split_captions(str(item["question"]))
    keys = letters(len(lines))
    matches = [k for k, line in zip(keys, lines) if line == str(item["answer"]).strip()]
    if len(matches) != 1:
        raise BenchmarkError(f"tempcompass {sid}: answer {item['answer']!r} is not exactly one of the captions")
    opts = {k: line.partition(":")[2].strip() for k, line in zip(keys, lines)}
    return EvalSample(question=question, answer_type="multiple_choice", answer=matches[0], options=opts, **common)


BUILDERS = {"multi-choice": _multi_choice, "yes_no": _yes_no, "caption_matching": _caption_matching}


@register_benchmark("tempcompass", kind="multiple_choice", layout=LAYOUT)
def load(root: Path, options: Mapping[str, str]) -> list[EvalSample]:
    formats = [f.strip() for f in options.get("formats", "multi-choice").split(",") if f.strip()]
    samples = []
    for fmt in formats:
        if fmt not in BUILDERS:
            raise BenchmarkError(f"tempcompass: unknown format {fmt!r} ({', '.join(BUILDERS)})")
        data = _questions(root, fmt)
        for video_id in sorted(data):
            for dimension in sorted(data[video_id]):
                for index, item in enumerate(data[video_id][dimension]):
                    sid = f"{fmt}-{video_id}-{dimension}-{index}"
                    video = video_path(root, "videos", f"{video_id}.mp4")
                    common = {"id": sid, "benchmark": "tempcompass", "video": video,
                              "groups": {"dimension": dimension, "format": fmt}}
                    samples.append(BUILDERS[fmt](item, sid, common))
    return samples
