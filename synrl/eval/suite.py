"""The paper's benchmark suite in one run: ``synrl eval suite paper``.

Each benchmark goes through one route:

- ``lmms``: lmms-eval's own task (its data format, prompt and scorer), run in lmms-eval's
  venv as a subprocess through :mod:`synrl.eval.lmms.launch` with the ``synrl`` model wrapper
  (synrl's system prompt and answer extraction) and a task overlay that reads the local copy
  of the benchmark (:mod:`synrl.eval.lmms.tasks`);
- ``synrl``: synrl's own loader and scorer (:mod:`synrl.eval.runner`), for the benchmarks
  lmms-eval has no task for (NExT-GQA and ReXTime with mIoP, AoTBench) and for the grounding
  ones whose paper metrics synrl computes (Charades-STA R@0.3/0.5/0.7, mIoU).

Every result lands in one table laid out as the paper's Tables 1-4 (plus VSI-Bench and
TempCompass), next to the paper's reference rows (:mod:`synrl.eval.paper_reference`). A
benchmark whose folder is missing is reported as missing (with where to get it) and the
others still run; one that fails is reported with its error.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

SUITE_JSON = "suite.json"
TABLE_MD = "table.md"

#: The frame protocol used when a benchmark gives none. The paper states no frame count or
#: pixel budget for its evaluation; these are our choice, Video-R1's evaluation setting
#: (32 frames, at most 256*28*28 pixels per frame, 16*28*28 at least).
DEFAULT_FRAMES = {"num_frames": 32, "fps": None, "max_pixels": 256 * 28 * 28, "min_pixels": 16 * 28 * 28}
FRAMES_SOURCE = ("our choice: Video-R1's evaluation protocol (32 frames, max 256*28*28 px); "
                 "the SynRL paper gives no frame count or pixel budget")


@dataclass(frozen=True)
class SuiteBenchmark:
    """One benchmark of the suite: where it is read from, how it is run, which columns it fills."""

    key: str
    title: str
    section: str  # the paper's table group
    route: str  # "synrl" or "lmms"
    folder: str  # under --data-root
    columns: tuple[str, ...]  # the table's columns it fills (paper names)
    source: str  # where to download it
    layout: str  # what the folder must hold
    synrl_benchmark: str | None = None
    synrl_options: dict[str, str] = field(default_factory=dict)
    #: headline key (synrl report) -> column
    synrl_columns: dict[str, str] = field(default_factory=dict)
    lmms_tasks: tuple[str, ...] = ()
    lmms_metric: str = ""
    #: lmms-eval scorers report percent (True), fractions (False) or either (None: >1 is percent)
    lmms_percent: bool | None = None
    #: a task that reads one annotation file (dataset_path: json): that file, under the folder
    lmms_data_file: str | None = None
    #: "module:function" replacing the aggregation of ``lmms_metric`` (the task's prompt and scoring stay)
    lmms_aggregation: str | None = None
    #: environment of the lmms-eval run; "{folder}" is the benchmark's folder
    lmms_env: dict[str, str] = field(default_factory=dict)
    optional: bool = False
    frames: dict[str, Any] = field(default_factory=lambda: dict(DEFAULT_FRAMES))
    frames_source: str = FRAMES_SOURCE


def _lmms_layout(cache_dir: str, repo: str, extra: str = "") -> str:
    return (f"ROOT/{cache_dir}/: a clone of the Hugging Face dataset {repo} (its annotation files, as lmms-eval "
            f"loads them) with the videos unpacked in place, where lmms-eval's task looks for them "
            f"($HF_HOME/{cache_dir}; the suite sets HF_HOME=ROOT).{extra}")


_MVBENCH_TASKS = tuple(f"mvbench_{t}" for t in (
    "action_sequence", "action_prediction", "action_antonym", "fine_grained_action", "unexpected_action",
    "object_existence", "object_interaction", "object_shuffle", "moving_direction", "action_localization",
    "scene_transition", "action_count", "moving_count", "moving_attribute", "state_change", "fine_grained_pose",
    "character_order", "egocentric_navigation", "episodic_reasoning", "counterfactual_inference"))
_TVBENCH_TASKS = tuple(f"tvbench_{t}" for t in (
    "action_antonym", "action_count", "action_localization", "action_sequence", "egocentric_sequence",
    "moving_direction", "object_count", "object_shuffle", "scene_transition", "unexpected_action"))

GROUNDING = "Temporal Grounding"
REASONING = "Complex Reasoning"
COMPREHENSIVE = "Comprehensive Video Understanding"
GENERAL = "General Video QA"
ABLATION = "Ablations"

#: The paper's benchmarks in its table order (Tables 1, 2, 3, 4), then the ablation ones.
PAPER_SUITE: tuple[SuiteBenchmark, ...] = (
    SuiteBenchmark("tomato", "TOMATO", REASONING, "lmms", "TOMATO", ("TOMATO",),
                   "huggingface.co/datasets/lmms-eval/TOMATO (videos: the zip in the same repository)",
                   _lmms_layout("TOMATO", "lmms-eval/TOMATO",
                                " Rows: id, question, options (list), answer (index), video_path, reason_type, "
                                "demonstration_type."),
                   lmms_tasks=("tomato",), lmms_metric="tomato_score", lmms_percent=False),
    SuiteBenchmark("videott", "Video-TT", REASONING, "lmms", "video-tt", ("Video-TT",),
                   "huggingface.co/datasets/lmms-eval/video-tt",
                   _lmms_layout("video-tt", "lmms-eval/video-tt",
                                " Test split rows: video_id, question, question_prompt (the options), answer (letter), "
                                "capability (one of the task's 18 categories); videos: "
                                "Benchmark-AllVideos-LQ/<video_id>.mp4."),
                   lmms_tasks=("videott_single_mc",), lmms_metric="videott_perception_score", lmms_percent=True),
    SuiteBenchmark("mvbench", "MVBench", COMPREHENSIVE, "lmms", "mvbench_video", ("MVBench",),
                   "huggingface.co/datasets/OpenGVLab/MVBench (the 'video' revision lmms-eval reads)",
                   _lmms_layout("mvbench_video", "OpenGVLab/MVBench",
                                " The dataset card names one config per subset (json/<subset>.json, split train; rows: "
                                "video, question, candidates, answer = the right candidate's text); videos under each "
                                "subset's folder (star/Charades_segment/, clevrer/video_validation/, ... as in "
                                "lmms-eval's mvbench/utils.py)."),
                   lmms_tasks=_MVBENCH_TASKS, lmms_metric="mvbench_accuracy", lmms_percent=True),
    SuiteBenchmark("videomme", "VideoMME", COMPREHENSIVE, "lmms", "videomme", ("VideoMME",),
                   "huggingface.co/datasets/lmms-eval/Video-MME",
                   _lmms_layout("videomme", "lmms-eval/Video-MME",
                                " videomme/test-*.parquet rows: videoID, duration, domain, sub_category, task_type, "
                                "question_id, question, options ('A. ...'), answer (letter); videos: data/<videoID>.mp4."),
                   lmms_tasks=("videomme",), lmms_metric="videomme_perception_score", lmms_percent=True),
    SuiteBenchmark("temporalbench", "TemporalBench", COMPREHENSIVE, "lmms", "temporalbench",
                   ("TemporalBench Binary Acc.", "TemporalBench Multiple Binary Acc."),
                   "huggingface.co/datasets/microsoft/TemporalBench",
                   _lmms_layout("temporalbench", "microsoft/TemporalBench"),
                   lmms_tasks=("temporalbench_short_qa",), lmms_metric="temporalbench_score", lmms_percent=True),
    SuiteBenchmark("aotbench", "AoTBench", GENERAL, "synrl", "AoTBench", ("AoTBench",),
                   "github.com/zihuixue/seeAoT (data/data_files/input/*.json) + its released videos",
                   "see `synrl eval benchmarks` (aotbench)", synrl_benchmark="aotbench",
                   synrl_columns={"score": "AoTBench"}, frames={**DEFAULT_FRAMES, "num_frames": 16},
                   frames_source="AoTBench's own evaluation script (eval/run_qwen25.py: --nframes 16); "
                                 "pixels: our choice (Video-R1's 256*28*28)"),
    SuiteBenchmark("vinoground", "Vinoground", GENERAL, "lmms", "vinoground", ("Vinoground",),
                   "huggingface.co/datasets/HanSolo9682/Vinoground",
                   _lmms_layout("vinoground", "HanSolo9682/Vinoground",
                                " The lmmseval split (rows: index '<n>_<pos|neg>_<text|video>', major, minor), "
                                "vinoground_videos/vinoground_textscore.json and "
                                "vinoground_videos_concated/vinoground_videoscore.json ({idx, video_name, question, GT}) "
                                "and the videos they name. Column: the text score (lmms-eval reports text, video, "
                                "group); scored over the pairs present (lmms-eval's own aggregation needs all 500)."),
                   lmms_tasks=("vinoground",), lmms_metric="vinoground_score", lmms_percent=True,
                   lmms_aggregation="synrl.eval.lmms.vinoground:aggregate"),
    SuiteBenchmark("videommmu", "VideoMMMU", GENERAL, "lmms", "video_mmmu", ("VideoMMMU",),
                   "huggingface.co/datasets/lmms-eval/VideoMMMU",
                   _lmms_layout("video_mmmu", "lmms-eval/VideoMMMU",
                                " Configs Perception, Comprehension, Adaptation (split test; rows: id "
                                "'<split>_<Subject>_<n>', question, options, answer, question_type); videos: "
                                "<Art|Business|Science|Humanities|Medicine|Engineering>/<id>.mp4. Column: accuracy over "
                                "the three tracks' questions."),
                   lmms_tasks=("video_mmmu_perception", "video_mmmu_comprehension", "video_mmmu_adaptation"),
                   lmms_metric="mmmu_acc", lmms_percent=False),
    SuiteBenchmark("vcrbench", "VCR-Bench", REASONING, "lmms", "vcrbench", ("VCR-Bench",),
                   "huggingface.co/datasets/pritamqu/VCRBench",
                   _lmms_layout("vcrbench", "pritamqu/VCRBench",
                                " Test split rows: qid, goal, video_file, ground_truth (the clips' order, 0-based); "
                                "videos: videos/video_<N>.mp4. Column: exact-order accuracy (lmms-eval's "
                                "vcrbench_accuracy, VCRBench's avg_accuracy)."),
                   lmms_tasks=("vcrbench",), lmms_metric="vcrbench_accuracy", lmms_percent=True,
                   frames={**DEFAULT_FRAMES, "num_frames": 64, "fps": 1.0, "max_pixels": 360 * 420},
                   frames_source="VCRBench's protocol (fps 1, max_pixels 360*420, as lmms-eval's vcrbench README "
                                 "gives it), at most 64 frames (the README: 32 uniform frames miss the 'Clip N' "
                                 "title cards)"),
    SuiteBenchmark("cvbench", "CVBench", REASONING, "lmms", "CVBench", ("CVBench",),
                   "huggingface.co/datasets/Dongyh35/CVBench (github.com/Hokhim2/CVBench)",
                   "ROOT/CVBench/: test.jsonl (or .json/.parquet) rows {id, task_type, question, options: ['A. ...'], "
                   "answer: letter or YES/NO, video_1..video_4: paths relative to the folder or null}, and the videos. "
                   "Run by synrl's own lmms-eval task (synrl_cvbench; lmms-eval's cv_bench is the image benchmark): "
                   "one question sees up to four videos.",
                   lmms_tasks=("synrl_cvbench",), lmms_metric="cvbench_accuracy", lmms_percent=False),
    SuiteBenchmark("tvbench", "TVBench", REASONING, "lmms", "tvbench", ("TVBench",),
                   "huggingface.co/datasets/FunAILab/TVBench",
                   _lmms_layout("tvbench", "FunAILab/TVBench",
                                " The dataset card names one config per subset (json/<subset>.json, split train; rows: "
                                "video, question, candidates, answer = the right candidate's text); videos: "
                                "video/<subset>/<video>."),
                   lmms_tasks=_TVBENCH_TASKS, lmms_metric="tvbench_acc", lmms_percent=False),
    SuiteBenchmark("minerva", "Minerva", REASONING, "lmms", "minerva", ("Minerva",),
                   "huggingface.co/datasets/lmms-lab-eval/minerva (minerva.json) + the YouTube videos it lists",
                   "ROOT/minerva/minerva.json (lmms-eval's copy: huggingface.co/datasets/lmms-lab-eval/minerva) and "
                   "ROOT/minerva/videos/<video_id>.mp4 (the YouTube videos it names; lmms-eval's MINERVA_VIDEO_DIR, "
                   "which the suite sets).",
                   lmms_tasks=("minerva",), lmms_metric="minerva_acc", lmms_percent=True,
                   lmms_data_file="minerva.json", lmms_env={"MINERVA_VIDEO_DIR": "{folder}/videos"}),
    SuiteBenchmark("nextgqa", "NExT-GQA", GROUNDING, "synrl", "NExT-GQA",
                   ("NExT-GQA R@0.3", "NExT-GQA R@0.5", "NExT-GQA R@0.7", "NExT-GQA mIoU", "NExT-GQA mIoP"),
                   "github.com/doc-doc/NExT-GQA + NExT-QA videos", "see `synrl eval benchmarks` (nextgqa)",
                   synrl_benchmark="nextgqa",
                   synrl_columns={"R@0.3": "NExT-GQA R@0.3", "R@0.5": "NExT-GQA R@0.5", "R@0.7": "NExT-GQA R@0.7",
                                  "mIoU": "NExT-GQA mIoU", "mIoP": "NExT-GQA mIoP"}),
    SuiteBenchmark("rextime", "ReXTime", GROUNDING, "synrl", "ReXTime",
                   ("ReXTime R@0.3", "ReXTime R@0.5", "ReXTime R@0.7", "ReXTime mIoU", "ReXTime mIoP"),
                   "huggingface.co/datasets/ReXTime/ReXTime + ActivityNet/QVHighlights videos",
                   "see `synrl eval benchmarks` (rextime)", synrl_benchmark="rextime",
                   synrl_columns={"R@0.3": "ReXTime R@0.3", "R@0.5": "ReXTime R@0.5", "R@0.7": "ReXTime R@0.7",
                                  "mIoU": "ReXTime mIoU", "mIoP": "ReXTime mIoP"}),
    SuiteBenchmark("charades_sta", "Charades-STA", GROUNDING, "synrl", "Charades-STA",
                   ("Charades R@0.3", "Charades R@0.5", "Charades R@0.7", "Charades mIoU"),
                   "charades_sta_test.txt (e.g. github.com/microsoft/VideoX, 2D-TAN/data/Charades-STA/) + the Charades videos",
                   "see `synrl eval benchmarks` (charades_sta)", synrl_benchmark="charades_sta",
                   synrl_columns={"R@0.3": "Charades R@0.3", "R@0.5": "Charades R@0.5", "R@0.7": "Charades R@0.7",
                                  "mIoU": "Charades mIoU"}),
    SuiteBenchmark("vsibench", "VSI-Bench", ABLATION, "synrl", "VSI-Bench", ("VSI-Bench",),
                   "huggingface.co/datasets/nyu-visionx/VSI-Bench", "see `synrl eval benchmarks` (vsibench)",
                   synrl_benchmark="vsibench", synrl_columns={"Avg.": "VSI-Bench"}, optional=True),
    SuiteBenchmark("tempcompass", "TempCompass", ABLATION, "synrl", "TempCompass", ("TempCompass",),
                   "huggingface.co/datasets/lmms-lab/TempCompass", "see `synrl eval benchmarks` (tempcompass)",
                   synrl_benchmark="tempcompass", synrl_columns={"Avg.": "TempCompass"}, optional=True),
)

SUITES = {"paper": PAPER_SUITE}


def suite_columns(suite: tuple[SuiteBenchmark, ...]) -> list[str]:
    """Every column of the suite's table, in the paper's order."""
    return [c for b in suite for c in b.columns]


def select(suite_name: str, names: list[str] | None = None, optional: bool = True) -> tuple[SuiteBenchmark, ...]:
    """The suite's benchmarks, or the named ones (keys as in ``synrl eval benchmarks``)."""
    if suite_name not in SUITES:
        raise ValueError(f"unknown suite {suite_name!r}; known: {', '.join(SUITES)}")
    suite = SUITES[suite_name]
    if names:
        known = {b.key for b in suite}
        unknown = [n for n in names if n not in known]
        if unknown:
            raise ValueError(f"unknown benchmark(s) {', '.join(unknown)}; the {suite_name} suite has "
                             f"{', '.join(sorted(known))}")
        return tuple(b for b in suite if b.key in names)
    return tuple(b for b in suite if optional or not b.optional)


