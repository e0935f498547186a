"""The probe's report: accuracies with Wilson intervals, the temporal gap with Newcombe's
interval, the verdict on each form's declared frame need; as JSON, Markdown and a chart."""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from synrl.probe.conditions import ORDERED, SHUFFLED, SINGLE
from synrl.suite.base import NEEDS_FRAMES, NEEDS_ORDER, STATIC

Z95 = 1.959964
LEARNED = 10.0  # points above chance for "the probe learned this form"
GAP = 10.0  # points of ordered over shuffled for "needs order"
NEAR = 5.0  # points: "at chance", "as good as"


def wilson(correct: int, n: int, z: float = Z95) -> tuple[float, float]:
    """95% Wilson score interval of a proportion, as fractions."""
    if n <= 0:
        return 0.0, 1.0
    p = correct / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return max(0.0, centre - half), min(1.0, centre + half)


@dataclass
class Cell:
    """Correct answers out of n."""

    correct: int
    n: int

    @property
    def accuracy(self) -> float:  # percent
        return 100.0 * self.correct / self.n if self.n else 0.0

    @property
    def interval(self) -> tuple[float, float]:  # percent
        low, high = wilson(self.correct, self.n)
        return 100.0 * low, 100.0 * high

    def as_dict(self) -> dict[str, Any]:
        low, high = self.interval
        return {"correct": self.correct, "n": self.n, "accuracy": round(self.accuracy, 2),
                "ci95": [round(low, 2), round(high, 2)]}

    def text(self) -> str:
        low, high = self.interval
        return f"{self.accuracy:.0f} [{low:.0f}, {high:.0f}]"


def difference(a: Cell, b: Cell) -> tuple[float, float, float]:
    """a - b in points with Newcombe's 95% interval (hybrid score, from the two Wilson
    intervals)."""
    pa, pb = a.accuracy / 100, b.accuracy / 100
    la, ua = (x / 100 for x in a.interval)
    lb, ub = (x / 100 for x in b.interval)
    d = pa - pb
    low = d - math.sqrt((pa - la) ** 2 + (ub - pb) ** 2)
    high = d + math.sqrt((ua - pa) ** 2 + (pb - lb) ** 2)
    return 100 * d, 100 * low, 100 * high


@dataclass
class FormResult:
    task: str
    form: str
    need: str | None  # the declared frame need (None: undeclared)
    n_train: int
    n_test: int
    classes: int
    chance: Cell  # the training set's majority answer, on the test set
    conditions: dict[str, Cell]
    reversed: dict[str, int] | None  # flip agreement of the ordered model on reversed frames
    text: dict[str, Any]  # best text-only baseline of `synrl stats` (multiple choice)
    verdict: str = ""

    @property
    def gap(self) -> tuple[float, float, float] | None:
        """Ordered - shuffled (points, 95% interval); None when shuffled was not run."""
        if SHUFFLED not in self.conditions:
            return None
        return difference(self.conditions[ORDERED], self.conditions[SHUFFLED])

    def cell_text(self, condition: str) -> str:
        cell = self.conditions.get(condition)
        return "-" if cell is None else cell.text()

    def as_dict(self) -> dict[str, Any]:
        gap = self.gap
        return {"task": self.task, "form": self.form, "need": self.need,
                "n_train": self.n_train, "n_test": self.n_test, "classes": self.classes,
                "chance": self.chance.as_dict(),
                "conditions": {k: v.as_dict() for k, v in self.conditions.items()},
                "temporal_gap": None if gap is None else {
                    "points": round(gap[0], 2), "ci95": [round(gap[1], 2), round(gap[2], 2)]},
                "reversed": self.reversed, "text_only": self.text, "verdict": self.verdict}


def verdict(result: FormResult) -> str:
    """Whether the measurement agrees with the form's declared frame need."""
    if set(result.conditions) != {ORDERED, SHUFFLED, SINGLE}:
        return "incomplete"
    ordered = result.conditions[ORDERED].accuracy
    shuffled = result.conditions[SHUFFLED].accuracy
    single = result.conditions[SINGLE].accuracy
    chance = result.chance.accuracy
    best = max(ordered, shuffled, single)
    if best - chance < LEARNED:
        return "not learned"
    leak = single - chance
    problems = []
    if result.need is None:
        return "undeclared"
    if result.need == NEEDS_ORDER:
        gap = result.gap
        if gap is None or gap[1] <= 0 or ordered - shuffled < GAP:
            problems.append("no temporal gap")
    if result.need == NEEDS_FRAMES and shuffled < ordered - NEAR:
        problems.append("order helps")
    if result.need in (NEEDS_ORDER, NEEDS_FRAMES) and leak > NEAR:
        problems.append(f"one frame leaks (+{leak:.0f})")
    if result.need == STATIC and single < ordered - NEAR:
        problems.append("one frame is not enough")
    return "; ".join(problems) or "consistent"


