"""Helpers shared by the benchmark loaders."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from synrl.eval.benchmarks.registry import BenchmarkError
from synrl.eval.sample import letters

_LETTER_OPTION = re.compile(r"^\s*\(?([A-Z])[.):]\s*(.*)$", re.DOTALL)


def read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise BenchmarkError(f"missing annotation file {path}") from None
    except (OSError, ValueError) as exc:
        raise BenchmarkError(f"{path}: not valid JSON ({exc})") from exc


def read_table(path: Path) -> list[dict[str, Any]]:
    """Rows of a .parquet, .json (list of objects) or .jsonl file."""
    if not path.exists():
        raise BenchmarkError(f"missing annotation file {path}")
    if path.suffix == ".parquet":
        try:
            import pandas as pd
        except ImportError:
            raise BenchmarkError(f"{path}: reading parquet needs pandas and pyarrow") from None
        frame = pd.read_parquet(path)
        return [{k: _plain(v) for k, v in row.items()} for row in frame.to_dict(orient="records")]
    if path.suffix == ".jsonl":
        rows = []
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if line.strip():
                try:
                    rows.append(json.loads(line))
                except ValueError as exc:
                    raise BenchmarkError(f"{path}:{n}: not valid JSON ({exc})") from exc
        return rows
    data = read_json(path)
    if not isinstance(data, list):
        raise BenchmarkError(f"{path}: expected a list of objects")
    return data


def _plain(value: Any) -> Any:
    """numpy arrays/scalars from parquet as plain Python values."""
    if hasattr(value, "tolist"):
        return value.tolist()
    return value


def first_existing(root: Path, names: list[str]) -> Path:
    for name in names:
        if (root / name).exists():
            return root / name
    raise BenchmarkError(f"none of {', '.join(names)} in {root}")


def options_from_list(items: list[str]) -> dict[str, str]:
    """``["A. text", "B. text"]`` or ``["text", "text"]`` as ``{"A": text, ...}``."""
    parsed = [_LETTER_OPTION.match(str(item)) for item in items]
    if items and all(parsed):
        return {m.group(1): m.group(2).strip() for m in parsed if m}
    return dict(zip(letters(len(items)), (str(i).strip() for i in items)))


def letter_of_text(options: dict[str, str], answer: str, where: str) -> str:
    """The letter whose option text is ``answer`` (exactly, after stripping)."""
    matches = [k for k, v in options.items() if v.strip() == str(answer).strip()]
    if len(matches) != 1:
        raise BenchmarkError(f"{where}: answer {answer!r} is not exactly one of the options")
    return matches[0]


def video_path(root: Path, *parts: str) -> str:
    """Absolute path of a video; existence is checked when the frames are loaded (a missing
    video is a failed prediction, counted, not a silently dropped question)."""
    return str((root.joinpath(*parts)).resolve())