@dataclass
class SuiteOptions:
    """How to run the model; the frame protocol comes from each benchmark unless overridden."""

    model: str  # a local model folder / hub id (transformers, lmms-eval qwen) or an OpenAI-compatible URL
    served_model: str = "model"  # the model name on the server (URL models)
    device: str = "auto"
    dtype: str = "auto"
    batch_size: int = 1
    max_new_tokens: int = 1024
    temperature: float = 0.0
    num_frames: int | None = None
    max_pixels: int | None = None
    limit: int = 0
    lmms_python: str | None = None  # python of the lmms-eval venv
    lmms_base: str | None = None  # lmms-eval model the synrl wrapper wraps (None: from the model's config)
    lmms_model_args: str = ""  # extra lmms-eval model args
    lmms_env: dict[str, str] = field(default_factory=dict)  # extra environment of the lmms-eval subprocess

    @property
    def is_server(self) -> bool:
        return self.model.startswith(("http://", "https://"))


def frames_for(bench: SuiteBenchmark, options: SuiteOptions) -> dict[str, Any]:
    """The frame protocol a benchmark runs with: its default, then the user's overrides."""
    frames = dict(bench.frames)
    source = bench.frames_source
    if options.num_frames:
        frames["num_frames"] = options.num_frames
        source = "set by --num-frames"
    if options.max_pixels:
        frames["max_pixels"] = options.max_pixels
        frames["min_pixels"] = min(frames["min_pixels"], options.max_pixels)
        source = source if options.num_frames else "max_pixels set by --max-pixels; " + source
    return {**frames, "source": source}


