"""`file_system`: run the typed commands (the timeline's `command` text) from the recorded
first tree with a small shell of this module's own, compare every recorded tree and working
directory, and answer the query from the replay ("when" questions: time the commands typed
like the asked one, each run by the replay)."""

from __future__ import annotations

import posixpath
from dataclasses import dataclass, field
from typing import Any

from synrl.answers import canonical_list
from synrl.audit import register_auditor
from synrl.audit.observe import Observation
from synrl.audit.common import unknown_query
from synrl.audit.replay import operations, replay
from synrl.audit.when import operation_moments, register_when_auditor


@dataclass(frozen=True)
class Shell:
    dirs: frozenset = field(default_factory=frozenset)
    files: frozenset = field(default_factory=frozenset)
    cwd: str = "/"

    def path(self, typed: str) -> str:
        return posixpath.normpath(posixpath.join(self.cwd, typed)).replace("//", "/")


def run(shell: Shell, op: dict[str, Any]) -> tuple[Shell, str | None]:
    """The shell after one command line, and the path it deleted (rm), if any."""
    kind, *args = op["command"].split()
    dirs, files, cwd = set(shell.dirs), set(shell.files), shell.cwd
    deleted = None
    if kind == "cd":
        cwd = shell.path(args[0])
        if cwd not in dirs:
            raise ValueError(f"cd: no directory {cwd}")
    elif kind == "mkdir":
        new = shell.path(args[0])
        if new in dirs or new in files or posixpath.dirname(new) not in dirs:
            raise ValueError(f"mkdir: cannot create {new}")
        dirs.add(new)
    elif kind == "touch":
        new = shell.path(args[0])
        if new in files or new in dirs or posixpath.dirname(new) not in dirs:
            raise ValueError(f"touch: unexpected {new}")
        files.add(new)
    elif kind == "rm":
        deleted = shell.path(args[0])
        files.remove(deleted)
    elif kind in ("mv", "cp"):
        src, dst = shell.path(args[0]), shell.path(args[1])
        if dst in dirs:
            dst = posixpath.join(dst, posixpath.basename(src))
        if dst in dirs or dst in files or posixpath.dirname(dst) not in dirs:
            raise ValueError(f"{kind}: cannot write {dst}")
        if kind == "cp":
            if src not in files:
                raise ValueError(f"cp: no file {src}")
            files.add(dst)
        elif src in files:
            files.remove(src)
            files.add(dst)
        elif src in dirs:
            def moved(p: str) -> str:
                return dst + p[len(src):] if p == src or p.startswith(src + "/") else p
            dirs, files = set(map(moved, dirs)), set(map(moved, files))
        else:
            raise ValueError(f"mv: no {src}")
    else:
        raise ValueError(f"unknown command {kind}")
    return Shell(frozenset(dirs), frozenset(files), cwd), deleted


def as_shell(snapshot: dict[str, Any]) -> Shell:
    return Shell(frozenset(snapshot["dirs"]), frozenset(snapshot["files"]), snapshot["cwd"])


@register_auditor("file_system")
def audit_file_system(record: dict[str, Any], observations: list[Observation]) -> Any:
    deletions: list[str] = []

    def step(shell: Shell, op: dict[str, Any]) -> Shell:
        after, deleted = run(shell, op)
        if deleted:
            deletions.append(deleted)
        return after

    states, mismatch = replay(record, as_shell(record["states"][0]), step, as_shell)
    if mismatch:
        return mismatch
    query = record["query"]
    kind = query["kind"]
    if kind == "dir_files":
        shell = states[query["step"]]
        return canonical_list([posixpath.basename(f) for f in shell.files
                               if posixpath.dirname(f) == query["dir"]], False)
    if kind == "file_exists":
        return "yes" if query["path"] in states[query["step"]].files else "no"
    if kind == "ever_deleted":
        return "yes" if query["path"] in deletions else "no"
    if kind == "cwd":
        return states[query["step"]].cwd
    if kind == "file_count":
        return len(states[query["step"]].files)
    if kind == "files_created":
        return sum(op["command"].split()[0] in ("touch", "cp") for op in operations(record))
    raise unknown_query(record)


def typed(command: str) -> tuple[str, str]:
    """(command name, the line as typed, blanks collapsed): what the screen shows."""
    words = command.split()
    return words[0], " ".join(words)


@register_when_auditor("file_system", source="replay")
def when_file_system(record: dict[str, Any], observations: list[Observation]) -> Any:
    # The question names the typed line; the replay runs every line on its own shell, so a
    # line that cannot run there, or a tree it leaves otherwise than recorded, is a mismatch.
    states, mismatch = replay(record, as_shell(record["states"][0]),
                              lambda shell, op: run(shell, op)[0], as_shell)
    return mismatch or operation_moments(
        record, states, lambda before, after, op: typed(op["command"]),
        lambda event: (event["type"], typed(event["command"])[1]))
