"""The SFT mixture (SynRL section 2.3): synthetic samples with CoT targets, plus general
video QA with answer-only targets, at a fixed ratio.

Outputs:

* a TRL-ready conversational JSONL: one ``{"id", "source", "task", "messages"}`` row per
  sample, where ``messages`` is system / user (a ``video`` part then a ``text`` part) /
  assistant (one ``text`` part: the CoT, or the bare answer for general QA). Every
  ``content`` is a list of parts so the rows share one schema (Arrow needs that);
* optionally the Video-R1 SFT JSON (``problem_id, problem, data_type, problem_type,
  options, process, solution, path, data_source``), for Video-R1-style trainers.

General QA input: LLaVA-Video-178K style, a JSON array or JSONL of
``{"id", "video", "conversations": [{"from": "human", "value": "<video>\\n..."},
{"from": "gpt", "value": "..."}, ...]}``; each human/gpt pair is one QA item, with the
``<video>`` / ``<image>`` placeholder removed from the question. ``video`` is relative to
``general_video_root`` (default: the file's folder).
"""

from __future__ import annotations

import json
import os
import random
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from synrl import qa
from synrl.cot.dataset import load_cot
from synrl.dataset import GROUNDED_COT, MODEL_COT, atomic_write_jsonl, atomic_write_text

__all__ = ["SFTConfig", "SFTError", "SFTResult", "build_sft", "general_count", "load_general_qa"]

#: Video-R1's ``problem_type`` for each synrl answer type; it has no yes/no, list or interval type.
VIDEO_R1_PROBLEM_TYPES = {"multiple_choice": "multiple choice", "number": "numerical"}


class SFTError(ValueError):
    """Inputs that cannot make the requested mixture."""


class SFTConfig(BaseModel):
    """One ``synrl sft-data`` run."""

    model_config = ConfigDict(extra="forbid")

    folder: Path = Field(description="synrl dataset folder")
    out: Path = Field(description="TRL conversational JSONL to write")
    cot: list[Path] | None = Field(None, description="CoT files, first wins per id "
                                                     "(default: cot_model.jsonl then cot.jsonl, those present)")
    general: Path | None = Field(None, description="general video QA, LLaVA-Video style JSON/JSONL")
    general_ratio: float = Field(0.15, ge=0, lt=1, description="share of general QA in the mixture")
    general_video_root: Path | None = None
    general_target: Literal["plain", "answer_tag"] = Field(
        "plain", description="plain: the answer text as is; answer_tag: <answer>text</answer>")
    video_r1_out: Path | None = Field(None, description="also write the Video-R1 SFT JSON here")
    video_r1_data: Path | None = Field(None, description="the folder Video-R1 will see as ./Video-R1-data "
                                                         "(default: the Video-R1 JSON's folder); its paths "
                                                         "are written ./<path inside it>, as Video-R1's "
                                                         "loader reads cwd + '/Video-R1-data' + path[1:]")
    paths: Literal["absolute", "relative"] = Field("absolute", description="video paths, or relative "
                                                                           "to each output file's folder")
    system_prompt: bool = True
    check_videos: bool = True
    seed: int = 0


class SFTResult(BaseModel):
    out: Path
    video_r1_out: Path | None
    synthetic: int
    general: int
    ratio: float
    without_cot: int
    by_task: dict[str, int]
    cot_sources: dict[str, int]


def general_count(synthetic: int, ratio: float) -> int:
    """General items so that they make ``ratio`` of the mixture (rounded to the nearest)."""
    if ratio <= 0 or synthetic == 0:
        return 0
    return int(round(ratio * synthetic / (1 - ratio)))


def _strip_placeholder(text: str) -> str:
    for tag in ("<video>", "<image>"):
        text = text.replace(tag, "")
    return text.strip()