# --- the synrl route --------------------------------------------------------------------------


def _run_synrl(bench: SuiteBenchmark, folder: Path, out: Path, options: SuiteOptions,
               frames: dict[str, Any]) -> tuple[dict[str, float], dict[str, Any]]:
    from synrl.eval.config import DecodingConfig, FrameConfig, OpenAIConfig, RunConfig, TransformersConfig
    from synrl.eval.report import score_run
    from synrl.eval.runner import run_predictions

    server = options.is_server
    config = RunConfig(
        benchmark=bench.synrl_benchmark, data=folder, options=dict(bench.synrl_options),
        backend="openai" if server else "transformers",
        openai=OpenAIConfig(base_url=options.model, model=options.served_model) if server else None,
        transformers=None if server else TransformersConfig(model=options.model, batch_size=options.batch_size,
                                                            device=options.device, dtype=options.dtype),
        frames=FrameConfig(num_frames=frames["num_frames"], fps=frames["fps"], max_pixels=frames["max_pixels"],
                           min_pixels=frames["min_pixels"]),
        decoding=DecodingConfig(temperature=options.temperature, max_new_tokens=options.max_new_tokens),
        limit=options.limit,
    )
    run_predictions(config, out)
    metrics = score_run(out)
    # The grounding columns (R@0.7, mIoP) are in the overall summary; the headline has the rest.
    head = {**metrics["overall"], **metrics["headline"]}
    columns = {column: head[key] for key, column in bench.synrl_columns.items() if key in head}
    return columns, {"headline": metrics["headline"], "questions": metrics["overall"]["questions"]}


