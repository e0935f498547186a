"""`file_system`: shell commands (mkdir, touch, rm, mv, cp, cd) on a small directory tree
(code execution, SynRL Figure 3 "Code").

A terminal shows `tree /` (the whole tree) at the start or at the end; the other end shows the
command with its output hidden. In between, commands are typed one by one at a bare `$`
prompt that never shows the working directory, so relative paths (`cd ..`, `mv a.txt
../docs`) must be resolved by keeping track of every `cd`. The shell starts in `/`. The block
cursor (orange) is the recorded track.
"""

from __future__ import annotations

from typing import Any, NamedTuple, Sequence

import numpy as np

from synrl.answers import canonical_list
from synrl.render.terminal import DIRECTORY, MUTED, TEXT, TerminalLayout
from synrl.suite.base import Plan, Question, Template, VideoSpec, lerp
from synrl.suite.base import NEEDS_ORDER
from synrl.suite._longterm.base import (Ask, LongTermTask, Schedule, Story, choice_question,
                                  list_question, number_question, rank_balanced,
                                  stable_track, yes_no_question)
from synrl.suite.registry import register


DIR_NAMES = ("src", "docs", "tests", "data", "notes", "assets", "config", "scripts", "lib",
             "build", "logs", "web", "tools", "app", "images", "reports", "backup", "drafts",
             "music", "photos", "archive", "shared", "public", "vendor", "models", "designs")
# Directories a working-directory question can be about (the balanced answers).
CWD_TARGETS = DIR_NAMES[:8]
FILE_NAMES = ("README.md", "main.py", "utils.py", "app.js", "index.html", "style.css",
              "notes.txt", "todo.md", "data.csv", "config.yaml", "report.pdf", "test_app.py",
              "setup.cfg", "LICENSE", "Makefile", "logo.png", "draft.txt", "plan.md",
              "server.py", "schema.sql", "results.json", "photo.jpg", "song.mp3", "budget.xlsx",
              "run.sh", "api.py", "model.py", "log.txt", "ideas.md", "cover.png")
MAX_ENTRIES = 14  # what `tree /` can show on one screen
# The terminal has about 44 columns whatever the frame size (the font scales with it); a
# command line ("$ " + command + cursor) must fit on one line.
MAX_COMMAND = 40
# Commands that create a file (the "files created" question counts them).
CREATING = ("touch", "cp")
CURSOR_COLOR = "orange"
HIDDEN_ROWS = 5


class Fs(NamedTuple):
    """A tree (absolute paths; "/" is always a directory) and the working directory."""

    dirs: frozenset[str]
    files: frozenset[str]
    cwd: str


def resolve(cwd: str, path: str) -> str:
    """Absolute, normalised form of `path` typed in `cwd` ("." and ".." resolved)."""
    parts: list[str] = [] if path.startswith("/") else [p for p in cwd.split("/") if p]
    for part in path.split("/"):
        if part in ("", "."):
            continue
        if part == "..":
            if parts:
                parts.pop()
        else:
            parts.append(part)
    return "/" + "/".join(parts)


def parent(path: str) -> str:
    return path.rsplit("/", 1)[0] or "/"


def base(path: str) -> str:
    return path.rsplit("/", 1)[1]


def inside(path: str, folder: str) -> bool:
    return path == folder or path.startswith(folder.rstrip("/") + "/")


def relative(cwd: str, target: str) -> str:
    """How a user would type `target` from `cwd`: a name, a ../ path, or an absolute path."""
    if target == cwd:
        return "."
    if inside(target, cwd):
        return target[len(cwd.rstrip("/")) + 1 :]
    if cwd != "/" and inside(target, parent(cwd)):
        rest = target[len(parent(cwd).rstrip("/")) + 1 :] if target != parent(cwd) else ""
        return ".." + ("/" + rest if rest else "")
    return target


def destination(fs: Fs, source: str, typed: str) -> str:
    """Where `mv`/`cp source typed` puts the source: into `typed` if it is a directory."""
    dst = resolve(fs.cwd, typed)
    return dst.rstrip("/") + "/" + base(source) if dst in fs.dirs else dst


