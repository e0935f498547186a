"""Is the text of the long-term tasks legible after H.264? Tesseract reads it back.

For each frame size, samples are generated as usual and every piece of text a question
depends on is read by OCR twice: from the rendered frame (before encoding) and from the
same frame decoded from the MP4. Reading the rendered frame measures the OCR engine on our
fonts; the gap between the two readings is what the encoder costs.

- `file_system`: every command line, at the last frame of its operation (fully typed), as
  one OCR line of the terminal; the score is the character error rate (CER) against the
  command, and "exact" counts lines read without a single wrong character.
- `math_trail`, `sliding_puzzle`: every digit cell or tile of the visible board, one OCR
  call per cell (single-word mode, digits only).
- `cards`: the rank in the top-left corner of every face-up card of the visible pile.

Needs the `tesseract` binary (Debian: `apt-get install tesseract-ocr`). Usage:
    python benchmarks/bench_legibility.py [--sizes 448,336,256] [--samples 6]
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import jiwer
import numpy as np
from PIL import Image

from synrl.config import VideoOptions
from synrl.generate import SampleRequest, build_sample, write_video
from synrl.render.frames import render_frames
from synrl.render.terminal import TerminalLayout
from synrl.render.video import read_frames

UPSCALE = 3  # Tesseract reads best at x-heights of 20-30 px


@dataclass
class Score:
    items: int = 0
    exact: int = 0
    loose: int = 0  # equal once case and spaces are ignored (Tesseract reads "lib" as "Lib")
    errors: list[float] = field(default_factory=list)

    def add(self, truth: str, read: str) -> None:
        self.items += 1
        self.exact += read == truth
        self.loose += _loose(read) == _loose(truth)
        self.errors.append(jiwer.cer(truth, read) if truth else float(bool(read)))

    def row(self) -> str:
        if not self.items:
            return "- | - | -"
        return (f"{100 * self.exact / self.items:.0f}% | {100 * self.loose / self.items:.0f}% | "
                f"{100 * np.mean(self.errors):.1f}%")


def _loose(text: str) -> str:
    return "".join(text.split()).casefold()


def ocr(image: np.ndarray, psm: int, whitelist: str | None = None) -> list[str]:
    """Tesseract's reading of an RGB crop (upscaled, grey): its non-empty lines. A single
    glyph (psm 8) is first thresholded halfway between its ink and its paper: without that
    Tesseract returns nothing for some isolated glyphs once encoder noise speckles the
    paper."""
    grey = Image.fromarray(np.ascontiguousarray(image[..., :3])).convert("L")
    grey = grey.resize((grey.width * UPSCALE, grey.height * UPSCALE), Image.LANCZOS)
    if psm == 8:
        values = np.asarray(grey)
        ink, paper = np.percentile(values, [2, 98])
        grey = Image.fromarray(np.where(values < (ink + paper) / 2, 0, 255).astype(np.uint8))
    with tempfile.NamedTemporaryFile(suffix=".png") as f:
        grey.save(f.name)
        args = ["tesseract", f.name, "stdout", "--psm", str(psm)]
        if whitelist:
            args += ["-c", f"tessedit_char_whitelist={whitelist}"]
        out = subprocess.run(args, capture_output=True, text=True, check=True).stdout
    return [" ".join(line.split()) for line in out.splitlines() if line.strip()]


def frames_at(record: dict, sim, wanted: list[int], folder: Path) -> tuple[dict, dict]:
    """{frame: rendered RGB} and {frame: decoded RGB} for the `wanted` frames."""
    rendered = {i: f[..., :3].copy() for i, f in zip(range(sim.num_frames), render_frames(sim))
                if i in wanted}
    decoded = {i: f for i, f in enumerate(read_frames(folder / record["video"]["path"])) if i in wanted}
    return rendered, decoded


def terminal_items(record: dict) -> Iterator[tuple[int, str]]:
    """(frame, truth) of every command line, at the last frame of its operation."""
    for event in record["timeline"][1:-1]:
        yield event["end_frame"], f"$ {event['command']}"


def without_cursor(image: np.ndarray, record: dict, frame: int) -> np.ndarray:
    """The frame with the cursor block (not text; its track says where it is) whitened."""
    out = image.copy()
    cursor = next(t for t in record["tracks"] if t["id"] == "cursor")
    w, h = TerminalLayout.for_frame(image.shape[1], image.shape[0]).cursor_size
    x, y = round(cursor["x"][frame]), round(cursor["y"][frame])
    out[max(0, y - h // 2 - 2): y + h // 2 + 3, max(0, x - w // 2 - 2): x + w // 2 + 3] = 255
    return out


def board_cells(record: dict) -> Iterator[tuple[tuple[slice, slice], str]]:
    board = record["scene"]["board"]
    cell, x0, y0 = board["cell"], board["x0"], board["y0"]
    inset = max(2, round(0.12 * cell))
    if record["task"] == "math_trail":
        grid = [[s for s in row] for row in record["scene"]["symbols"]]
    else:
        step = 0 if record["scene"]["reveal"] == "initial" else -1
        grid = [[str(t) if t else "" for t in row] for row in record["states"][step]["rows"]]
    for r, row in enumerate(grid):
        for c, symbol in enumerate(row):
            if symbol.isdigit():
                yield (slice(y0 + r * cell + inset, y0 + (r + 1) * cell - inset),
                       slice(x0 + c * cell + inset, x0 + (c + 1) * cell - inset)), symbol


def visible_frame(record: dict) -> int:
    reveal = record["timeline"][0] if record["scene"]["reveal"] == "initial" else record["timeline"][-1]
    return (reveal["start_frame"] + reveal["end_frame"]) // 2


def card_corners(record: dict) -> Iterator[tuple[tuple[slice, slice], str]]:
    layout = record["scene"]["layout"]
    w, h = layout["card"]
    step = 0 if record["scene"]["reveal"] == "initial" else -1
    for k, code in enumerate(record["states"][step]["pile"]):
        x = layout["x0"] + k * layout["spacing"]
        left, top = x - w // 2, layout["pile_y"] - h // 2
        # Cards overlap to the right: the rank sits in the visible top-left corner.
        yield (slice(top + 2, top + round(0.27 * h)), slice(left + 2, left + round(0.42 * w))), code[:-1]


def measure(task: str, size: int, samples: int, folder: Path) -> tuple[Score, Score]:
    raw, dec = Score(), Score()
    video = VideoOptions(width=size, height=size)
    for index in range(samples):
        built = build_sample(SampleRequest(task, "train", 0, index, 3, ("mc", "open"), video))
        record = built.record
        path = folder / record["video"]["path"]
        path.parent.mkdir(parents=True, exist_ok=True)
        write_video(built.sim, path, video)
        if task == "file_system":
            items = list(terminal_items(record))
            rendered, decoded = frames_at(record, built.sim, [f for f, _ in items], folder)
            top = TerminalLayout.for_frame(size, size).title_h
            for frame, truth in items:
                for score, image in ((raw, rendered[frame]), (dec, decoded[frame])):
                    # The whole screen is read (the cursor block, not text, whitened); the
                    # command is the line closest to it.
                    lines = ocr(without_cursor(image, record, frame)[top:], 6) or [""]
                    score.add(truth, min(lines, key=lambda line: jiwer.cer(truth, line)))
            continue
        frame = visible_frame(record)
        rendered, decoded = frames_at(record, built.sim, [frame], folder)
        cells = card_corners(record) if task == "cards" else board_cells(record)
        whitelist = "0123456789AJQK" if task == "cards" else "0123456789"
        for (ys, xs), truth in cells:
            for score, image in ((raw, rendered[frame]), (dec, decoded[frame])):
                score.add(truth, "".join(ocr(image[ys, xs], 8, whitelist)))
    return raw, dec


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="448,336,256")
    parser.add_argument("--samples", type=int, default=6)
    parser.add_argument("--tasks", default="file_system,math_trail,sliding_puzzle,cards")
    args = parser.parse_args()
    if shutil.which("tesseract") is None:
        raise SystemExit("needs the tesseract binary (Debian: apt-get install tesseract-ocr)")
    version = subprocess.run(["tesseract", "--version"], capture_output=True, text=True).stdout.split("\n")[0]
    print(f"OCR: {version}; difficulty 3, {args.samples} samples per task and size, CRF 18\n")
    print("| task | size | items | rendered: exact | rendered: ignoring case, spaces | rendered: CER "
          "| decoded MP4: exact | decoded MP4: ignoring case, spaces | decoded MP4: CER |")
    print("|---|---|---|---|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as tmp:
        for task in args.tasks.split(","):
            for size in (int(s) for s in args.sizes.split(",")):
                raw, dec = measure(task, size, args.samples, Path(tmp) / f"{task}-{size}")
                print(f"| `{task}` | {size}x{size} | {raw.items} | {raw.row()} | {dec.row()} |", flush=True)


if __name__ == "__main__":
    main()