# --- the lmms-eval route ----------------------------------------------------------------------


def lmms_python(options: SuiteOptions) -> str:
    """The python of lmms-eval's venv: --lmms-python, else $SYNRL_LMMS_PYTHON, else this one."""
    return options.lmms_python or os.environ.get("SYNRL_LMMS_PYTHON") or sys.executable


#: lmms-eval models for the Qwen-VL model types (config.json "model_type").
LMMS_MODELS = {"qwen2_vl": "qwen2_vl", "qwen2_5_vl": "qwen2_5_vl", "qwen3_vl": "qwen3_vl"}


#: lmms-eval models that take an ``fps`` argument (Qwen3-VL samples at it, capped by max_num_frames;
#: Qwen2.5-VL takes it but samples max_num_frames uniformly; Qwen2-VL has no such argument).
LMMS_FPS_MODELS = {"qwen2_5_vl", "qwen3_vl"}


def lmms_frames_note(base: str, frames: dict[str, Any]) -> str | None:
    """What lmms-eval's ``base`` model does with a frame protocol it cannot follow in full."""
    if not frames.get("fps") or base in ("openai", "qwen3_vl"):
        return None
    return (f"lmms-eval's {base} model does not sample by fps: {frames['num_frames']} frames uniformly over "
            f"the video (plus the last)")


