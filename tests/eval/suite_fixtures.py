"""Benchmark folders in each benchmark's published format, small enough for CI.

Every folder holds real (tiny) videos and annotation rows with the fields the benchmark's
own release has (see each writer), so the suite reads them exactly as it reads a download.
"""

from __future__ import annotations

import json
from pathlib import Path

import av
import numpy as np


def write_video(path: Path, frames: int = 8, size: int = 32, fps: int = 4, moves: str = "right") -> Path:
    """A small H.264 clip: a bright square moving on a dark background, ``moves`` naming the
    direction of each equal part of the clip ("right", "left", "right,left", ...)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    parts = moves.split(",")
    with av.open(str(path), "w") as container:
        stream = container.add_stream("libx264", rate=fps)
        stream.width = stream.height = size
        stream.pix_fmt = "yuv420p"
        for i in range(frames):
            part = min(len(parts) - 1, i * len(parts) // frames)
            step = i - part * frames // len(parts)  # frames into this part
            x = (step * 3) % (size - 8)
            if parts[part] == "left":
                x = size - 8 - x
            image = np.full((size, size, 3), 20, dtype=np.uint8)
            image[12:20, x:x + 8] = 230
            for packet in stream.encode(av.VideoFrame.from_ndarray(image, format="rgb24")):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)
    return path


def _jsonl(path: Path, rows: list[dict]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    return path


def tomato(root: Path) -> Path:
    """lmms-eval/TOMATO rows (id, question, options, answer index, video_path, reason_type,
    demonstration_type) in ROOT/TOMATO, videos at the relative video_path."""
    folder = root / "TOMATO"
    rows = []
    for i, (reason, answer) in enumerate([("direction", 1), ("count", 0)]):
        video = f"videos/human/clip{i}.mp4"
        write_video(folder / video)
        rows.append({"id": f"tomato-{i}", "question": "Which way does the square move?",
                     "options": ["left", "right", "up", "down"], "answer": answer, "video_path": video,
                     "reason_type": reason, "demonstration_type": "object"})
    _jsonl(folder / "test.jsonl", rows)
    return folder


def cvbench(root: Path) -> Path:
    """Dongyh35/CVBench rows (id, task_type, question, options 'A. ...', answer, video_1..4)."""
    folder = root / "CVBench"
    write_video(folder / "videos/a.mp4")
    write_video(folder / "videos/b.mp4")
    rows = [
        {"id": 1, "task_type": "Cross-video Object Recognition", "question": "Which object appears in both videos?",
         "options": ["A. a square", "B. a circle", "C. a star", "D. a cat"], "answer": "A",
         "video_1": "videos/a.mp4", "video_2": "videos/b.mp4", "video_3": None, "video_4": None},
        {"id": 2, "task_type": "Multi-video Temporal Reasoning", "question": "Do both squares move right?",
         "options": ["Yes", "No"], "answer": "Yes",
         "video_1": "videos/a.mp4", "video_2": "videos/b.mp4", "video_3": None, "video_4": None},
    ]
    _jsonl(folder / "test.jsonl", rows)
    return folder


def aotbench(root: Path) -> Path:
    """seeAoT's data_files/input/<subset>.json (qa_idx, video_name, question with options, ans)."""
    folder = root / "AoTBench"
    write_video(folder / "ReverseFilm/r0.mp4")
    write_video(folder / "UCF101/u0.mp4")
    subsets = {
        "ReverseFilm": [{"qa_idx": 0, "video_name": "ReverseFilm/r0.mp4", "ans": "B",
                         "question": "Is this video played forward or in reverse?\nA. forward\nB. reverse\n"
                                     "Answer with the option's letter from the given choices directly."}],
        "UCF101": [{"qa_idx": 0, "video_name": "UCF101/u0.mp4", "ans": "A",
                    "question": "Is this video played forward or in reverse?\nA. forward\nB. reverse\n"
                                "Answer with the option's letter from the given choices directly."}],
    }
    for subset, rows in subsets.items():
        path = folder / "data_files" / "input" / f"{subset}.json"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(rows))
    return folder


def nextgqa(root: Path) -> Path:
    """NExT-GQA: test.csv, gsub_test.json, map_vid_vidorID.json, NExTVideo/<dir>/<vid>.mp4."""
    folder = root / "NExT-GQA"
    write_video(folder / "NExTVideo/1000/42.mp4", frames=8)
    (folder / "test.csv").write_text(
        "video_id,frame_count,width,height,question,answer,qid,type,a0,a1,a2,a3,a4\n"
        "42,8,32,32,why does the square move right,to reach the edge,3,CW,to hide,to reach the edge,"
        "to turn,to stop,to grow\n")
    (folder / "gsub_test.json").write_text(json.dumps(
        {"42": {"duration": 2.0, "location": {"3": [[0.5, 1.5]]}, "fps": 4}}))
    (folder / "map_vid_vidorID.json").write_text(json.dumps({"42": "1000/42"}))
    return folder


