"""Generation at scale: 1 and 2 processes, a local 2-node Ray cluster, the online stream, and
what a 64-GPU GRPO run needs in CPU cores of generation.

- `generate` with 1 and 2 workers: wall-clock and CPU seconds (this process and its children),
  so that a loaded machine shows in the wall figure but not in the per-core one;
- `generate --ray` on a head and one worker node started with `ray start` (1 CPU each) on
  this machine: wall-clock, start-up of the cluster excluded;
- the stream (`synrl.stream.iter_stream`) with 1 and 2 render workers: samples/s drawn by a
  consumer that takes them as fast as they come (wall) after the first sample.

The arithmetic: samples per step (prompts) / step seconds = samples/s needed; divided by the
per-core rate (samples per CPU-second of the 1-process run) = cores of generation.
Usage: python benchmarks/bench_scale.py [--per-task 6] [--prompts 512] [--step-seconds 60]
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import signal
import socket
import subprocess
import sys
import tempfile
import time
from itertools import islice
from pathlib import Path

from synrl.config import GenerateConfig
from synrl.generate import generate
from synrl.stream import iter_stream, parse_stream_spec


def _own_ports() -> list[str]:
    """Ports of its own for the second node on this machine: both would otherwise take the
    default agent ports (52365, ...) and the second raylet dies on "Address already in use"."""
    ports = []
    for _ in range(4):
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            ports.append(str(s.getsockname()[1]))
    return ["--dashboard-agent-listen-port", ports[0], "--dashboard-agent-grpc-port", ports[1],
            "--metrics-export-port", ports[2], "--runtime-env-agent-port", ports[3]]


def cpu_seconds() -> float:
    own, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def run_generate(tasks: list[str], per_task: int, out: Path, **kw) -> tuple[float, float]:
    config = GenerateConfig(tasks=tasks, per_task=per_task, out=out, workers=kw.pop("workers", 1))
    wall, cpu = time.perf_counter(), cpu_seconds()
    result = generate(config, **kw)
    assert not result.failed, result.failed
    return time.perf_counter() - wall, cpu_seconds() - cpu


def ray_cluster(temp: str) -> tuple[str, list[subprocess.Popen]]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {**os.environ, "RAY_USAGE_STATS_ENABLED": "0", "OMP_NUM_THREADS": "1"}
    cli = [sys.executable, "-m", "ray.scripts.scripts", "start", "--block", "--num-cpus", "1",
               "--node-ip-address", "127.0.0.1",           "--disable-usage-stats"]
    address = f"127.0.0.1:{port}"
    nodes = [subprocess.Popen(cli + ["--head", "--port", str(port), "--temp-dir", temp,
                                     "--include-dashboard", "false"], env=env, start_new_session=True,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)]
    status = [sys.executable, "-m", "ray.scripts.scripts", "status", "--address", address]
    while subprocess.run(status, capture_output=True).returncode != 0:
        if nodes[0].poll() is not None:
            raise SystemExit(f"the Ray head exited ({nodes[0].returncode}); see {temp}")
        time.sleep(1)
    nodes.append(subprocess.Popen(cli + ["--address", address, *_own_ports()], env=env, start_new_session=True,
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
    while subprocess.run(status, capture_output=True, text=True).stdout.count(" node_") < 2:
        if any(node.poll() is not None for node in nodes):
            stop(nodes)
            raise SystemExit(f"a Ray node exited; see {temp}")
        time.sleep(1)
    return address, nodes


def stop(nodes: list[subprocess.Popen]) -> None:
    for node in reversed(nodes):
        for sig in (signal.SIGTERM, signal.SIGKILL):
            try:
                os.killpg(node.pid, sig)
            except ProcessLookupError:
                pass
            try:
                node.wait(timeout=20)
            except subprocess.TimeoutExpired:
                pass


def stream_rate(tasks: list[str], workers: int, samples: int) -> float:
    spec = parse_stream_spec(f"stream:tasks={'+'.join(tasks)},workers={workers},queue=4")
    stream = iter_stream(spec, 0)
    try:
        next(stream)  # worker start-up (spawn, imports) is not throughput
        start = time.perf_counter()
        for _ in islice(stream, samples):
            pass
        return samples / (time.perf_counter() - start)
    finally:
        stream.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tasks", default="direction,rotation")
    parser.add_argument("--per-task", type=int, default=6)
    parser.add_argument("--stream-samples", type=int, default=12)
    parser.add_argument("--prompts", type=int, default=512, help="prompts per GRPO step")
    parser.add_argument("--step-seconds", type=float, default=60.0, help="assumed GRPO step time")
    parser.add_argument("--no-ray", action="store_true")
    args = parser.parse_args()
    tasks = args.tasks.split(",")
    n = len(tasks) * args.per_task
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        wall1, cpu1 = run_generate(tasks, args.per_task, Path(tmp) / "w1")
        rows.append(("generate, 1 process", n / wall1, n / cpu1))
        wall2, cpu2 = run_generate(tasks, args.per_task, Path(tmp) / "w2", workers=2)
        rows.append(("generate, 2 processes", n / wall2, n / cpu2))
        if not args.no_ray:
            temp = tempfile.mkdtemp(prefix="ray-", dir="/tmp")
            address, nodes = ray_cluster(temp)
            try:
                wall_r, _ = run_generate(tasks, args.per_task, Path(tmp) / "ray", ray=address)
                rows.append(("generate --ray, 2 nodes x 1 CPU", n / wall_r, None))
            finally:
                stop(nodes)
    for workers in (1, 2):
        rows.append((f"stream, {workers} render worker(s)", stream_rate(tasks, workers, args.stream_samples), None))

    per_core = n / cpu1
    need = args.prompts / args.step_seconds
    print(f"# {platform.machine()}, {os.cpu_count()} cores (shared with other jobs), "
          f"Python {platform.python_version()}; {','.join(tasks)}, 448x448 @ 30 fps, {n} videos per run")
    print("| route | videos/s (wall) | videos per CPU-second |")
    print("|---|---|---|")
    for name, wall, cpu in rows:
        print(f"| {name} | {wall:.2f} | {'' if cpu is None else f'{cpu:.2f}'} |")
    print()
    print(f"64-GPU GRPO: {args.prompts} prompts per step / {args.step_seconds:.0f} s per step = "
          f"{need:.1f} videos/s; at {per_core:.2f} videos per CPU-second that is "
          f"{need / per_core:.0f} CPU cores of generation ({need / per_core / 64:.2f} per GPU).")


if __name__ == "__main__":
    main()