def load_general_qa(path: Path) -> list[dict[str, Any]]:
    """QA items of a LLaVA-Video style file: ``{"id", "video", "question", "answer", "data_source"}``."""
    text = path.read_text(encoding="utf-8")
    stripped = text.lstrip()
    try:
        if stripped.startswith("["):
            rows = json.loads(stripped)
        else:
            rows = [json.loads(line) for line in text.splitlines() if line.strip()]
    except json.JSONDecodeError as exc:
        raise SFTError(f"{path}: not JSON or JSONL ({exc})") from exc
    items: list[dict[str, Any]] = []
    for n, row in enumerate(rows, 1):
        if not isinstance(row, Mapping) or not isinstance(row.get("conversations"), list) or not row.get("video"):
            raise SFTError(f"{path}: entry {n} needs 'video' and a 'conversations' list "
                           "([{'from': 'human', 'value': ...}, {'from': 'gpt', 'value': ...}])")
        turns = row["conversations"]
        pairs = [(turns[i], turns[i + 1]) for i in range(len(turns) - 1)
                 if turns[i].get("from") == "human" and turns[i + 1].get("from") == "gpt"]
        if not pairs:
            raise SFTError(f"{path}: entry {n} has no human/gpt pair")
        base_id = str(row.get("id", f"general-{n}"))
        for k, (human, gpt) in enumerate(pairs):
            items.append({
                "id": base_id if len(pairs) == 1 else f"{base_id}#{k}",
                "video": str(row["video"]),
                "question": _strip_placeholder(str(human.get("value", ""))),
                "answer": str(gpt.get("value", "")).strip(),
                "data_source": str(row.get("data_source", "general")),
            })
    return items


def _video_path(video: Path, out: Path, mode: str) -> str:
    video = video.resolve()
    if mode == "relative":
        return os.path.relpath(video, out.resolve().parent)
    return str(video)


def _messages(system: str | None, video: str, prompt: str, target: str) -> list[dict[str, Any]]:
    return qa.chat_messages(prompt, [{"type": "video", "video": video}], system=system, target=target)


def _video_r1_path(video: Path, data_root: Path) -> str:
    """``./<video inside data_root>``: Video-R1 opens ``os.getcwd() + "/Video-R1-data" + path[1:]``."""
    try:
        inside = video.resolve().relative_to(data_root.resolve())
    except ValueError:
        raise SFTError(f"{video} is not inside {data_root}: Video-R1 reads videos from its Video-R1-data "
                       "folder; pass --video-r1-data the folder that holds the dataset") from None
    return "./" + inside.as_posix()


def _video_r1_row(item: dict[str, Any], problem_id: int, path: str) -> dict[str, Any]:
    if item["source"] == "general":
        return {"problem_id": problem_id, "problem": item["question"], "data_type": "video",
                "problem_type": "free-form", "options": [], "process": "",
                "solution": qa.answer_block(item["answer"]), "path": path,
                "data_source": item["data_source"]}
    record, cot = item["record"], item["cot"]
    parts = qa.split_completion(cot)
    if parts is None:  # build_sft checked every chain; a caller that did not gets an error
        raise SFTError(f"the chain of thought of {record['id']} is not <think>...</think><answer>...</answer>")
    think, answer = parts
    options = record.get("options") or {}
    return {"problem_id": problem_id, "problem": record["question"], "data_type": "video",
            "problem_type": VIDEO_R1_PROBLEM_TYPES.get(record["answer_type"], "free-form"),
            "options": [f"{letter}. {text}" for letter, text in sorted(options.items())],
            "process": qa.think_block(think), "solution": qa.answer_block(answer), "path": path,
            "data_source": f"synrl/{record['task']}", "answer_type": record["answer_type"], "id": record["id"]}