def rextime(root: Path) -> Path:
    """ReXTime's HF rextime_val.json rows; qvh_* videos under videos/."""
    folder = root / "ReXTime"
    write_video(folder / "videos/clipA_0.0_2.0.mp4")
    rows = [{"qid": "qvh_val0", "vid": "clipA_0.0_2.0", "duration": 2.0, "question": "What happens after it starts?",
             "options": ["it moves", "it stops", "it grows", "it hides"], "answer": "From 0.5 to 1.5, it moves.",
             "ans": "A", "span": [0.5, 1.5], "source": "qvhighlights", "category": "sequential"}]
    (folder / "rextime_val.json").parent.mkdir(parents=True, exist_ok=True)
    (folder / "rextime_val.json").write_text(json.dumps(rows))
    return folder


def charades_sta(root: Path) -> Path:
    """Charades-STA: charades_sta_test.txt ('<vid> <s> <e>##<query>') and Charades_v1_480/<vid>.mp4."""
    folder = root / "Charades-STA"
    write_video(folder / "Charades_v1_480/AB12C.mp4")
    (folder / "charades_sta_test.txt").write_text("AB12C 0.5 1.5##a person moves a box.\n")
    return folder


def temporalbench(root: Path) -> Path:
    """microsoft/TemporalBench's short QA: temporalbench_short_qa.json rows (idx, video_name,
    question with its two options, GT letter, dataset, category), the split named
    ``test_short_qa`` by the dataset card's ``configs`` (as in the Hugging Face repository)."""
    folder = root / "temporalbench"
    rows = []
    for v in range(2):
        video = f"short_video/clip{v}.mp4"
        write_video(folder / video)
        for q, gt in enumerate("AB"):
            rows.append({"idx": f"{v}-{q}", "video_name": video, "dataset": "fixture", "category": "direction",
                         "question": "Which caption is right?\nA. the square moves right\nB. the square moves left\n"
                                     "Answer with the option's letter.", "GT": gt})
    (folder / "temporalbench_short_qa.json").write_text(json.dumps(rows))
    (folder / "README.md").write_text(
        "---\nconfigs:\n- config_name: default\n  data_files:\n  - split: test_short_qa\n"
        "    path: temporalbench_short_qa.json\n---\n# TemporalBench (fixture)\n")
    return folder


#: The two questions of the lmms-eval-route fixtures; every clip shows one square moving right.
DIRECTION_QUESTION = "Which way does the bright square move?"
COUNT_QUESTION = "How many bright squares are in the video?"


# --- the lmms-eval route: the files each lmms-eval 0.7.3 task reads (its YAML's dataset and
# split, the columns its utils.py reads, the video paths its doc_to_visual builds) ---------------


def _parquet(path: Path, rows: list[dict]) -> Path:
    """Rows as a parquet file, as the Hugging Face datasets of Video-MME, Video-TT and VideoMMMU ship."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    path.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(pa.Table.from_pylist(rows), str(path))
    return path


def _dataset_card(folder: Path, configs: dict[str, tuple[str, str]], title: str) -> None:
    """A dataset card whose ``configs`` name each subset's split and file, as the hub repositories do."""
    lines = ["---", "configs:"]
    for name, (split, path) in configs.items():
        lines += [f"- config_name: {name}", "  data_files:", f"  - split: {split}", f"    path: {path}"]
    (folder / "README.md").write_text("\n".join(lines + ["---", f"# {title} (fixture)", ""]))


def videott(root: Path) -> Path:
    """lmms-eval/video-tt: the test split (video_id, question, question_prompt with the options,
    answer letter, capability: one of the task's 18 categories) and Benchmark-AllVideos-LQ/<video_id>.mp4."""
    folder = root / "video-tt"
    rows = []
    for i, (capability, question, options, answer) in enumerate([
            ("Displacement Attribute", DIRECTION_QUESTION, "A. left\nB. right\nC. up\nD. down", "B"),
            ("Element Counting", COUNT_QUESTION, "A. one\nB. two\nC. three\nD. four", "A")]):
        write_video(folder / "Benchmark-AllVideos-LQ" / f"vtt{i}.mp4")
        rows.append({"video_id": f"vtt{i}", "qid": f"vtt{i}-0", "question_type": "single_mc", "capability": capability,
                     "question": question, "question_prompt": options, "answer": answer})
    _parquet(folder / "data" / "test-00000-of-00001.parquet", rows)
    return folder


