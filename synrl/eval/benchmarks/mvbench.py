"""MVBench (Li et al., 2024): 20 temporal tasks, 4-way (some 2/3-way) multiple choice."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from synrl.eval.benchmarks.common import letter_of_text, options_from_list, read_json, video_path
from synrl.eval.benchmarks.registry import BenchmarkError, register_benchmark
from synrl.eval.sample import EvalSample

LAYOUT = """
From huggingface.co/datasets/OpenGVLab/MVBench, main branch (json/ and video/*.zip, unzipped in place):
  MVBench/json/<task>.json        list of {"video", "question", "candidates": [texts], "answer": <the right
                                  candidate's text>[, "start", "end" (seconds)]}
  MVBench/video/<source>/...      e.g. video/star/Charades_v1_480/3MSZA.mp4, video/clevrer/video_validation/...
TVQA (episodic_reasoning) is a folder of frames per clip (video/tvqa/frames_fps3_hq/<clip>/00001.jpg, 3 fps).
The NTU RGB+D clips (fine_grained_pose) are no longer in video/ (licence): get the ones listed in
video/MVBench_videos_ntu.txt from the ROSE Lab into video/nturgbd/.
The HF "video" revision (lmms-eval's: star/Charades_segment, sta/sta_video_segment, ... pre-cut) is not this layout.
Options: tasks=action_sequence,... (default: all 20).
"""

#: task json -> (display name, video folder under video/, whether start/end bound the clip);
#: the same table as MVBench's own evaluation script.
TASKS: dict[str, tuple[str, str, bool]] = {
    "action_sequence": ("Action Sequence", "star/Charades_v1_480", True),
    "action_prediction": ("Action Prediction", "star/Charades_v1_480", True),
    "action_antonym": ("Action Antonym", "ssv2_video", False),
    "fine_grained_action": ("Fine-grained Action", "Moments_in_Time_Raw/videos", False),
    "unexpected_action": ("Unexpected Action", "FunQA_test/test", False),
    "object_existence": ("Object Existence", "clevrer/video_validation", False),
    "object_interaction": ("Object Interaction", "star/Charades_v1_480", True),
    "object_shuffle": ("Object Shuffle", "perception/videos", False),
    "moving_direction": ("Moving Direction", "clevrer/video_validation", False),
    "action_localization": ("Action Localization", "sta/sta_video", True),
    "scene_transition": ("Scene Transition", "scene_qa/video", False),
    "action_count": ("Action Count", "perception/videos", False),
    "moving_count": ("Moving Count", "clevrer/video_validation", False),
    "moving_attribute": ("Moving Attribute", "clevrer/video_validation", False),
    "state_change": ("State Change", "perception/videos", False),
    "fine_grained_pose": ("Fine-grained Pose", "nturgbd", False),
    "character_order": ("Character Order", "perception/videos", False),
    "egocentric_navigation": ("Egocentric Navigation", "vlnqa", False),
    "episodic_reasoning": ("Episodic Reasoning", "tvqa/frames_fps3_hq", True),
    "counterfactual_inference": ("Counterfactual Inference", "clevrer/video_validation", False),
}


@register_benchmark("mvbench", kind="multiple_choice", layout=LAYOUT)
def load(root: Path, options: Mapping[str, str]) -> list[EvalSample]:
    wanted = [t.strip() for t in options.get("tasks", "").split(",") if t.strip()] or list(TASKS)
    unknown = [t for t in wanted if t not in TASKS]
    if unknown:
        raise BenchmarkError(f"mvbench: unknown task(s) {', '.join(unknown)}; known: {', '.join(TASKS)}")
    present = [t for t in wanted if (root / "json" / f"{t}.json").is_file()]
    if not present:
        raise BenchmarkError(f"{root}/json has none of the MVBench task files ({', '.join(wanted[:3])}, ...)")
    samples = []
    for task in present:
        name, folder, bounded = TASKS[task]
        items = read_json(root / "json" / f"{task}.json")
        for index, item in enumerate(items):
            where = f"{task}.json[{index}]"
            opts = options_from_list(list(item["candidates"]))
            clip = None
            if bounded and "start" in item and "end" in item:
                clip = (float(item["start"]), float(item["end"]))
            samples.append(
                EvalSample(
                    id=f"{task}-{index:05d}", benchmark="mvbench", video=video_path(root, "video", folder, item["video"]),
                    question=str(item["question"]), answer_type="multiple_choice",
                    answer=letter_of_text(opts, item["answer"], where), options=opts,
                    groups={"task": name}, clip=clip,
                )
            )
    return samples
