"""`file_system`: resolve every command against the working directory kept from the `cd`s,
carry the tree through each command (or undo them from the final `tree /`), then answer."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from synrl.cot.grounded.base import WriterContext, join_words, paragraphs, plural
from synrl.cot.grounded.longterm import StateWords, operations, states, step_moment, track_states
from synrl.cot.grounded.registry import register_writer
from synrl.cot.names import register_names, record_operations, record_states
from synrl.suite.file_system.task import files_in, listing_text


def _tree_words(state: Mapping[str, Any]) -> str:
    folders = [d for d in sorted(state["dirs"]) if d != "/"]
    files = sorted(state["files"])
    return (f"the files are {join_words(files) or 'none'}, the folders "
            f"{join_words(folders) or 'none besides /'}, and the shell is in {state['cwd']}")


def _diff(before: Mapping[str, Any], after: Mapping[str, Any]) -> str:
    """What a command changed, as paths."""
    gone_files = sorted(set(before["files"]) - set(after["files"]))
    new_files = sorted(set(after["files"]) - set(before["files"]))
    gone_dirs = sorted(set(before["dirs"]) - set(after["dirs"]))
    new_dirs = sorted(set(after["dirs"]) - set(before["dirs"]))
    if before["cwd"] != after["cwd"]:
        return f"the shell moves from {before['cwd']} to {after['cwd']}"
    if gone_dirs and new_dirs:
        # A moved folder: its top-level path is the shortest one that changed.
        return f"the folder {gone_dirs[0]} moves, with everything in it, to {new_dirs[0]}"
    if gone_files and new_files:
        return f"{gone_files[0]} becomes {new_files[0]}"
    if new_files:
        return f"a new file {new_files[0]} appears"
    if new_dirs:
        return f"a new folder {new_dirs[0]} appears"
    if gone_files:
        return f"{gone_files[0]} is deleted"
    return "nothing changes"


def _seen(op: Mapping[str, Any]) -> str:
    return f"the command `{op['command']}` is typed"


def _effect(op: Mapping[str, Any], before: Mapping[str, Any], after: Mapping[str, Any]) -> str:
    where = "" if op["type"] == "cd" else f" in {before['cwd']}"
    return f"`{op['command']}` runs{where}: {_diff(before, after)}"


def _undo(op: Mapping[str, Any], before: Mapping[str, Any], after: Mapping[str, Any]) -> str:
    gone_files = sorted(set(before["files"]) - set(after["files"]))
    new_files = sorted(set(after["files"]) - set(before["files"]))
    gone_dirs = sorted(set(before["dirs"]) - set(after["dirs"]))
    new_dirs = sorted(set(after["dirs"]) - set(before["dirs"]))
    if before["cwd"] != after["cwd"]:
        reverse = f"the shell goes back from {after['cwd']} to {before['cwd']}"
    elif gone_dirs and new_dirs:
        reverse = f"the folder {new_dirs[0]} goes back to {gone_dirs[0]}"
    elif gone_files and new_files:
        reverse = f"{new_files[0]} goes back to being {gone_files[0]}"
    elif new_files:
        reverse = f"{new_files[0]} goes away"
    elif new_dirs:
        reverse = f"the folder {new_dirs[0]} goes away"
    elif gone_files:
        reverse = f"{gone_files[0]} comes back"
    else:
        reverse = "nothing changes"
    where = "" if op["type"] == "cd" else f" (typed in {before['cwd']})"
    return f"undoing `{op['command']}`{where}: {reverse}"


WORDS = StateWords(state=_tree_words, seen=_seen, effect=_effect, undo=_undo, thing="the tree",
                   noun="command", changes_only=True)


@register_writer("file_system")
def write_file_system(ctx: WriterContext) -> str:
    query = ctx.record.get("query") or {}
    kind = query.get("kind")
    ops = operations(ctx)
    snapshots = states(ctx)
    plan = ctx.pick(
        "The prompt never shows the working directory, so I keep track of it from every `cd`, starting in /, and resolve each relative path against it.",
        "I follow the commands one at a time, keeping the current directory in mind (the shell starts in /) so that paths like .. resolve correctly.",
        "I track both the tree and the working directory (it starts at /) through every command.",
    )
    tracking = track_states(ctx, WORDS)
    step = int(query.get("step", len(ops)))
    state = snapshots[min(step, len(snapshots) - 1)]
    moment = step_moment(ctx, step, "command")
    if kind == "dir_files":
        folder = str(query["dir"])
        names = files_in(_Fs(state), folder)
        finding = f"So {moment} the files directly in {folder} are: {listing_text(names)}."
    elif kind == "file_exists":
        path = str(query["path"])
        exists = path in state["files"]
        finding = (f"{moment.capitalize()}, {path} is {'in the tree' if exists else 'not in the tree'}, "
                   f"so it {'exists' if exists else 'does not exist'} then.")
    elif kind == "ever_deleted":
        path = str(query["path"])
        deleting = [op for k, op in enumerate(ops)
                    if op["type"] == "rm" and path in set(snapshots[k]["files"]) - set(snapshots[k + 1]["files"])]
        if deleting:
            finding = f"`{deleting[0]['command']}` at {ctx.at(deleting[0]['start_ms'])} deletes {path}: yes, it was deleted."
        else:
            finding = f"No `rm` ever removes {path}, so it was never deleted."
    elif kind == "cwd":
        finding = f"{moment.capitalize()}, the working directory is {state['cwd']}."
    elif kind == "file_count":
        files = sorted(state["files"])
        finding = f"{moment.capitalize()} the tree holds {plural(len(files), 'file')}: {join_words(files) or 'none'}."
    else:
        created = [op for op in ops if op["type"] in ("touch", "cp")]
        if created:
            listed = join_words([f"`{op['command']}` at {ctx.at(op['start_ms'])}" for op in created])
            finding = f"The commands that create a new file are {listed}: {len(created)} in all (mkdir makes folders, mv only renames)."
        else:
            finding = "No command is a touch or a cp, so none created a new file: 0."
    return paragraphs(plan, tracking, ctx.conclude(finding))


class _Fs:
    """The view of a recorded state that :func:`files_in` reads."""

    def __init__(self, state: Mapping[str, Any]):
        self.files = frozenset(state["files"])
        self.dirs = frozenset(state["dirs"])
        self.cwd = state["cwd"]


@register_names("file_system")
def file_names(record) -> dict[str, set[str]]:
    """Every file and path that exists at some step or that a command names."""
    paths = {"/"}
    for state in record_states(record):
        paths |= set(state["dirs"]) | set(state["files"]) | {state["cwd"]}
    files = {p.rsplit("/", 1)[-1] for p in paths if "." in p.rsplit("/", 1)[-1]}
    # A command may name a file that never existed ("rm missing.txt" fails on screen).
    for op in record_operations(record):
        for arg in op.get("args") or ():
            name = str(arg).rstrip("/").rsplit("/", 1)[-1]
            if "." in name.strip("."):
                files.add(name)
            if str(arg).startswith("/"):
                paths.add(str(arg).rstrip("/") or "/")
    return {"file": files, "path": paths}