#: MVBench's subsets and the video folder each one's videos are in (lmms-eval's mvbench/utils.py DATA_LIST).
MVBENCH_VIDEO_DIRS = {
    "object_interaction": "star/Charades_segment", "action_sequence": "star/Charades_segment",
    "action_prediction": "star/Charades_segment", "action_localization": "sta/sta_video_segment",
    "moving_count": "clevrer/video_validation", "fine_grained_pose": "nturgbd_convert",
    "character_order": "perception/videos", "object_shuffle": "perception/videos", "egocentric_navigation": "vlnqa",
    "moving_direction": "clevrer/video_validation", "episodic_reasoning": "tvqa/video_fps3_hq_segment",
    "fine_grained_action": "Moments_in_Time_Raw/videos", "scene_transition": "scene_qa/video",
    "state_change": "perception/videos", "moving_attribute": "clevrer/video_validation",
    "action_antonym": "ssv2_video_mp4", "unexpected_action": "FunQA_test/test",
    "counterfactual_inference": "clevrer/video_validation", "object_existence": "clevrer/video_validation",
    "action_count": "perception/videos",
}


def mvbench(root: Path) -> Path:
    """OpenGVLab/MVBench ('video' revision): json/<subset>.json rows (video, question, candidates,
    answer: the right candidate's text), one config per subset (split train) in the dataset card,
    videos under each subset's folder."""
    folder = root / "mvbench_video"
    configs = {}
    for subset, video_dir in MVBENCH_VIDEO_DIRS.items():
        video = f"{subset}_0.mp4"
        write_video(folder / video_dir / video)
        _json(folder / "json" / f"{subset}.json", [
            {"video": video, "question": DIRECTION_QUESTION,
             "candidates": ["right", "left", "up"], "answer": "right"}])
        configs[subset] = ("train", f"json/{subset}.json")
    _dataset_card(folder, configs, "MVBench")
    return folder


def videomme(root: Path) -> Path:
    """lmms-eval/Video-MME: videomme/test-00000-of-00001.parquet (video_id, duration, domain,
    sub_category, url, videoID, question_id, task_type, question, options 'A. ...', answer letter)
    and data/<videoID>.mp4."""
    folder = root / "videomme"
    rows = []
    for i, (duration, domain, sub, task, question, options, answer) in enumerate([
            ("short", "Knowledge", "Astronomy", "Temporal Perception", DIRECTION_QUESTION,
             ["A. left", "B. right", "C. up", "D. down"], "B"),
            ("medium", "Life Record", "Daily Life", "Counting Problem", COUNT_QUESTION,
             ["A. one", "B. two", "C. three", "D. four"], "A")]):
        write_video(folder / "data" / f"vme{i}.mp4")
        rows.append({"video_id": f"{i:03d}", "duration": duration, "domain": domain, "sub_category": sub,
                     "url": f"https://www.youtube.com/watch?v=vme{i}", "videoID": f"vme{i}",
                     "question_id": f"{i:03d}-1", "task_type": task, "question": question, "options": options,
                     "answer": answer})
    _parquet(folder / "videomme" / "test-00000-of-00001.parquet", rows)
    return folder


def vinoground(root: Path) -> Path:
    """HanSolo9682/Vinoground: the ``lmmseval`` split (index '<n>_<pos|neg>_<text|video>', major,
    minor), vinoground_videos/vinoground_textscore.json and
    vinoground_videos_concated/vinoground_videoscore.json ({idx, video_name, question, GT}) and
    the videos they name (paths relative to the folder)."""
    folder = root / "vinoground"
    text, video, rows = [], [], []
    for n in range(2):
        # The positive clip moves right, the negative one left; the concatenated videos put the
        # right-moving half first (positive) or second (negative).
        for pair, gt, moves in (("pos", "A", "right"), ("neg", "B", "left")):
            idx = f"{n}_{pair}"
            write_video(folder / "vinoground_videos" / f"{idx}.mp4", moves=moves)
            write_video(folder / "vinoground_videos_concated" / f"{idx}.mp4", frames=16,
                        moves="right,left" if pair == "pos" else "left,right")
            text.append({"idx": idx, "video_name": f"vinoground_videos/{idx}.mp4", "GT": gt,
                         "question": "Which caption matches the video?\nA. the square moves right\n"
                                     "B. the square moves left\nAnswer with the option's letter."})
            video.append({"idx": idx, "video_name": f"vinoground_videos_concated/{idx}.mp4", "GT": gt,
                          "question": "In which half of the video does the square move right?\nA. the first\n"
                                      "B. the second\nAnswer with the option's letter."})
            for kind in ("text", "video"):
                rows.append({"index": f"{idx}_{kind}", "major": "action", "minor": "direction;motion"})
    _json(folder / "vinoground_videos" / "vinoground_textscore.json", text)
    _json(folder / "vinoground_videos_concated" / "vinoground_videoscore.json", video)
    _jsonl(folder / "vinoground_lmmseval.jsonl", rows)
    _dataset_card(folder, {"default": ("lmmseval", "vinoground_lmmseval.jsonl")}, "Vinoground")
    return folder


