"""Generation beyond one process: the writer lock, shards on one shared folder, Ray tasks.

Every route must end in the bytes of an uninterrupted local run: the same manifest and the
same decoded frames.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pytest

from synrl.config import GenerateConfig, VideoOptions
from synrl.dataset import LOCKS, DatasetError, WriterLock
from synrl.generate import generate, parse_shard, requests_for, shard_requests
from synrl.render.video import read_frames

CLI = [sys.executable, "-m", "synrl.cli"]
SMALL = ["--tasks", "direction,rotation", "--width", "64", "--height", "64", "--fps", "4",
         "--previews", "0", "--no-cot"]


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


def config(out: Path, per_task: int = 4, **kw) -> GenerateConfig:
    return GenerateConfig(tasks=["direction", "rotation"], per_task=per_task, out=out,
                          video=VideoOptions(width=64, height=64, fps=4), **kw)


@pytest.fixture(scope="module")
def reference(tmp_path_factory) -> Path:
    """The uninterrupted local run every other route must reproduce (10 per task)."""
    out = tmp_path_factory.mktemp("ref") / "ds"
    subprocess.run(CLI + ["generate", *SMALL, "--per-task", "10", "--out", str(out)],
                   check=True, capture_output=True)
    return out


def assert_same_dataset(folder: Path, reference: Path) -> None:
    assert (folder / "manifest.jsonl").read_bytes() == (reference / "manifest.jsonl").read_bytes()
    assert json.loads((folder / "dataset.json").read_text())["complete"]
    names = sorted(p.name for p in (reference / "videos").iterdir())
    assert sorted(p.name for p in (folder / "videos").iterdir()) == names
    for name in names:
        a, b = list(read_frames(folder / "videos" / name)), list(read_frames(reference / "videos" / name))
        assert len(a) == len(b) and all(np.array_equal(x, y) for x, y in zip(a, b)), name
    assert not (folder / ".parts").exists()
    assert not list((folder / LOCKS).glob("*.lock")) if (folder / LOCKS).exists() else True
    assert [p for p in folder.rglob("*.tmp")] == []


def kill_when(proc: subprocess.Popen, folder: Path, videos: int, timeout: float = 240) -> None:
    """SIGKILL the process group once `videos` videos are written (or the process ended)."""
    deadline = time.time() + timeout
    while time.time() < deadline and proc.poll() is None:
        if (folder / "videos").is_dir() and len(list((folder / "videos").glob("*.mp4"))) >= videos:
            break
        time.sleep(0.05)
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()


# --------------------------------------------------------------------------- lock

def test_second_writer_is_refused_naming_the_holder(tmp_path):
    out = tmp_path / "ds"
    out.mkdir()
    with WriterLock(out, "all"):
        with pytest.raises(DatasetError) as err:
            generate(config(out, per_task=1))
        message = str(err.value)
        assert f"pid {os.getpid()} on {socket.gethostname()} since 20" in message
        assert "\n" not in message
    assert generate(config(out, per_task=1)).written == 2  # released: the next run goes on


def test_second_writer_through_the_cli_gets_one_line(tmp_path):
    out = tmp_path / "ds"
    out.mkdir()
    with WriterLock(out, "shard-1-of-2"):
        proc = subprocess.run(CLI + ["generate", *SMALL, "--per-task", "1", "--out", str(out)],
                              capture_output=True, text=True)
    assert proc.returncode != 0
    assert "is being written (shard-1-of-2) by pid" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_shards_share_a_folder_but_a_copy_of_one_is_refused(tmp_path):
    with WriterLock(tmp_path, "shard-0-of-2"), WriterLock(tmp_path, "shard-1-of-2"):
        with pytest.raises(DatasetError, match=r"\(shard-0-of-2\)"):
            WriterLock(tmp_path, "shard-0-of-2").acquire()
        with pytest.raises(DatasetError, match="shard-"):
            WriterLock(tmp_path, "all").acquire()
    with WriterLock(tmp_path, "all"):
        with pytest.raises(DatasetError, match="the whole folder"):
            WriterLock(tmp_path, "shard-0-of-2").acquire()


def _lock_file(folder: Path, name: str, **info) -> Path:
    path = folder / LOCKS / f"{name}.lock"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"started": "2026-01-01T00:00:00+00:00", **info}))
    return path


def test_stale_locks_are_taken_over(tmp_path, monkeypatch):
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    _lock_file(tmp_path, "all", host=socket.gethostname(), pid=dead.pid)
    with WriterLock(tmp_path, "all"):  # same host, dead pid: stale
        pass
    # Our own pid but another process start time: the holder's pid was reused.
    _lock_file(tmp_path, "all", host=socket.gethostname(), pid=os.getpid(), pid_start="1")
    with WriterLock(tmp_path, "all"):
        pass
    # Another host: judged by the heartbeat (the lock's mtime).
    path = _lock_file(tmp_path, "all", host="node-elsewhere", pid=1)
    with pytest.raises(DatasetError, match="pid 1 on node-elsewhere"):
        WriterLock(tmp_path, "all").acquire()
    old = time.time() - 3600
    os.utime(path, (old, old))
    with WriterLock(tmp_path, "all"):
        pass


# ------------------------------------------------------------------------- shards

def test_shard_spec_errors():
    assert parse_shard("3/8") == (3, 8)
    for bad in ("8/8", "-1/2", "1", "a/b", "0/0"):
        with pytest.raises(DatasetError, match="--shard"):
            parse_shard(bad)


def test_shards_partition_the_requests(tmp_path):
    requests = requests_for(config(tmp_path, per_task=5))
    shares = [shard_requests(requests, (i, 3)) for i in range(3)]
    ids = [r.id for share in shares for r in share]
    assert sorted(ids) == sorted(r.id for r in requests) and len(set(ids)) == len(ids)


def test_killed_concurrent_shards_resume_to_the_local_result(tmp_path, reference):
    out = tmp_path / "shared"
    args = [*SMALL, "--per-task", "10", "--out", str(out)]
    shards = [subprocess.Popen(CLI + ["generate", *args, "--shard", f"{i}/2"], start_new_session=True,
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
              for i in range(2)]
    kill_when(shards[0], out, 3)  # shard 0 dies midway; shard 1 runs to its end
    _, err = shards[1].communicate(timeout=300)
    assert shards[1].returncode == 0, err
    assert not (out / "manifest.jsonl").exists()  # shards write parts, never the manifest

    early = subprocess.run(CLI + ["generate", *args], capture_output=True, text=True)
    assert early.returncode == 0, early.stderr  # the final step fills in what shard 0 left
    assert "0 failed" in early.stdout
    assert_same_dataset(out, reference)


def test_shards_then_merge_write_nothing_more(tmp_path, reference):
    out = tmp_path / "shared"
    for i in range(3):
        result = generate(config(out, per_task=10), shard=(i, 3))
        assert not result.failed and result.written == len(shard_requests(requests_for(config(out, 10)), (i, 3)))
    merged = generate(config(out, per_task=10))
    assert merged.written == 0 and merged.skipped == 20
    assert_same_dataset(out, reference)


# ---------------------------------------------------------------------------- Ray

def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _ray_status(address: str, env: dict) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "ray.scripts.scripts", "status", "--address", address],
                          env=env, capture_output=True, text=True)


def _stop_nodes(nodes: list[subprocess.Popen]) -> None:
    for node in reversed(nodes):
        _kill_group(node.pid, signal.SIGTERM)
    for node in reversed(nodes):
        try:
            node.wait(timeout=30)
        except subprocess.TimeoutExpired:
            pass
        # `ray start` forks its daemons into the group it leads: none may outlive it.
        _kill_group(node.pid, signal.SIGKILL)
        node.wait()


def _start_cluster(env: dict, ray_cli: list[str], temp: Path) -> tuple[str, list[subprocess.Popen]]:
    """Start a head and a worker node; on failure the nodes are stopped and RuntimeError
    carries both nodes' logs."""
    port = _free_port()
    address = f"127.0.0.1:{port}"
    head_log, worker_log = temp / "head.log", temp / "worker.log"
    nodes = [subprocess.Popen(ray_cli + ["--head", "--port", str(port), "--temp-dir", str(temp),
                                         "--include-dashboard", "false"],
                              env=env, start_new_session=True, stdout=head_log.open("a"),
                              stderr=subprocess.STDOUT)]

    def start_worker() -> subprocess.Popen:
        return subprocess.Popen(ray_cli + ["--address", address, *_own_ports()], env=env,
                                start_new_session=True, stdout=worker_log.open("a"), stderr=subprocess.STDOUT)

    def fail(why: str) -> RuntimeError:
        _stop_nodes(nodes)
        logs = "\n".join(f"--- {log.name}:\n{log.read_text()[-2000:] if log.exists() else ''}"
                         for log in (head_log, worker_log))
        return RuntimeError(f"{why}\n{logs}")

    deadline = time.time() + 240
    while _ray_status(address, env).returncode != 0:  # the head accepts nodes once its GCS answers
        if time.time() > deadline or nodes[0].poll() is not None:
            raise fail("the Ray head did not start")
        time.sleep(1)
    nodes.append(start_worker())
    # Ray gives a raylet a fixed 30 s to register with the GCS; on a loaded 2-core machine
    # that can pass and the node exits ("timed out during startup", or its raylet exits):
    # start it again, up to three times.
    restarts = 0
    deadline = time.time() + 150
    while _ray_status(address, env).stdout.count(" node_") < 2:
        if nodes[0].poll() is not None:
            raise fail("the Ray head exited while the worker joined")
        if nodes[1].poll() is not None and restarts < 3:
            restarts += 1
            nodes[1] = start_worker()
        if time.time() > deadline or nodes[1].poll() is not None:
            raise fail("the Ray worker did not join")
        time.sleep(1)
    return address, nodes