def apply_op(fs: Fs, op: dict[str, Any]) -> Fs | None:
    """The tree after one command, or None if the command would fail."""
    kind, args = op["op"], op["args"]
    dirs, files, cwd = fs
    exists = dirs | files
    if kind == "cd":
        target = resolve(cwd, args[0])
        return Fs(dirs, files, target) if target in dirs else None
    if kind in ("mkdir", "touch"):
        path = resolve(cwd, args[0])
        if path in exists or parent(path) not in dirs:
            return None
        return Fs(dirs | {path}, files, cwd) if kind == "mkdir" else Fs(dirs, files | {path}, cwd)
    if kind == "rm":
        path = resolve(cwd, args[0])
        return Fs(dirs, files - {path}, cwd) if path in files else None
    if kind in ("mv", "cp"):
        src = resolve(cwd, args[0])
        dst = destination(fs, src, args[1])
        if dst in exists or parent(dst) not in dirs or src not in exists or inside(dst, src):
            return None
        if kind == "cp":
            return Fs(dirs, files | {dst}, cwd) if src in files else None
        if src in files:
            return Fs(dirs, (files - {src}) | {dst}, cwd)
        if src == "/" or inside(cwd, src):
            return None

        def moved(p: str) -> str:
            return dst + p[len(src):] if inside(p, src) else p
        return Fs(frozenset(map(moved, dirs)), frozenset(map(moved, files)), cwd)
    raise ValueError(f"unknown command {kind!r}")


def undo_op(after: Fs, op: dict[str, Any], cwd_before: str) -> Fs | None:
    """A candidate tree before `op` (checked by re-applying it), given the tree after it and
    the working directory before it (known from the `cd` commands alone)."""
    kind, args = op["op"], op["args"]
    dirs, files = after.dirs, after.files
    if kind == "cd":
        return Fs(dirs, files, cwd_before)
    if kind in ("mkdir", "touch", "rm"):
        path = resolve(cwd_before, args[0])
        if kind == "mkdir":
            return Fs(dirs - {path}, files, cwd_before)
        if kind == "touch":
            return Fs(dirs, files - {path}, cwd_before)
        return Fs(dirs, files | {path}, cwd_before)
    src = resolve(cwd_before, args[0])
    typed = resolve(cwd_before, args[1])
    dst = typed.rstrip("/") + "/" + base(src) if op.get("into") else typed
    if kind == "cp":
        return Fs(dirs, files - {dst}, cwd_before)
    if dst in files:
        return Fs(dirs, (files - {dst}) | {src}, cwd_before)

    def back(p: str) -> str:
        return src + p[len(dst):] if inside(p, dst) else p
    return Fs(frozenset(map(back, dirs)), frozenset(map(back, files)), cwd_before)


def tree_lines(fs: Fs) -> list[list[tuple[str, tuple[int, int, int]]]]:
    """`tree /` output: one line per entry, directories in blue with a trailing slash."""
    lines = [[("/", DIRECTORY)]]

    def walk(folder: str, prefix: str) -> None:
        children = sorted([p for p in fs.dirs | fs.files if p != "/" and parent(p) == folder],
                          key=lambda p: base(p).lower())
        for k, child in enumerate(children):
            last = k == len(children) - 1
            branch = prefix + ("\u2514\u2500\u2500 " if last else "\u251c\u2500\u2500 ")
            if child in fs.dirs:
                lines.append([(branch, MUTED), (base(child) + "/", DIRECTORY)])
                walk(child, prefix + ("    " if last else "\u2502   "))
            else:
                lines.append([(branch, MUTED), (base(child), TEXT)])
    walk("/", "")
    return lines


def files_in(fs: Fs, folder: str) -> list[str]:
    return sorted((base(f) for f in fs.files if parent(f) == folder), key=str.lower)


def listing_text(names: Sequence[str]) -> str:
    return ", ".join(sorted(names, key=str.lower)) if names else "no files"