def build_sft(config: SFTConfig) -> SFTResult:
    """Build the mixture and write it; deterministic for a given config and inputs."""
    from synrl.dataset import load_dataset

    folder = config.folder
    cot_files = config.cot or [p for p in (folder / MODEL_COT, folder / GROUNDED_COT) if p.is_file()]
    if not cot_files:
        raise SFTError(f"no CoT file in {folder}: run `synrl cot {folder}` first, or pass --cot")
    for path in cot_files:
        if not path.is_file():
            raise SFTError(f"CoT file {path} does not exist")
    cots = load_cot(cot_files)
    records = load_dataset(folder)
    synthetic = [{"source": "synthetic", "record": r, "cot": cots[r["id"]]["cot"], "from": cots[r["id"]]["source"]}
                 for r in records if r["id"] in cots]
    if not synthetic:
        raise SFTError(f"none of the {len(records)} samples in {folder} has a passed CoT in "
                       f"{', '.join(map(str, cot_files))}")
    # A chain that is not <think>..</think><answer>..</answer> would become a target with an
    # empty or garbled think block: refuse the whole export rather than train on it.
    malformed = [item["record"]["id"] for item in synthetic if qa.split_completion(item["cot"]) is None]
    if malformed:
        raise SFTError(f"{len(malformed)} chains of thought are not <think>...</think><answer>...</answer> "
                       f"(e.g. {malformed[0]}); rerun `synrl cot {folder}` or fix {', '.join(map(str, cot_files))}")

    general_items: list[dict[str, Any]] = []
    wanted = general_count(len(synthetic), config.general_ratio) if config.general else 0
    if wanted:
        assert config.general is not None
        pool = load_general_qa(config.general)
        if len(pool) < wanted:
            raise SFTError(f"a general share of {config.general_ratio:g} with {len(synthetic)} synthetic samples "
                           f"needs {wanted} general QA items; {config.general} has {len(pool)}. Lower "
                           "--general-ratio or add general data")
        rng = random.Random(config.seed)
        root = config.general_video_root or config.general.parent
        general_items = [{"source": "general", **item, "video_file": root / item["video"]}
                         for item in rng.sample(pool, wanted)]

    mixture = synthetic + general_items
    random.Random(config.seed + 1).shuffle(mixture)

    if config.check_videos:
        missing = [str(_video_file(item, folder)) for item in mixture if not _video_file(item, folder).is_file()]
        if missing:
            raise SFTError(f"{len(missing)} videos are missing, e.g. {missing[0]} (use --no-check-videos to skip)")

    rows = []
    for item in mixture:
        video = _video_path(_video_file(item, folder), config.out, config.paths)
        if item["source"] == "synthetic":
            record = item["record"]
            system = qa.SYSTEM_PROMPT if config.system_prompt else None
            rows.append({"id": record["id"], "source": "synthetic", "task": record["task"],
                         "messages": _messages(system, video, qa.user_prompt(record), item["cot"])})
        else:
            # Answer-only targets never follow a request to think (see qa.ANSWER_ONLY_SYSTEM_PROMPT).
            target = item["answer"] if config.general_target == "plain" else qa.answer_block(item["answer"])
            system = qa.ANSWER_ONLY_SYSTEM_PROMPT if config.system_prompt else None
            rows.append({"id": item["id"], "source": "general", "task": "general",
                         "messages": _messages(system, video, item["question"], target)})
    atomic_write_jsonl(config.out, rows)

    if config.video_r1_out is not None:
        data_root = config.video_r1_data or config.video_r1_out.parent
        r1_rows = [_video_r1_row(item, n, _video_r1_path(_video_file(item, folder), data_root))
                   for n, item in enumerate(mixture, 1)]
        atomic_write_text(config.video_r1_out, json.dumps(r1_rows, ensure_ascii=False, indent=1) + "\n")

    by_task: dict[str, int] = {}
    sources: dict[str, int] = {}
    for item in synthetic:
        task = item["record"]["task"]
        by_task[task] = by_task.get(task, 0) + 1
        sources[item["from"]] = sources.get(item["from"], 0) + 1
    return SFTResult(out=config.out, video_r1_out=config.video_r1_out, synthetic=len(synthetic),
                     general=len(general_items), ratio=len(general_items) / len(mixture),
                     without_cot=len(records) - len(synthetic), by_task=by_task, cot_sources=sources)


def _video_file(item: Mapping[str, Any], folder: Path) -> Path:
    if item["source"] == "synthetic":
        return folder / item["record"]["video"]["path"]
    return Path(item["video_file"])
