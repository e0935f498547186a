"""Frame loading: synrl's seeking loader against decord and torchcodec, and the old loaders.

Two cases, each on one core (run under ``taskset -c 0``), CPU time of this process, median
of --repeats:

- 16 frames (uniform, as training samples them) of a 10-s synrl clip (cards, 448x448);
- 32 frames of a 30-minute 720p H.264 video made here once with the system's ffmpeg
  (``testsrc2``, libx264 superfast CRF 30, default GOP of 250, B-frames: one minute
  encoded and concatenated 30 times; 585 MB; cached under --cache).

Loaders: synrl.render.loader.load_frames (cold: its packet index built in the timed call;
warm: index cached, as for a second question on the same video), the previous synrl loaders
(training: decode everything and keep it; evaluation: decode up to the last wanted frame),
decord's ``get_batch`` and torchcodec's ``get_frames_at`` where they import. Peak memory is
the growth of this process's max RSS over the call (a fresh process per loader).
Usage: taskset -c 0 python benchmarks/bench_load.py [--repeats 3] [--cache /tmp/synrl-bench]
"""

from __future__ import annotations

import argparse
import json
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

LONG_SECONDS = 1800


def make_long_video(cache: Path) -> Path:
    path = cache / "testsrc2-720p-30min.mp4"
    if path.exists():
        return path
    if shutil.which("ffmpeg") is None:
        raise SystemExit("the 30-minute case needs the system ffmpeg (apt-get install ffmpeg)")
    cache.mkdir(parents=True, exist_ok=True)
    # One minute encoded, then copied 30 times (concat demuxer, no re-encode): the GOP
    # structure of a real encode at a fraction of the time.
    segment, listing = cache / "testsrc2-720p-60s.mp4", cache / "testsrc2-720p-30min.txt"
    subprocess.run(["ffmpeg", "-loglevel", "error", "-y", "-f", "lavfi", "-i",
                    "testsrc2=size=1280x720:rate=30:duration=60", "-c:v", "libx264",
                    "-preset", "superfast", "-crf", "30", "-pix_fmt", "yuv420p", str(segment)],
                   check=True)
    listing.write_text(f"file '{segment}'\n" * (LONG_SECONDS // 60))
    tmp = path.with_suffix(".part.mp4")
    subprocess.run(["ffmpeg", "-loglevel", "error", "-y", "-f", "concat", "-safe", "0", "-i",
                    str(listing), "-c", "copy", str(tmp)], check=True)
    tmp.rename(path)
    return path


def make_short_clip(cache: Path) -> Path:
    path = cache / "cards-10s.mp4"
    if path.exists():
        return path
    from synrl.config import VideoOptions
    from synrl.generate import SampleRequest, build_sample, write_video

    cache.mkdir(parents=True, exist_ok=True)
    video = VideoOptions()
    built = build_sample(SampleRequest("cards", "train", 0, 0, 3, ("mc",), video))
    write_video(built.sim, path, video)
    return path


def uniform(total: int, n: int) -> list[int]:
    return [int(i) for i in np.linspace(0, total - 1, n).round()]


def load_once(loader: str, path: str, n: int) -> tuple[float, int, int]:
    """(CPU seconds, frames returned, bytes returned) of one call."""
    if loader.startswith("synrl"):
        from synrl.render import loader as synrl_loader

        if loader == "synrl_warm":
            synrl_loader.frame_index(path)
        start = time.process_time()
        index = synrl_loader.frame_index(path)
        frames = synrl_loader.load_frames(path, uniform(index.num_frames, n)).frames
    elif loader == "old_train":  # decode every frame, keep them all, then pick
        from synrl.render.video import read_frames

        start = time.process_time()
        every = list(read_frames(path))
        frames = np.stack([every[i] for i in uniform(len(every), n)])
    elif loader == "old_eval":  # header count, decode up to the last wanted frame
        import av

        start = time.process_time()
        with av.open(path) as container:
            stream = container.streams.video[0]
            wanted = uniform(int(stream.frames), n)
            keep, picked = set(wanted), {}
            for i, frame in enumerate(container.decode(stream)):
                if i in keep:
                    picked[i] = frame.to_ndarray(format="rgb24")
                if i >= wanted[-1]:
                    break
        frames = np.stack([picked[i] for i in wanted])
    elif loader == "decord":
        import decord

        start = time.process_time()
        reader = decord.VideoReader(path, ctx=decord.cpu(0), num_threads=1)
        frames = reader.get_batch(uniform(len(reader), n)).asnumpy()
    elif loader == "torchcodec":
        from torchcodec.decoders import VideoDecoder

        start = time.process_time()
        decoder = VideoDecoder(path, num_ffmpeg_threads=1, seek_mode="exact")
        frames = decoder.get_frames_at(uniform(decoder.metadata.num_frames, n)).data.numpy()
    else:
        raise SystemExit(f"unknown loader {loader}")
    return time.process_time() - start, len(frames), frames.nbytes


def child(loader: str, path: str, n: int, repeats: int) -> None:
    """Run in a fresh process: times of `repeats` calls and the peak RSS growth."""
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    times, count, nbytes = [], 0, 0
    for _ in range(repeats):
        if loader == "synrl":
            from synrl.render import loader as synrl_loader

            synrl_loader._CACHE.clear()  # cold: the index is part of every call
        seconds, count, nbytes = load_once(loader, path, n)
        times.append(seconds)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before
    print(json.dumps({"seconds": statistics.median(times), "frames": count,
                      "returned_mb": nbytes / 2**20, "peak_growth_mb": peak / 1024}))


def run(loader: str, path: Path, n: int, repeats: int) -> dict | str:
    proc = subprocess.run([sys.executable, __file__, "--child", loader, str(path), str(n),
                           str(repeats)], capture_output=True, text=True)
    if proc.returncode != 0:
        last = (proc.stderr.strip().splitlines() or ["failed"])[-1]
        return last[:160]
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        child(sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5]))
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--cache", type=Path, default=Path("/tmp/synrl-bench"))
    parser.add_argument("--loaders", default="synrl,synrl_warm,old_eval,old_train,decord,torchcodec")
    args = parser.parse_args()
    cases = [("16 of a 10-s synrl clip (448x448)", make_short_clip(args.cache), 16),
             ("32 of a 30-min 720p H.264 video", make_long_video(args.cache), 32)]
    print(f"# {platform.machine()}, Python {platform.python_version()}, CPU time of one process "
          f"(run under taskset -c 0), median of {args.repeats}")
    print("| case | loader | seconds | frames | returned (MB) | peak RSS growth (MB) |")
    print("|---|---|---|---|---|---|")
    for name, path, n in cases:
        for loader in args.loaders.split(","):
            if loader == "old_train" and "30-min" in name:
                print(f"| {name} | {loader} | not run (keeps all 54000 frames: ~150 GB) | | | |")
                continue
            result = run(loader, path, n, 1 if "30-min" in name and loader == "old_eval" else args.repeats)
            if isinstance(result, str):
                print(f"| {name} | {loader} | failed: {result} | | | |", flush=True)
            else:
                print(f"| {name} | {loader} | {result['seconds']:.3f} | {result['frames']} | "
                      f"{result['returned_mb']:.1f} | {result['peak_growth_mb']:.0f} |", flush=True)


if __name__ == "__main__":
    main()
