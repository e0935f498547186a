"""Generation throughput per task, against the H.264 floor and a Matplotlib reference.

For each task the same samples are produced four ways, all with the same x264 settings:

- end-to-end, 1 process: simulate + rasterise + encode, one video after another;
- end-to-end, N processes: `synrl.generate.generate` with N workers (includes the pool);
- encode-only floor: the identical frames, pre-rendered into memory, only encoded;
- Matplotlib reference: the same simulation drawn the way the SynRL paper describes
  (a Matplotlib figure redrawn per frame, artists moved, `canvas.draw()`), then encoded.

Single-process figures use the process's CPU time, so that other load on the machine does not
distort them or their ratios; the N-process figure is wall-clock. Each figure is the median
of --repeats interleaved runs. Usage:
    python benchmarks/bench_generate.py [--tasks a,b] [--videos 6] [--workers N] [--repeats 3]
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import tempfile
import time
from pathlib import Path

import numpy as np

from synrl.config import GenerateConfig, VideoOptions
from synrl.generate import SampleRequest, build_sample, generate, write_video
from synrl.render.frames import render_frames
from synrl.render.video import VideoWriter
from synrl.generate import encoder_settings
from synrl.suite import get_task, task_ids


def requests(task_id: str, count: int, video: VideoOptions) -> list[SampleRequest]:
    return [SampleRequest(task_id, "train", 0, i, 1, ("mc", "open"), video) for i in range(count)]


def end_to_end(reqs: list[SampleRequest], out: Path) -> float:
    start = time.process_time()
    for n, request in enumerate(reqs):
        built = build_sample(request)
        write_video(built.sim, out / f"{n}.mp4", request.video)
    return time.process_time() - start


def parallel(task_id: str, count: int, workers: int, video: VideoOptions, out: Path) -> float:
    shutil.rmtree(out, ignore_errors=True)
    config = GenerateConfig(tasks=[task_id], per_task=count, out=out, workers=workers,
                            video=video)
    start = time.perf_counter()
    generate(config)
    return time.perf_counter() - start


def encode_only(frame_sets: list[list[np.ndarray]], video: VideoOptions, out: Path) -> float:
    start = time.process_time()
    for n, frames in enumerate(frame_sets):
        with VideoWriter(out / f"floor{n}.mp4", video.width, video.height, video.fps,
                         encoder_settings(video)) as writer:
            for frame in frames:
                writer.write(frame)
    return time.process_time() - start


def matplotlib_reference(reqs: list[SampleRequest], out: Path) -> float:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.patches import Circle, Polygon, Rectangle

    from synrl.render.canvas import Sprite, sprite_vertices

    start = time.process_time()
    for n, request in enumerate(reqs):
        sim = build_sample(request).sim
        video = sim.video
        dpi = 100
        fig = plt.figure(figsize=(video.width / dpi, video.height / dpi), dpi=dpi)
        ax = fig.add_axes((0, 0, 1, 1))
        ax.set_xlim(0, video.width)
        ax.set_ylim(video.height, 0)
        ax.axis("off")
        fig.patch.set_facecolor(np.asarray(video.background) / 255)
        if "arena" in sim.scene:
            x0, y0, x1, y1 = sim.scene["arena"]
            ax.add_patch(Rectangle((x0 - 2, y0 - 2), x1 - x0 + 4, y1 - y0 + 4, fill=False,
                                   edgecolor=np.asarray(video.wall) / 255, linewidth=3))
        patches = []
        for track in sim.tracks:
            color = np.asarray(track.rgb) / 255
            if track.shape == "circle":
                patch = Circle((0, 0), track.radius, color=color)
            else:
                patch = Polygon(np.zeros((3, 2)), closed=True, color=color)
            ax.add_patch(patch)
            patches.append(patch)
        with VideoWriter(out / f"mpl{n}.mp4", video.width, video.height, video.fps,
                         encoder_settings(request.video)) as writer:
            for i in range(sim.num_frames):
                for track, patch in zip(sim.tracks, patches):
                    patch.set_visible(bool(track.visible[i]))
                    if track.shape == "circle":
                        patch.center = (track.x[i], track.y[i])
                        patch.radius = track.radius * track.scale[i]
                    else:
                        patch.set_xy(sprite_vertices(Sprite(
                            track.shape, track.rgb, track.x[i], track.y[i],
                            track.radius * track.scale[i], track.angle[i])))
                fig.canvas.draw()
                rgba = np.asarray(fig.canvas.buffer_rgba())
                writer.write(np.ascontiguousarray(rgba[..., :3]))
        plt.close(fig)
    return time.process_time() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tasks", default="")
    parser.add_argument("--videos", type=int, default=6)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    video = VideoOptions()
    tasks = [t for t in (args.tasks.split(",") if args.tasks else task_ids())
             if get_task(t).family == "short_term" or args.tasks]
    print(f"# {platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
          f"Python {platform.python_version()}; {video.width}x{video.height} @ {video.fps} fps, "
          f"libx264 preset={video.preset} crf={video.crf}; {args.videos} videos per task, "
          f"median of {args.repeats}")
    header = ("| task | frames | e2e 1 proc (videos/s) | e2e 1 proc (frames/s) | "
              f"e2e {args.workers} proc, wall (videos/s) | e2e {args.workers} proc, wall "
              "(frames/s) | encode-only floor (frames/s) | e2e / floor | Matplotlib ref "
              "(frames/s) | e2e / Matplotlib | mean MP4 size (KiB) |")
    print(header)
    print("|" + "---|" * 11)
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        for task_id in tasks:
            reqs = requests(task_id, args.videos, video)
            frame_sets = [[f.copy() for f in render_frames(build_sample(r).sim)] for r in reqs]
            frames = sum(len(s) for s in frame_sets)
            runs: dict[str, list[float]] = {"e2e": [], "par": [], "floor": [], "mpl": []}
            for _ in range(args.repeats):
                runs["e2e"].append(end_to_end(reqs, out))
                runs["floor"].append(encode_only(frame_sets, video, out))
                runs["mpl"].append(matplotlib_reference(reqs, out))
                runs["par"].append(parallel(task_id, args.videos, args.workers, video,
                                            out / "par"))
            e2e, par, floor, mpl = (statistics.median(runs[k])
                                    for k in ("e2e", "par", "floor", "mpl"))
            sizes = [os.path.getsize(out / f"{n}.mp4") for n in range(len(reqs))]
            print(f"| {task_id} | {frames} | {len(reqs) / e2e:.1f} | {frames / e2e:.0f} | "
                  f"{len(reqs) / par:.1f} | {frames / par:.0f} | {frames / floor:.0f} | "
                  f"{floor / e2e:.0%} | {frames / mpl:.0f} | {mpl / e2e:.1f}x | "
                  f"{statistics.mean(sizes) / 1024:.0f} |", flush=True)


if __name__ == "__main__":
    main()
