"""Benchmark folders in each benchmark's published format, small enough for CI.

Every folder holds real (tiny) videos and annotation rows with the fields the benchmark's
own release has (see each writer), so the suite reads them exactly as it reads a download.
"""

from __future__ import annotations

import json
from pathlib import Path

import av
import numpy as np


def write_video(path: Path, frames: int = 8, size: int = 32, fps: int = 4) -> Path:
    """A small H.264 clip: a bright square moving right on a dark background."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with av.open(str(path), "w") as container:
        stream = container.add_stream("libx264", rate=fps)
        stream.width = stream.height = size
        stream.pix_fmt = "yuv420p"
        for i in range(frames):
            image = np.full((size, size, 3), 20, dtype=np.uint8)
            x = (i * 3) % (size - 8)
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