@pytest.fixture(scope="module")
def ray_cluster():
    """A head and one worker node started with `ray start` on this machine, 1 CPU each,
    torn down by killing the two process groups this fixture started. A CI run once saw the
    worker wait minutes for a head whose GCS had answered `ray status` (both on the node's
    own address): a cluster that does not come up is started afresh on a new port, twice."""
    pytest.importorskip("ray")
    env = {**os.environ, "RAY_USAGE_STATS_ENABLED": "0", "OMP_NUM_THREADS": "1",
           "PYTHONPATH": os.pathsep.join(p for p in (str(Path(__file__).parents[1]), os.environ.get("PYTHONPATH", "")) if p)}
    ray_cli = [sys.executable, "-m", "ray.scripts.scripts", "start", "--block", "--num-cpus", "1",
               "--node-ip-address", "127.0.0.1", "--disable-usage-stats"]
    failures = []
    for _ in range(3):
        temp = Path(tempfile.mkdtemp(prefix="ray-", dir="/tmp"))  # Ray's socket paths must stay short
        try:
            address, nodes = _start_cluster(env, ray_cli, temp)
        except RuntimeError as e:
            failures.append(str(e))
            shutil.rmtree(temp, ignore_errors=True)
            continue
        try:
            yield address, env
        finally:
            _stop_nodes(nodes)
            shutil.rmtree(temp, ignore_errors=True)
        return
    raise AssertionError("no Ray cluster came up in 3 starts:\n" + "\n".join(failures))


def _kill_group(pgid: int, sig: int) -> None:
    try:
        os.killpg(pgid, sig)
    except ProcessLookupError:
        pass


def test_killed_ray_run_resumes_to_the_local_result(tmp_path, reference, ray_cluster):
    address, env = ray_cluster
    out = tmp_path / "ray"
    args = CLI + ["generate", *SMALL, "--per-task", "10", "--out", str(out), "--ray", address]
    proc = subprocess.Popen(args, env=env, start_new_session=True, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    kill_when(proc, out, 3)
    assert not (out / "manifest.jsonl").exists()
    resumed = subprocess.run(args, env=env, capture_output=True, text=True, timeout=300)
    assert resumed.returncode == 0, resumed.stderr
    assert "already there" in resumed.stdout and "0 failed" in resumed.stdout
    assert_same_dataset(out, reference)
