"""`file_system`: path resolution, the shell model, every question mode on a hand-worked
story."""

import numpy as np
import pytest

from synrl.suite import get_task
from synrl.suite.base import Plan
from synrl.suite.file_system.task import Fs, apply_op, relative, resolve
from synrl.suite._longterm.base import Story

TASK = get_task("file_system")


def command(text, **extra):
    kind, *args = text.split()
    return {"op": kind, "command": text, "args": args, **extra}


def fs(dirs, files, cwd):
    return Fs(frozenset(dirs), frozenset(files), cwd)


# Worked by hand; the shell starts in /.
OPS = [
    command("cd src"),                             # cwd /src
    command("touch utils.py"),                     # + /src/utils.py
    command("mv ../README.md ../docs", into=True),  # /README.md -> /docs/README.md
    command("cp main.py ../docs/copy.py", into=False),  # + /docs/copy.py
    command("cd .."),                              # cwd /
    command("rm docs/notes.txt"),                  # - /docs/notes.txt
]
DIRS = {"/", "/src", "/docs"}
STATES = [
    fs(DIRS, {"/README.md", "/src/main.py", "/docs/notes.txt"}, "/"),
    fs(DIRS, {"/README.md", "/src/main.py", "/docs/notes.txt"}, "/src"),
    fs(DIRS, {"/README.md", "/src/main.py", "/src/utils.py", "/docs/notes.txt"}, "/src"),
    fs(DIRS, {"/docs/README.md", "/src/main.py", "/src/utils.py", "/docs/notes.txt"}, "/src"),
    fs(DIRS, {"/docs/README.md", "/src/main.py", "/src/utils.py", "/docs/notes.txt",
              "/docs/copy.py"}, "/src"),
    fs(DIRS, {"/docs/README.md", "/src/main.py", "/src/utils.py", "/docs/notes.txt",
              "/docs/copy.py"}, "/"),
    fs(DIRS, {"/docs/README.md", "/src/main.py", "/src/utils.py", "/docs/copy.py"}, "/"),
]


def story(reveal):
    return Story(list(STATES), list(OPS), reveal)


def pose(name, reveal, value="any", letter=0):
    template = next(t for t in TASK.templates if t.name == name)
    plan = Plan(template, (reveal, value), letter, {"reveal": "mixed"})
    for seed in range(60):
        q = TASK.pose(story(reveal), plan, np.random.default_rng(seed), 3)
        if q is not None:
            return q
    raise AssertionError("no question posed")


def test_paths_resolve_like_a_shell():
    assert resolve("/src", "../docs/a.txt") == "/docs/a.txt"
    assert resolve("/src/lib", "..") == "/src"
    assert resolve("/", "..") == "/"
    assert resolve("/src", "/docs") == "/docs"
    assert relative("/src", "/src/lib/a.py") == "lib/a.py"
    assert relative("/src", "/docs") == "../docs"
    assert relative("/src/lib", "/docs") == "/docs"


def test_commands_forwards_and_the_backward_replay():
    for k, op in enumerate(OPS):
        assert apply_op(STATES[k], op) == STATES[k + 1]
    assert TASK.replay(story("final"), OPS) == STATES
    assert TASK.replay(story("initial"), OPS) == STATES
    # Failing commands are rejected: removing a missing file, cd into a file.
    assert apply_op(STATES[6], command("rm docs/notes.txt")) is None
    assert apply_op(STATES[0], command("cd README.md")) is None


def test_directory_listing_forward_and_retrodiction():
    q = pose("dir_files_open", "initial")
    expected = {"/src": ["main.py", "utils.py"], "/docs": ["copy.py", "readme.md"]}
    assert q.answer == expected[q.query["dir"]] and q.extra == {"answer_ordered": False}
    q = pose("dir_files", "final", letter=2)
    expected = {"/": "README.md", "/src": "main.py", "/docs": "notes.txt"}
    assert q.answer == "C" and q.options["C"] == expected[q.query["dir"]]
    assert q.query["mode"] == "retrodiction"


def test_file_exists():
    q = pose("file_exists", "initial", "no")
    assert q.query["path"] in {"/README.md", "/docs/notes.txt"}
    q = pose("file_exists", "final", "yes")
    assert q.query["path"] in {"/README.md", "/src/main.py", "/docs/notes.txt"}


def test_ever_deleted_resolves_relative_paths():
    assert pose("ever_deleted", "initial", "yes").query["path"] == "/docs/notes.txt"
    # README.md was moved, not deleted.
    q = pose("ever_deleted", "initial", "no")
    assert q.query["path"] != "/docs/notes.txt" and q.answer == "no"


def test_working_directory_after_a_command():
    q = pose("cwd_after", "initial", "/src", letter=1)
    assert q.query["step"] == 1 and q.answer == "B" and q.options["B"] == "/src"
    with pytest.raises(AssertionError):
        pose("cwd_after", "initial", "/docs")  # never the working directory


@pytest.mark.parametrize("reveal,count", [("initial", 4), ("final", 3)])
def test_file_count(reveal, count):
    assert pose("file_count", reveal, count).answer == count


def test_counting_file_creating_commands():
    q = pose("files_created", "initial", 2)  # touch utils.py, cp main.py
    assert q.options[q.answer] == "2"


@pytest.mark.parametrize("created", [0, 1, 3])
def test_long_curriculum_sequences_still_reach_every_planned_count_of_created_files(created):
    # 20+ commands (difficulty 5, round 2) rarely create no file by chance; the
    # story is drawn so that it never creates more than the planned number.
    from synrl.config import VideoOptions
    from synrl.generate import SampleRequest, build_sample

    template = [t.name for t in TASK.all_templates()].index("files_created")
    period = len(TASK.all_templates())
    for seed in range(3):
        for index in range(template, 40 * period, period):
            request = SampleRequest("file_system", "train", seed, index, 5, ("mc", "open"), VideoOptions(),
                                    (), round=2)
            record = build_sample(request).record
            if record["answer_value"] != created:
                continue
            commands = [e["type"] for e in record["timeline"][1:-1]]
            assert len(commands) >= 20 and sum(c in ("touch", "cp") for c in commands) == created
            break
        else:
            raise AssertionError(f"no files_created={created} sample in the first 40 of seed {seed}")


def test_skipping_a_cd_changes_what_relative_commands_mean():
    # Without the first `cd src`, `touch utils.py` creates /utils.py and `mv ../README.md`
    # resolves to /README.md from / too, but `cp main.py ...` fails: that history is invalid.
    assert TASK.replay(story("initial"), OPS[1:3])[-1].files == frozenset(
        {"/utils.py", "/docs/README.md", "/src/main.py", "/docs/notes.txt"})
    assert TASK.replay(story("initial"), OPS[1:]) is None