@dataclass
class Report:
    config: dict[str, Any]
    model: str
    slots: int
    tasks: list[dict[str, Any]]
    results: list[FormResult]
    timing: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        """Everything but `timing` is a function of the config: the same seeds give the same
        dictionary."""
        return {"config": self.config, "model": self.model, "slots": self.slots,
                "tasks": [{k: v for k, v in t.items() if k != "cpu_s"} for t in self.tasks],
                "results": [r.as_dict() for r in self.results],
                "timing": {**self.timing, "cpu_s": {t["task"]: t.get("cpu_s") for t in self.tasks}}}

    def markdown(self) -> str:
        cfg = self.config
        lines = [
            "# Temporal necessity probe", "",
            f"{cfg['per_task']} training and {cfg['test_per_task']} test clips per task "
            f"(difficulties {', '.join(map(str, cfg['difficulties']))}), {cfg['size']}x"
            f"{cfg['size']} px, {cfg['frames']} frames, seed {cfg['seed']}. Model: {self.model}.",
            "Accuracy in percent with 95% Wilson intervals; gap = ordered - shuffled with "
            "Newcombe's interval; chance = the training set's most frequent answer of the "
            "form; text-only = the best `synrl stats` baseline on the same questions as "
            "multiple choice (its chance in brackets); reversed = predictions of the "
            "ordered model on reversed frames that flip as the task's reversal mapping says.",
            "",
            "| task | form | needs | n test | classes | chance | text-only (MC chance) | "
            "single frame | shuffled | ordered | gap | reversed flips | verdict |",
            "|---|---|---|---|---|---|---|---|---|---|---|---|---|",
        ]
        for r in self.results:
            gap = "-" if r.gap is None else "{:+.0f} [{:+.0f}, {:+.0f}]".format(*r.gap)
            rev = "-"
            if r.reversed:
                scored = r.reversed["scored"]
                rev = (f"{100 * r.reversed['agree'] / scored:.0f}% of {scored}" if scored
                       else f"0 of {r.reversed['flipping']} scorable")
            text = f"{r.text['accuracy']:.0f} ({r.text['chance']:.0f})"
            lines.append(
                f"| {r.task} | {r.form} | {r.need or '?'} | {r.n_test} | {r.classes} | "
                f"{r.chance.text()} | {text} | {r.cell_text(SINGLE)} | "
                f"{r.cell_text(SHUFFLED)} | {r.cell_text(ORDERED)} | {gap} | {rev} | "
                f"{r.verdict} |")
        return "\n".join(lines) + "\n"

    def chart(self, path: Path) -> None:
        """Grouped bars per task and form: chance, single frame, shuffled, ordered, with
        their intervals."""
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt

        none = Cell(0, 0)
        series = [("chance", lambda r: r.chance, "#bbbbbb"),
                  ("single frame", lambda r: r.conditions.get(SINGLE, none), "#e6a23c"),
                  ("shuffled", lambda r: r.conditions.get(SHUFFLED, none), "#67a3d9"),
                  ("ordered", lambda r: r.conditions.get(ORDERED, none), "#2b6cb0")]
        n = len(self.results)
        fig, ax = plt.subplots(figsize=(max(6.0, 0.55 * n + 2), 4.2))
        width = 0.2
        for k, (name, get, colour) in enumerate(series):
            xs = [i + (k - 1.5) * width for i in range(n)]
            cells = [get(r) for r in self.results]
            ys = [c.accuracy for c in cells]
            err = [[c.accuracy - c.interval[0] if c.n else 0 for c in cells],
                   [c.interval[1] - c.accuracy if c.n else 0 for c in cells]]
            ax.bar(xs, ys, width, yerr=err, color=colour, label=name, capsize=1.5,
                   error_kw={"linewidth": 0.6})
        ax.set_xticks(range(n))
        ax.set_xticklabels([f"{r.task}\n{r.form}" for r in self.results], rotation=70,
                           ha="right", fontsize=6)
        ax.set_ylabel("test accuracy (%)")
        ax.set_ylim(0, 100)
        ax.legend(fontsize=7, ncol=4, loc="upper left")
        ax.set_title("Temporal necessity probe (95% Wilson intervals)", fontsize=9)
        fig.tight_layout()
        fig.savefig(path, dpi=130)
        plt.close(fig)

    def write(self, out: Path) -> dict[str, Path]:
        out.mkdir(parents=True, exist_ok=True)
        paths = {"json": out / "probe.json", "markdown": out / "probe.md",
                 "chart": out / "probe.png"}
        paths["json"].write_text(json.dumps(self.as_dict(), indent=1, sort_keys=True) + "\n",
                                 encoding="utf-8")
        paths["markdown"].write_text(self.markdown() + "\n![probe](probe.png)\n",
                                     encoding="utf-8")
        self.chart(paths["chart"])
        return paths
