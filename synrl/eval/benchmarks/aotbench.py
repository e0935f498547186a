"""AoTBench (Xue et al., 2025, "Seeing the Arrow of Time"): does the model see which way time runs?"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path

from synrl.eval.benchmarks.common import read_json, video_path
from synrl.eval.benchmarks.registry import BenchmarkError, register_benchmark
from synrl.eval.sample import EvalSample, letters

LAYOUT = """
From github.com/zihuixue/seeAoT (data/data_files/input/) and the videos its README links:
  AoTBench/data_files/input/<subset>.json   list of {"qa_idx", "video_name", "question", "ans"}; "question" is the
                                            whole prompt with the lettered options, "ans" the right letter
                                            (subsets: ReverseFilm, UCF101, Rtime_t2v, Rtime_v2t, AoTBench_QA)
  AoTBench/<video_name>                     the videos, at the relative paths the json names
                                            (the released eval script reads <video_path>/<video_name>)
(data/data_files/input/ inside a clone of the repository is read too.)
Scoring as the released read_qa.py: the answer letter must equal "ans"; the headline is the accuracy over all
questions of the subsets present, with each subset's accuracy under "subset".
Options: subsets=ReverseFilm,... (default: all present).
"""

SUBSETS = ("ReverseFilm", "UCF101", "Rtime_t2v", "Rtime_v2t", "AoTBench_QA")
_OPTION = re.compile(r"^\s*\(?([A-H])[.)]\s+(.+?)\s*$", re.MULTILINE)


def _input_dir(root: Path) -> Path:
    for candidate in (root / "data_files" / "input", root / "data" / "data_files" / "input"):
        if candidate.is_dir():
            return candidate
    raise BenchmarkError(f"{root}: no data_files/input/ folder (AoTBench's <subset>.json files)")


@register_benchmark("aotbench", kind="multiple_choice", layout=LAYOUT)
def load(root: Path, options: Mapping[str, str]) -> list[EvalSample]:
    folder = _input_dir(root)
    wanted = [s.strip() for s in options.get("subsets", "").split(",") if s.strip()] or list(SUBSETS)
    unknown = [s for s in wanted if s not in SUBSETS]
    if unknown:
        raise BenchmarkError(f"aotbench: unknown subset(s) {', '.join(unknown)}; known: {', '.join(SUBSETS)}")
    present = [s for s in wanted if (folder / f"{s}.json").is_file()]
    if not present:
        raise BenchmarkError(f"{folder}: none of the AoTBench subsets ({', '.join(wanted)}.json)")
    video_root = folder.parents[1] if folder.parent.name == "data_files" and folder.parents[1].name == "data" else root
    samples = []
    for subset in present:
        for index, item in enumerate(read_json(folder / f"{subset}.json")):
            where = f"aotbench {subset}[{index}]"
            try:
                qid, name, prompt, answer = item["qa_idx"], item["video_name"], item["question"], item["ans"]
            except (KeyError, TypeError):
                raise BenchmarkError(f"{where}: needs qa_idx, video_name, question and ans") from None
            answer = str(answer).strip().upper()
            # The options are inside the prompt; the letters it offers bound what counts as an answer.
            offered = {m.group(1): m.group(2) for m in _OPTION.finditer(str(prompt))}
            opts = offered or dict.fromkeys(letters(max(2, ord(answer[:1] or "A") - 64)), "")
            if answer not in opts:
                raise BenchmarkError(f"{where}: answer {answer!r} is not one of the options {sorted(opts)}")
            question = str(prompt).strip()
            samples.append(EvalSample(
                id=f"{subset}-{qid}", benchmark="aotbench", video=video_path(video_root, str(name)),
                question=question, answer_type="multiple_choice", answer=answer, options=opts,
                groups={"subset": subset},
                # The released prompt already lists the options; synrl's instruction follows it.
                prompt=_prompt(question),
            ))
    return samples


def _prompt(question: str) -> str:
    from synrl.qa import THINK_INSTRUCTION, answer_instruction

    return f"{question}\n{THINK_INSTRUCTION} {answer_instruction('multiple_choice')}"