@register
class FileSystem(LongTermTask):
    id = "file_system"
    step_noun = "command"
    primitive = "state tracking"
    description = ("Shell commands (mkdir, touch, rm, mv, cp, cd) change a small directory "
                   "tree; the tree is listed only at the start or at the end.")
    templates = (
        Template("dir_files", "multiple_choice", 4),
        Template("dir_files_open", "list"),
        Template("file_exists", "yes_no"),
        Template("ever_deleted", "yes_no"),
        Template("cwd_after", "multiple_choice", 4),
        Template("file_count", "number"),
        Template("files_created", "multiple_choice", 4, counts=True),
    )
    # State tracking: the operations applied in their order (checked by `synrl probe`,
    # reported by `synrl stats`).
    frame_needs = {
        "dir_files": NEEDS_ORDER,
        "dir_files_open": NEEDS_ORDER,
        "file_exists": NEEDS_ORDER,
        "ever_deleted": NEEDS_ORDER,
        "cwd_after": NEEDS_ORDER,
        "file_count": NEEDS_ORDER,
        "files_created": NEEDS_ORDER,
    }
    ops_easy, ops_hard = 3, 12

    def op_seconds(self, difficulty: int) -> float:
        return lerp(difficulty, 1.0, 0.6)

    def answer_values(self, template: Template, difficulty: int) -> Sequence[Any]:
        name = template.name
        if name in ("file_exists", "ever_deleted"):
            return ("yes", "no")
        if name == "cwd_after":
            return tuple("/" + d for d in CWD_TARGETS)
        if name == "file_count":
            return (3, 4, 5, 6, 7)
        if name == "files_created":
            return (0, 1, 2, 3)
        return ("any",)

    # -- state model -------------------------------------------------------------------

    def apply(self, state, op):
        return apply_op(state, op)

    def undo(self, state, op):
        raise NotImplementedError("file_system replays backwards with known working dirs")

    def replay(self, story: Story, ops: Sequence[dict[str, Any]]) -> list[Any] | None:
        if story.reveal == "initial":
            return super().replay(story, ops)
        # The working directory before each command follows from the `cd`s alone (the shell
        # starts in /); the tree is undone backwards, each step checked by re-applying it.
        cwds = ["/"]
        for op in ops:
            cwds.append(resolve(cwds[-1], op["args"][0]) if op["op"] == "cd" else cwds[-1])
        final = story.states[-1]
        states = [Fs(final.dirs, final.files, cwds[-1])]
        for k in range(len(ops) - 1, -1, -1):
            before = undo_op(states[0], ops[k], cwds[k])
            if before is None or apply_op(before, ops[k]) != states[0]:
                return None
            states.insert(0, before)
        return states

    def perturb(self, op, before, rng):
        kind = op["op"]
        if kind == "cd":
            others = sorted(d for d in before.dirs if d != resolve(before.cwd, op["args"][0]))
            return [self._command("cd", [relative(before.cwd, d)])
                    for d in [others[i] for i in rng.permutation(len(others))[:2]]]
        if kind in ("mv", "cp") and op.get("into"):
            src = resolve(before.cwd, op["args"][0])
            others = sorted(d for d in before.dirs if d not in (resolve(before.cwd, op["args"][1]),
                                                                parent(src)))
            return [self._command(kind, [op["args"][0], relative(before.cwd, d)], into=True)
                    for d in [others[i] for i in rng.permutation(len(others))[:2]]]
        return []

    def state_record(self, state: Fs) -> dict[str, Any]:
        return {"dirs": sorted(state.dirs), "files": sorted(state.files), "cwd": state.cwd}

    @staticmethod
    def _command(kind: str, args: list[str], **extra: Any) -> dict[str, Any]:
        return {"op": kind, "command": " ".join([kind] + args), "args": args, **extra}

    def initial_tree(self, rng: np.random.Generator, difficulty: int, plan: Plan) -> Fs:
        names = [DIR_NAMES[i] for i in rng.permutation(len(DIR_NAMES))]
        top = names[: int(rng.integers(2, 4))]
        if plan.template.name == "cwd_after":
            wanted = self.planned(plan)[1:]
            if wanted not in top:
                top[-1] = wanted
            names = [n for n in names if n not in top]
        else:
            names = names[len(top):]
        dirs = {"/"} | {"/" + d for d in top}
        if rng.random() < lerp(difficulty, 0.3, 0.9):
            dirs.add("/" + top[0] + "/" + names.pop())
        file_names = [FILE_NAMES[i] for i in rng.permutation(len(FILE_NAMES))]
        files = set()
        if rng.random() < 0.7:
            files.add("/README.md")
            file_names.remove("README.md")
        folders = sorted(dirs)
        for _ in range(int(rng.integers(3, 7))):
            files.add(folders[int(rng.integers(len(folders)))].rstrip("/") + "/" +
                      file_names.pop())
        return Fs(frozenset(dirs), frozenset(files), "/")

    def new_story(self, rng, difficulty, n_ops, reveal, plan) -> Story | None:
        fs = self.initial_tree(rng, difficulty, plan)
        used = {base(p) for p in fs.dirs | fs.files if p != "/"}
        states, ops = [fs], []
        absolute = lerp(difficulty, 0.15, 0.05)
        # A long sequence with no file created (or only one) is rare by chance: a story for
        # a "files created" question never creates more than the planned number.
        max_created = self.planned(plan) if plan.template.name == "files_created" else None
        attempts = 0
        while len(ops) < n_ops:
            attempts += 1
            if attempts > 50 * n_ops:
                return None
            fs = states[-1]
            op = self._random_command(fs, rng, used, absolute)
            if op is None or len(op["command"]) > MAX_COMMAND:
                continue
            if (max_created is not None and op["op"] in CREATING
                    and sum(o["op"] in CREATING for o in ops) >= max_created):
                continue
            nxt = apply_op(fs, op)
            if nxt is None or len(nxt.dirs) + len(nxt.files) - 1 > MAX_ENTRIES:
                continue
            used.update(base(p) for p in nxt.dirs | nxt.files if p != "/")
            ops.append(op)
            states.append(nxt)
        return Story(states, ops, reveal)

    def _random_command(self, fs: Fs, rng: np.random.Generator, used: set[str],
                        absolute: float) -> dict[str, Any] | None:
        def typed(target: str) -> str:
            return target if rng.random() < absolute else relative(fs.cwd, target)

        kind = str(rng.choice(["cd", "cd", "mkdir", "touch", "rm", "mv", "mv", "cp"]))
        dirs = sorted(fs.dirs)
        files = sorted(fs.files)
        if kind == "cd":
            target = str(rng.choice([d for d in dirs if d != fs.cwd]))
            return self._command("cd", [typed(target)])
        if kind in ("mkdir", "touch"):
            pool = DIR_NAMES if kind == "mkdir" else FILE_NAMES
            fresh = [n for n in pool if n not in used]
            if not fresh:
                return None
            folder = fs.cwd if rng.random() < 0.7 else str(rng.choice(dirs))
            path = folder.rstrip("/") + "/" + str(rng.choice(fresh))
            return self._command(kind, [typed(path)])
        if not files:
            return None
        if kind == "rm":
            return self._command("rm", [typed(str(rng.choice(files)))])
        movable = files + ([d for d in dirs if d != "/" and not inside(fs.cwd, d)]
                           if kind == "mv" else [])
        src = str(rng.choice(movable))
        if rng.random() < 0.7:
            targets = [d for d in dirs if d != parent(src) and not inside(d, src)]
            if not targets:
                return None
            return self._command(kind, [typed(src), typed(str(rng.choice(targets)))], into=True)
        pool = DIR_NAMES if src in fs.dirs else FILE_NAMES
        fresh = [n for n in pool if n not in used]
        if not fresh:
            return None
        return self._command(kind, [typed(src), typed(parent(src).rstrip("/") + "/" +
                                                      str(rng.choice(fresh)))], into=False)

    # -- questions ---------------------------------------------------------------------

    @staticmethod
    def preface(story: Story) -> str:
        shown = "start" if story.reveal == "initial" else "end"
        return (f"A terminal lists the directory tree with `tree /` only at the {shown}; the "
                "shell starts in / and the prompt does not show the working directory.")

    def ask_dir_files(self, ask: Ask) -> Question | None:
        """Templates dir_files, dir_files_open."""
        name, pre, step, when = ask.name, ask.pre, ask.step, ask.when
        story, plan, rng = ask.story, ask.plan, ask.rng
        hidden = story.states[step]
        folders = sorted(d for d in hidden.dirs if files_in(hidden, d))
        if not folders:
            return None
        folder = str(rng.choice(folders))
        names = files_in(hidden, folder)
        query = {"kind": "dir_files", "dir": folder, "step": step, "mode": story.mode}
        text = (f"{pre} Which files are directly in {folder} {when}? List the file "
                "names.")
        if name == "dir_files_open":
            return list_question(text, names, False, query, listing_text(names))

        def answer(s: Story):
            st = s.states[s.hidden_step]
            return tuple(files_in(st, folder)) if folder in st.dirs else None
        wrong = [w for w in self.distractor_values(story, answer, rng,
                                                   n_options=plan.template.n_options) if w]
        # A missed `rm` adds a file more often than a missed `touch` removes one: without
        # balancing, the shortest listing would be right too often.
        truth = listing_text(names)
        texts = list(dict.fromkeys(listing_text(w) for w in wrong if listing_text(w) != truth))
        return choice_question(plan, rng, text, truth,
                               rank_balanced(truth, texts, plan.template.n_options - 1, rng),
                               query, canonical_list(names, False))

    ask_dir_files_open = ask_dir_files

    def ask_file_exists(self, ask: Ask) -> Question | None:
        """Template file_exists."""
        want, pre, step, when = ask.want, ask.pre, ask.step, ask.when
        story, rng = ask.story, ask.rng
        hidden = story.states[step]
        mentioned = sorted({f for s in story.states for f in s.files})
        path = str(rng.choice(mentioned))
        exists = "yes" if path in hidden.files else "no"
        if exists != want:
            return None
        query = {"kind": "file_exists", "path": path, "step": step, "mode": story.mode}
        text = f"{pre} Does the file {path} exist {when}?"
        if step == 0:
            text = f"{pre} Did the file {path} exist {when}?"
        return yes_no_question(text, want, query)

    def ask_ever_deleted(self, ask: Ask) -> Question | None:
        """Template ever_deleted."""
        want, pre, story, rng = ask.want, ask.pre, ask.story, ask.rng
        deleted = {resolve(story.states[k].cwd, op["args"][0])
                   for k, op in enumerate(story.ops) if op["op"] == "rm"}
        pool = sorted(deleted) if want == "yes" else sorted(
            {f for s in story.states for f in s.files} - deleted)
        if not pool:
            return None
        path = str(rng.choice(pool))
        query = {"kind": "ever_deleted", "path": path, "mode": "history"}
        text = f"{pre} During the video, was the file {path} ever deleted?"
        return yes_no_question(text, want, query)

    def ask_cwd_after(self, ask: Ask) -> Question | None:
        """Template cwd_after."""
        want, pre, story = ask.want, ask.pre, ask.story
        plan, rng = ask.plan, ask.rng
        steps = [k for k in range(1, story.n + 1) if story.states[k].cwd == want
                 and story.ops[k - 1]["op"] == "cd"]
        if not steps:
            return None
        k = int(rng.choice(steps))
        query = {"kind": "cwd", "step": k, "mode": "history"}
        text = f"{pre} What was the working directory {story.when(k, 'command')}?"
        # Wrong options only from the planned answers (the top-level folders): the truth
        # is one of them, so "/" or a nested folder would be a give-away wrong option.
        targets = set(self.answer_values(plan.template, ask.difficulty))
        wrong = [s.states[k].cwd for s in self.alternative_histories(story, rng)
                 if len(s.states) > k]
        others = sorted(targets - {want})
        wrong += [others[i] for i in rng.permutation(len(others))]
        wrong = [w for w in wrong if w in targets]
        return choice_question(plan, rng, text, want, wrong, query, want)

    def ask_file_count(self, ask: Ask) -> Question | None:
        """Template file_count."""
        want, pre, step, when, story = ask.want, ask.pre, ask.step, ask.when, ask.story
        hidden = story.states[step]
        if len(hidden.files) != want:
            return None
        query = {"kind": "file_count", "step": step, "mode": story.mode}
        text = f"{pre} How many files are there in the whole tree {when}?"
        return number_question(text, want, query)

    def ask_files_created(self, ask: Ask) -> Question | None:
        """Template files_created."""
        want, pre, story, plan = ask.want, ask.pre, ask.story, ask.plan
        rng, difficulty = ask.rng, ask.difficulty
        created = sum(op["op"] in CREATING for op in story.ops)
        if created != want:
            return None
        query = {"kind": "files_created", "mode": "counting"}
        text = f"{pre} How many of the commands created a new file?"
        return self.count_choice(plan, rng, difficulty, text, want, query)

    # -- staging -----------------------------------------------------------------------

    def stage(self, story: Story, schedule: Schedule, video: VideoSpec, difficulty: int,
              rng: np.random.Generator):
        # Drawing lives in draw.py, which imports this module's helpers.
        from synrl.suite.file_system.draw import TerminalAnimation

        layout = TerminalLayout.for_frame(video.width, video.height)
        animation = TerminalAnimation(story, schedule, layout)
        n = schedule.num_frames
        x, y = np.zeros(n), np.zeros(n)
        for i in range(n):
            x[i], y[i] = animation.cursor(i)
        w, h = layout.cursor_size
        track = stable_track("cursor", "rectangle", CURSOR_COLOR, 0.5 * float(np.hypot(w, h)),
                             x, y, np.ones(n, dtype=bool), "cursor")
        # The audit looks for the cursor below the title bar only.
        scene = {"arena": [0, layout.title_h, video.width - 1, video.height - 1],
                 "terminal": {"rows": layout.rows, "columns": layout.columns,
                              "font_size": layout.font_size, "line_height": layout.line_h}}
        return [track], scene, animation


Segment = tuple[str, tuple[int, int, int]]