def lmms_base(options: SuiteOptions) -> str:
    """The lmms-eval model the wrapper wraps: --lmms-base; a server: lmms-eval's OpenAI-compatible
    model; a local model: its config's model_type (Qwen2-VL, Qwen2.5-VL, Qwen3-VL); else qwen2_5_vl."""
    if options.lmms_base:
        return options.lmms_base
    if options.is_server:
        return "openai"
    config = Path(options.model) / "config.json"
    if config.is_file():
        try:
            model_type = json.loads(config.read_text()).get("model_type", "")
        except ValueError:
            model_type = ""
        if model_type in LMMS_MODELS:
            return LMMS_MODELS[model_type]
    return "qwen2_5_vl"


def lmms_command(bench: SuiteBenchmark, include: Path, out: Path, options: SuiteOptions,
                 frames: dict[str, Any]) -> list[str]:
    """The lmms-eval command line of one benchmark (through synrl's launcher and model)."""
    from synrl.eval.lmms.tasks import overlay_name

    base = lmms_base(options)
    args = [f"base={base}", f"max_new_tokens={options.max_new_tokens}", f"raw_log={out / 'responses.jsonl'}"]
    # The pixel budget goes to the wrapper either way: a Qwen-VL base model takes it, for the
    # openai model (full-size frames) the wrapper scales each frame before it is sent.
    pixels = [f"max_pixels={frames['max_pixels']}", f"min_pixels={frames['min_pixels']}"]
    if base == "openai":
        args += [f"model_version={options.served_model}", f"base_url={options.model}",
                 f"max_frames_num={frames['num_frames']}", *pixels]
        if frames.get("fps"):
            args.append(f"video_fps={frames['fps']}")
    else:
        args += [f"pretrained={options.model}", f"device_map={options.device}",
                 f"max_num_frames={frames['num_frames']}", *pixels]
        if frames.get("fps") and base in LMMS_FPS_MODELS:
            args.append(f"fps={frames['fps']}")
    if options.lmms_model_args:
        args.append(options.lmms_model_args)
    command = [lmms_python(options), "-m", "synrl.eval.lmms.launch", "--model", "synrl",
               "--model_args", ",".join(args), "--tasks", ",".join(overlay_name(t) for t in bench.lmms_tasks),
               "--include_path", str(include), "--batch_size", str(options.batch_size),
               "--output_path", str(out / "lmms"), "--log_samples", "--seed", "0",
               "--gen_kwargs", f"temperature={options.temperature}"]
    if options.device == "cpu":
        command += ["--device", "cpu"]
    if options.limit:
        command += ["--limit", str(options.limit)]
    return command


