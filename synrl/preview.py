"""Contact sheet of a sample: evenly spaced frames with timestamps, the question, the options
and the answer, as one PNG."""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from synrl.render.video import read_frames

THUMB_WIDTH = 240
COLUMNS = 4
PAD = 8


def timestamp(ms: float) -> str:
    """mm:ss.cc, as the CoT and the preview write times."""
    seconds = ms / 1000
    return f"{int(seconds // 60):02d}:{seconds % 60:05.2f}"


def pick_frames(num_frames: int, count: int) -> list[int]:
    count = max(1, min(count, num_frames))
    return sorted({int(round(i)) for i in np.linspace(0, num_frames - 1, count)})


def contact_sheet(record: dict[str, Any], folder: Path, frames: int = 8) -> Image.Image:
    """Build the preview image of one record of the dataset in `folder`."""
    wanted = pick_frames(record["video"]["num_frames"], frames)
    fps = record["video"]["fps"]
    thumbs: list[tuple[int, Image.Image]] = []
    for index, frame in enumerate(read_frames(folder / record["video"]["path"])):
        if index in wanted:
            image = Image.fromarray(frame)
            height = round(image.height * THUMB_WIDTH / image.width)
            thumbs.append((index, image.resize((THUMB_WIDTH, height), Image.LANCZOS)))
        if index >= wanted[-1]:
            break
    font = ImageFont.load_default(size=15)
    small = ImageFont.load_default(size=13)
    thumb_h = thumbs[0][1].height
    label_h = 20
    rows = (len(thumbs) + COLUMNS - 1) // COLUMNS
    width = COLUMNS * THUMB_WIDTH + (COLUMNS + 1) * PAD
    text_lines = [f"{record['id']}  ({record['task']}, difficulty {record['difficulty']})", ""]
    text_lines += textwrap.wrap("Q: " + record["question"], 110)
    for letter, option in (record.get("options") or {}).items():
        text_lines += textwrap.wrap(f"   {letter}. {option}", 110)
    answer = record["answer"]
    if record["answer_type"] == "multiple_choice":
        answer = f"{answer}. {record['answer_text']}"
    text_lines += textwrap.wrap(f"Answer: {answer}", 110)
    grid_h = rows * (thumb_h + label_h + PAD) + PAD
    sheet = Image.new("RGB", (width, grid_h + 20 * len(text_lines) + 2 * PAD), (250, 250, 250))
    draw = ImageDraw.Draw(sheet)
    for n, (index, thumb) in enumerate(thumbs):
        x = PAD + (n % COLUMNS) * (THUMB_WIDTH + PAD)
        y = PAD + (n // COLUMNS) * (thumb_h + label_h + PAD)
        sheet.paste(thumb, (x, y))
        draw.rectangle((x, y, x + THUMB_WIDTH - 1, y + thumb_h - 1), outline=(180, 180, 180))
        draw.text((x, y + thumb_h + 3), f"{timestamp(index * 1000 / fps)}  frame {index}",
                  fill=(40, 40, 40), font=small)
    for n, line in enumerate(text_lines):
        draw.text((PAD, grid_h + PAD + 20 * n), line, fill=(0, 0, 0), font=font)
    return sheet


def write_preview(record: dict[str, Any], folder: Path, out: Path, frames: int = 8) -> Path:
    out.parent.mkdir(parents=True, exist_ok=True)
    contact_sheet(record, folder, frames).save(out)
    return out