#: VideoMMMU's subject folders (lmms-eval's videommmu/utils.py get_cache_dir) for the fixture's subjects.
_VIDEOMMMU_DIRS = {"Physics": "Science", "Art": "Art", "Economics": "Business"}


def videommmu(root: Path) -> Path:
    """lmms-eval/VideoMMMU: configs Perception, Comprehension, Adaptation (split test; id
    '<split>_<Subject>_<n>', question, options, answer, question_type) and <area>/<id>.mp4."""
    folder = root / "video_mmmu"
    configs = {}
    tracks = {"Perception": [("Physics", "multiple-choice")], "Comprehension": [("Art", "multiple-choice")],
              "Adaptation": [("Economics", "multiple-choice"), ("Physics", "open")]}
    for track, questions in tracks.items():
        rows = []
        for n, (subject, kind) in enumerate(questions, start=1):
            doc_id = f"{track.lower()}_{subject}_{n}"
            write_video(folder / _VIDEOMMMU_DIRS[subject] / f"{doc_id}.mp4")
            if kind == "open":
                rows.append({"id": doc_id, "question": COUNT_QUESTION, "options": [],
                             "answer": "1", "question_type": "open"})
            else:
                rows.append({"id": doc_id, "question": DIRECTION_QUESTION,
                             "options": ["left", "right", "up", "down"], "answer": "B",
                             "question_type": "multiple-choice"})
        _parquet(folder / track / "test-00000-of-00001.parquet", rows)
        configs[track] = ("test", f"{track}/test-00000-of-00001.parquet")
    _dataset_card(folder, configs, "VideoMMMU")
    return folder


def vcrbench(root: Path) -> Path:
    """pritamqu/VCRBench: the test split (qid, goal, video_file, ground_truth: the clips' order,
    0-based) and videos/video_<N>.mp4 (the shuffled clips, one video per goal)."""
    folder = root / "vcrbench"
    rows = []
    for n, order in enumerate([[1, 0, 2], [0, 2, 1]], start=1):
        write_video(folder / "videos" / f"video_{n}.mp4", frames=12)
        rows.append({"qid": n, "goal": "make a paper boat", "video_file": f"video_{n}.mp4", "ground_truth": order})
    _parquet(folder / "data" / "test-00000-of-00001.parquet", rows)
    return folder


#: TVBench's subsets (lmms-eval's tvbench tasks).
TVBENCH_SUBSETS = ("action_antonym", "action_count", "action_localization", "action_sequence", "egocentric_sequence",
                   "moving_direction", "object_count", "object_shuffle", "scene_transition", "unexpected_action")


def tvbench(root: Path) -> Path:
    """FunAILab/TVBench: json/<subset>.json rows (video, question, candidates, answer: the right
    candidate's text), one config per subset (split train), videos in video/<subset>/."""
    folder = root / "tvbench"
    configs = {}
    for subset in TVBENCH_SUBSETS:
        write_video(folder / "video" / subset / f"{subset}_0.mp4")
        _json(folder / "json" / f"{subset}.json", [
            {"video": f"{subset}_0.mp4", "question": DIRECTION_QUESTION,
             "candidates": ["left", "right"], "answer": "right"}])
        configs[subset] = ("train", f"json/{subset}.json")
    _dataset_card(folder, configs, "TVBench")
    return folder


def minerva(root: Path) -> Path:
    """lmms-lab-eval/minerva's minerva.json (key, video_id, question, answer_choice_0..4, answer_id,
    answer, question_type, split, category) and videos/<video_id>.mp4."""
    folder = root / "minerva"
    rows = []
    for i, answer_id in enumerate([1, 1]):
        write_video(folder / "videos" / f"yt{i}.mp4")
        choices = ["left", "right", "up", "down", "it stays"]
        rows.append({"key": f"minerva-{i}", "video_id": f"yt{i}", "question": DIRECTION_QUESTION,
                     **{f"answer_choice_{c}": choices[c] for c in range(5)}, "answer_id": answer_id,
                     "answer": choices[answer_id], "question_type": "Temporal", "split": "test",
                     "category": "motion"})
    _json(folder / "minerva.json", rows)
    return folder


def _json(path: Path, data) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data))
    return path


#: Every lmms-eval-route fixture writer, by suite key.
LMMS_WRITERS = {"tomato": tomato, "videott": videott, "mvbench": mvbench, "videomme": videomme,
                "temporalbench": temporalbench, "vinoground": vinoground, "videommmu": videommmu,
                "vcrbench": vcrbench, "cvbench": cvbench, "tvbench": tvbench, "minerva": minerva}