def _as_fraction(value: float, percent: bool | None) -> float:
    """A scorer's number as a fraction; ``percent=None`` (unknown unit) takes values above 1 as percent."""
    if percent is None:
        percent = value > 1.0
    return value / 100.0 if percent else value


def read_lmms_results(bench: SuiteBenchmark, out: Path) -> tuple[dict[str, float], dict[str, Any]]:
    """The benchmark's columns (fractions) and the details (question count, every task's raw
    metric values as lmms-eval reported them) from lmms-eval's results JSON.

    One task reporting several numbers fills the columns in order (TemporalBench: binary,
    multiple-binary accuracy); a single column takes the first (Vinoground: the text score of
    text/video/group); several tasks (MVBench's 20, TVBench's 10, VideoMMMU's 3) give the mean
    over all their questions."""
    from synrl.eval.lmms.tasks import overlay_name

    found = sorted((out / "lmms").rglob("*results*.json"), key=lambda p: p.stat().st_mtime)
    if not found:
        raise RuntimeError(f"lmms-eval wrote no results under {out / 'lmms'}")
    data = json.loads(found[-1].read_text())
    results = data.get("results", {})
    counts = data.get("n-samples", {})
    values: list[tuple[Any, int]] = []
    for task in bench.lmms_tasks:
        row = results.get(overlay_name(task))
        if row is None:
            raise RuntimeError(f"lmms-eval reported no result for {overlay_name(task)}")
        value = next((v for k, v in row.items() if k.split(",")[0] == bench.lmms_metric), None)
        if value is None:
            raise RuntimeError(f"{overlay_name(task)}: no metric {bench.lmms_metric} in {sorted(row)}")
        n = int((counts.get(overlay_name(task)) or {}).get("effective", 0))
        values.append((value, n))
    total = sum(n for _, n in values)
    details = {"questions": total, "results_file": str(found[-1]),
               "raw": {overlay_name(t): v for t, (v, _) in zip(bench.lmms_tasks, values)}}
    if len(bench.columns) > 1:  # one task reporting several numbers (TemporalBench: binary, multiple binary)
        value = values[0][0]
        parts = value if isinstance(value, (list, tuple)) else [value]
        return ({c: _as_fraction(float(v), bench.lmms_percent) for c, v in zip(bench.columns, parts)}, details)
    # Several tasks (MVBench's 20, TVBench's 10, VideoMMMU's 3): the mean over all questions.
    fractions = [(_as_fraction(float(v[0] if isinstance(v, (list, tuple)) else v), bench.lmms_percent), n)
                 for v, n in values]
    weight = sum(n for _, n in fractions) or len(fractions)
    score = sum(f * (n if total else 1) for f, n in fractions) / weight
    return {bench.columns[0]: score}, details


def _hub_cache() -> str:
    """The Hugging Face model cache this process uses (HF_HUB_CACHE, else HF_HOME/hub, else the default)."""
    if os.environ.get("HF_HUB_CACHE"):
        return os.environ["HF_HUB_CACHE"]
    home = os.environ.get("HF_HOME") or os.path.join(os.environ.get("XDG_CACHE_HOME", "~/.cache"), "huggingface")
    return str(Path(home).expanduser() / "hub")


def _plain(line: str) -> str:
    """A log line without terminal colour codes."""
    import re

    return re.sub(r"\x1b\[[0-9;]*m", "", line).strip()


def _run_lmms(bench: SuiteBenchmark, folder: Path, data_root: Path, out: Path, options: SuiteOptions,
              frames: dict[str, Any]) -> tuple[dict[str, float], dict[str, Any]]:
    from synrl.eval.lmms.tasks import lmms_tasks_dir, write_overlays

    include = out / "tasks"
    write_overlays(bench, folder, include, lmms_tasks_dir(lmms_python(options)))
    # HF_HOME=ROOT is where lmms-eval's hooks look for the videos; the model cache stays where it
    # was, and a local model (or a server) runs offline, so nothing is fetched behind the user's back.
    env = {**os.environ, "HF_HOME": str(data_root.resolve()), "HF_HUB_CACHE": _hub_cache(),
           "HF_DATASETS_CACHE": str((out / "hf_datasets_cache").resolve()),
           **{k: v.format(folder=folder.resolve()) for k, v in bench.lmms_env.items()}, **options.lmms_env}
    if options.is_server or Path(options.model).is_dir():
        env["HF_HUB_OFFLINE"] = "1"
    command = lmms_command(bench, include, out, options, frames)
    (out / "command.json").write_text(json.dumps(command, indent=2))
    with (out / "lmms.log").open("w") as log:
        run = subprocess.run(command, stdout=log, stderr=subprocess.STDOUT, env=env, cwd=out)
    log = (out / "lmms.log").read_text(errors="replace")
    # lmms-eval reports an evaluation error in its log and may still exit 0.
    errors = [line for line in log.splitlines() if "Error during evaluation" in line]
    if run.returncode != 0 or errors:
        last = (errors or log.strip().splitlines()[-1:] or ["(no output)"])[-1]
        raise RuntimeError(f"lmms-eval failed (exit {run.returncode}; see {out / 'lmms.log'}): {_plain(last)[:300]}")
    return read_lmms_results(bench, out)


# --- the suite --------------------------------------------------------------------------------


def run_suite(suite_name: str, out: Path, data_root: Path, options: SuiteOptions, names: list[str] | None = None,
              on_event: Callable[[str, str], None] | None = None) -> dict[str, Any]:
    """Run every selected benchmark of the suite; write suite.json, table.md and metrics.json."""
    benches = select(suite_name, names)
    out.mkdir(parents=True, exist_ok=True)
    entries = []
    for bench in benches:
        folder = data_root / bench.folder
        frames = frames_for(bench, options)
        entry: dict[str, Any] = {"key": bench.key, "title": bench.title, "section": bench.section,
                                 "route": bench.route, "folder": str(folder), "frames": frames,
                                 "columns": {}, "error": None}
        started = time.monotonic()
        if not folder.is_dir():
            entry.update(status="missing", error=f"no folder {folder}; download: {bench.source}")
        else:
            bench_out = out / bench.key
            bench_out.mkdir(parents=True, exist_ok=True)
            try:
                if bench.route == "synrl":
                    entry["columns"], entry["details"] = _run_synrl(bench, folder, bench_out, options, frames)
                else:
                    note = lmms_frames_note(lmms_base(options), frames)
                    if note:
                        entry["frames"] = {**frames, "note": note}
                    entry["columns"], entry["details"] = _run_lmms(bench, folder, data_root, bench_out, options,
                                                                   frames)
                entry["status"] = "ok"
            except Exception as exc:  # one benchmark's failure must not stop the others
                entry.update(status="failed", error=f"{exc.__class__.__name__}: {exc}")
        entry["seconds"] = round(time.monotonic() - started, 1)
        entries.append(entry)
        if on_event:
            on_event(bench.title, entry["status"] if entry["status"] == "ok" else f"{entry['status']}: {entry['error']}")
    result = {"suite": suite_name, "model": options.model, "created": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
              "options": {k: v for k, v in asdict(options).items() if k != "lmms_env"},
              "columns": suite_columns(benches), "benchmarks": entries}
    write_outputs(out, result)
    return result


def run_row(result: dict[str, Any]) -> dict[str, float | None]:
    """Column -> value (fraction) of a suite run; ``None`` where a benchmark did not give it."""
    values: dict[str, float | None] = {c: None for c in result["columns"]}
    for entry in result["benchmarks"]:
        values.update(entry["columns"])
    return values


def write_outputs(out: Path, result: dict[str, Any]) -> None:
    """suite.json, table.md (with the reference rows) and a metrics.json ``eval compare`` reads."""
    from synrl.eval.paper_reference import markdown_table

    (out / SUITE_JSON).write_text(json.dumps(result, indent=2))
    (out / TABLE_MD).write_text(markdown_table(result))
    row = run_row(result)
    by_column = {c: {"questions": 1, "score": v} for c, v in row.items() if v is not None}
    done = [v for v in row.values() if v is not None]
    # "overall" is the plain mean of the columns present (accuracies and grounding numbers alike):
    # a coarse summary for `eval compare`; the columns are the numbers to read.
    metrics = {"benchmark": f"suite:{result['suite']}", "model": result["model"],
               "overall": {"questions": len(done), "score": sum(done) / len(done) if done else 0.0},
               "by": {"column": by_column}, "suite": True,
               "note": "overall = mean of the columns present; questions = columns (one per group)"}
    (out / "metrics.json").write_text(json.dumps(metrics, indent=2))


def load_suite(path: Path) -> dict[str, Any]:
    """A suite run's suite.json (from its folder or the file)."""
    path = path / SUITE_JSON if path.is_dir() else path
    if not path.is_file():
        raise FileNotFoundError(f"{path}: not a suite run (no {SUITE_JSON})")
    return json.loads(path.read_text())


def describe(suite_name: str = "paper") -> str:
    """Where each benchmark of the suite is read from and how it runs (``synrl eval benchmarks``)."""
    lines = [f"Suite {suite_name} (`synrl eval suite {suite_name} --data-root ROOT`): one folder per benchmark "
             "under ROOT."]
    for bench in SUITES[suite_name]:
        route = ("lmms-eval task " + ", ".join(bench.lmms_tasks[:3]) + (" ..." if len(bench.lmms_tasks) > 3 else "")
                 if bench.route == "lmms" else f"synrl loader {bench.synrl_benchmark}")
        frames = f"{bench.frames['num_frames']} frames, max {bench.frames['max_pixels']} px"
        layout = bench.layout if bench.route == "lmms" else f"as for `{bench.synrl_benchmark}` (listed above)"
        lines += [f"{bench.title} [{bench.key}]{' (optional)' if bench.optional else ''}: ROOT/{bench.folder}; "
                  f"{route}; {frames}", f"  download: {bench.source}", f"  layout: {layout}"]
    return "\n".join(lines)
