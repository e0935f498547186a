"""`synrl export verl`: a dataset folder as one verl RL parquet file (multimodal schema).

One row per sample, in the schema verl 0.9.1's ``RLHFDataset`` reads:

* ``data_source``: ``synrl/<task>`` (verl groups validation metrics by it);
* ``prompt``: chat messages, the system prompt of :mod:`synrl.qa` and a user turn whose
  text starts with ``<video>`` (verl replaces the placeholder with the row's video);
* ``videos``: ``[{"video": "file:///abs.mp4", "nframes" (or "fps", "min_frames",
  "max_frames"), "min_pixels", "max_pixels", "synrl_shuffle_seed"}]``: the keys verl
  forwards to qwen-vl-utils' ``fetch_video``; ``synrl_shuffle_seed`` is -1 except on the
  T-GRPO shuffled rows (:mod:`synrl.verl.dataset` reads it; qwen-vl-utils ignores it);
* ``ability``: ``video_temporal_reasoning``;
* ``reward_model``: ``{"style": "rule", "ground_truth": JSON}`` (Arrow cannot hold
  answers whose type changes by row, so the ground truth is one JSON object);
* ``extra_info``: ``index``, ``id``, ``task``, ``split``, ``answer_type``, ``options``
  (JSON), ``answer_ordered``, ``answer_tolerance``, ``video_tokens``, ``tgrpo_role``
  (``ordered``/``shuffled``), ``tgrpo_group`` (the sample id).

verl drops rows silently: its prompt-length filter scores a row whose video fails to decode
as too long, and the datasets cache then keeps serving the reduced set. So every video is
decoded here once, and every row's prompt length (text plus video tokens, computed as
qwen-vl-utils resizes and samples) is checked against ``max_prompt_length``; a row verl
would drop is an error, never a silent loss.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from synrl.qa import SYSTEM_PROMPT, user_prompt
from synrl.rewards.ground_truth import GROUND_TRUTH_KEYS

__all__ = [
    "VerlExportError",
    "VerlExportResult",
    "VerlVideoOptions",
    "export_verl",
    "smart_resize",
    "video_tokens",
]

ABILITY = "video_temporal_reasoning"
#: qwen-vl-utils: frames are sampled in pairs (Qwen's temporal patch), pixels in 28x28 blocks.
FRAME_FACTOR = 2
IMAGE_FACTOR = 28
MAX_RATIO = 200


class VerlExportError(ValueError):
    """A dataset that cannot become a verl parquet without losing rows."""


@dataclass(frozen=True)
class VerlVideoOptions:
    """How verl (through qwen-vl-utils) samples and resizes each video.

    ``nframes`` uniform frames (capped at the video's frame count, rounded down to a pair), or
    ``fps`` with ``min_frames``/``max_frames`` (Video-R1's 2 fps, 4..16). Pixels per frame
    are bounded by ``min_pixels``/``max_pixels``; qwen-vl-utils asserts ``max >= min``.
    """

    nframes: int | None = 16
    fps: float | None = None
    min_frames: int = 4
    max_frames: int = 16
    min_pixels: int = 128 * 28 * 28
    max_pixels: int = 128 * 28 * 28

    def __post_init__(self) -> None:
        if (self.nframes is None) == (self.fps is None):
            raise VerlExportError("give exactly one of nframes and fps (qwen-vl-utils refuses both)")
        if self.nframes is not None and self.nframes < FRAME_FACTOR:
            raise VerlExportError(f"nframes must be >= {FRAME_FACTOR}, got {self.nframes}")
        if self.fps is not None and (self.fps <= 0 or self.min_frames > self.max_frames):
            raise VerlExportError(f"fps must be > 0 and min_frames <= max_frames, got fps={self.fps}, "
                                  f"{self.min_frames}..{self.max_frames}")
        if not 0 < self.min_pixels <= self.max_pixels:
            raise VerlExportError(f"need 0 < min_pixels <= max_pixels (qwen-vl-utils asserts it), got "
                                  f"{self.min_pixels} > {self.max_pixels}")


@dataclass
class VerlExportResult:
    """What was written: rows per role, the longest prompt, the file."""

    out: Path
    rows: int
    samples: int
    max_prompt_tokens: int
    tasks: dict[str, int] = field(default_factory=dict)


def _round(n: float, f: int) -> int:
    return round(n / f) * f


def _floor(n: float, f: int) -> int:
    return math.floor(n / f) * f


def _ceil(n: float, f: int) -> int:
    return math.ceil(n / f) * f


def smart_resize(height: int, width: int, min_pixels: int, max_pixels: int, factor: int = IMAGE_FACTOR) -> tuple[int, int]:
    """qwen-vl-utils' frame size: multiples of ``factor``, pixels within [min, max], aspect kept."""
    if max(height, width) / min(height, width) > MAX_RATIO:
        raise VerlExportError(f"aspect ratio {max(height, width) / min(height, width):.0f} exceeds {MAX_RATIO}")
    h_bar = max(factor, _round(height, factor))
    w_bar = max(factor, _round(width, factor))
    if h_bar * w_bar > max_pixels:
        beta = math.sqrt(height * width / max_pixels)
        h_bar, w_bar = _floor(height / beta, factor), _floor(width / beta, factor)
    elif h_bar * w_bar < min_pixels:
        beta = math.sqrt(min_pixels / (height * width))
        h_bar, w_bar = _ceil(height * beta, factor), _ceil(width * beta, factor)
    return h_bar, w_bar


def _nframes(opts: VerlVideoOptions, total: int, video_fps: float) -> int:
    # qwen-vl-utils' smart_nframes; it raises outside [2, total], so nframes is capped here.
    if opts.nframes is not None:
        n = min(_round(opts.nframes, FRAME_FACTOR), _floor(total, FRAME_FACTOR))
    else:
        lo = _ceil(opts.min_frames, FRAME_FACTOR)
        hi = _floor(min(opts.max_frames, total), FRAME_FACTOR)
        n = _floor(min(max(total / video_fps * opts.fps, lo), hi, total), FRAME_FACTOR)
    if n < FRAME_FACTOR:
        raise VerlExportError(f"{total} frames: qwen-vl-utils needs at least {FRAME_FACTOR}")
    return n


def video_tokens(height: int, width: int, nframes: int, opts: VerlVideoOptions) -> int:
    """Qwen2/2.5-VL tokens of one video as verl's pipeline produces them (qwen-vl-utils 0.0.14 caps
    ``max_pixels`` at 768 tokens per frame and at ``1.05 * min_pixels`` from below)."""
    cap = max(min(768 * IMAGE_FACTOR**2, 128000 * IMAGE_FACTOR**2 * 0.9 / nframes * FRAME_FACTOR),
              int(opts.min_pixels * 1.05))
    h, w = smart_resize(height, width, opts.min_pixels, min(opts.max_pixels, cap))
    return nframes // FRAME_FACTOR * (h // IMAGE_FACTOR) * (w // IMAGE_FACTOR)


def _probe(path: Path) -> tuple[int, int, int, float]:
    """Decode every frame once: (frames, height, width, fps); a clear error if it cannot."""
    import av

    try:
        with av.open(str(path)) as container:
            stream = container.streams.video[0]
            fps = float(stream.average_rate or stream.guessed_rate or 0)
            frames = 0
            for frame in container.decode(stream):
                frames += 1
                height, width = frame.height, frame.width
    except (av.FFmpegError, IndexError, OSError) as exc:
        raise VerlExportError(f"{path}: cannot decode ({exc})") from exc
    if frames == 0:
        raise VerlExportError(f"{path}: no frames")
    return frames, height, width, fps or 1.0


class _PromptLength:
    """Prompt tokens as verl's filter counts them: the chat template's text with the video
    placeholder replaced by the video's tokens. Exact with a processor; otherwise an upper
    bound (characters, the worst case of a byte-level BPE) plus the template's markup."""

    def __init__(self, processor: Any | None) -> None:
        self.processor = processor

    def __call__(self, messages: list[dict[str, Any]], n_video: int) -> int:
        if self.processor is None:
            text = sum(len(m["content"].replace("<video>", "")) for m in messages)
            return text + 16 * len(messages) + 3 + n_video
        structured = []
        for m in messages:
            parts: list[dict[str, Any]] = []
            for i, piece in enumerate(m["content"].split("<video>")):
                if i:
                    parts.append({"type": "video"})
                if piece:
                    parts.append({"type": "text", "text": piece})
            structured.append({"role": m["role"], "content": parts})
        text = self.processor.apply_chat_template(structured, add_generation_prompt=True, tokenize=False)
        ids = self.processor.tokenizer(text, add_special_tokens=False)["input_ids"]
        return len(ids) - 1 + n_video  # the one <|video_pad|> becomes n_video tokens


def _load_records(folders: Sequence[Path]) -> list[tuple[Path, dict[str, Any]]]:
    from synrl.generate import DatasetError
    from synrl.validate import load_dataset

    out = []
    for folder in folders:
        try:
            out.extend((folder, r) for r in load_dataset(folder))
        except DatasetError as exc:
            raise VerlExportError(str(exc)) from exc
    return out


def export_verl(
    folders: Sequence[str | Path],
    out: str | Path,
    *,
    split: str | None = None,
    video: VerlVideoOptions | None = None,
    max_prompt_length: int = 8192,
    processor: Any | None = None,
    relative_to: str | Path | None = None,
    tgrpo: bool = False,
    seed: int = 0,
) -> VerlExportResult:
    """Write the samples of ``folders`` (``split`` only, when given) to the parquet ``out``.

    Video paths are ``file://`` absolute URLs, or paths relative to ``relative_to`` (verl's
    workers then must run with that folder as their working directory). ``processor`` (an
    ``AutoProcessor`` or a model folder) makes the prompt-length check exact. ``tgrpo``
    follows every row with its shuffled-frame twin (same prompt and ground truth), the pair
    kept adjacent: train with ``data.shuffle=False`` so both land in one batch.
    """
    import pyarrow as pa
    import pyarrow.parquet as pq

    opts = video or VerlVideoOptions()
    if isinstance(processor, (str, Path)):
        from transformers import AutoProcessor

        processor = AutoProcessor.from_pretrained(str(processor))
    length = _PromptLength(processor)
    root = Path(relative_to).resolve() if relative_to is not None else None
    records = [(f, r) for f, r in _load_records([Path(f) for f in folders])
               if split is None or r.get("split") == split]
    if not records:
        raise VerlExportError(f"no samples{f' in split {split!r}' if split else ''} in {', '.join(map(str, folders))}")
    records.sort(key=lambda fr: fr[1]["id"])
    rows: list[dict[str, Any]] = []
    tasks: dict[str, int] = {}
    longest = 0
    for index, (folder, record) in enumerate(records):
        path = (folder / record["video"]["path"]).resolve()
        frames, height, width, fps = _probe(path)
        nframes = _nframes(opts, frames, fps)
        n_video = video_tokens(height, width, nframes, opts)
        messages = [{"role": "system", "content": SYSTEM_PROMPT},
                    {"role": "user", "content": "<video>" + user_prompt(record)}]
        n_prompt = length(messages, n_video)
        if n_prompt > max_prompt_length:
            raise VerlExportError(
                f"{record['id']}: prompt of {n_prompt} tokens ({n_video} video) exceeds max_prompt_length "
                f"{max_prompt_length}; verl's filter would drop it silently. Raise data.max_prompt_length "
                f"(and --max-prompt-length) or lower the frames/pixels")
        longest = max(longest, n_prompt)
        if root is not None:
            try:
                url = path.relative_to(root).as_posix()
            except ValueError:
                raise VerlExportError(f"{path} is not under --relative-to {root}") from None
        else:
            url = path.as_uri()
        sampling: dict[str, Any] = ({"nframes": nframes} if opts.nframes is not None else
                                    {"fps": float(opts.fps), "min_frames": opts.min_frames,
                                     "max_frames": opts.max_frames})
        truth = {k: record[k] for k in GROUND_TRUTH_KEYS if k in record}
        row = {
            "data_source": f"synrl/{record['task']}",
            "prompt": messages,
            "videos": [{"video": url, **sampling, "min_pixels": opts.min_pixels, "max_pixels": opts.max_pixels,
                        "synrl_shuffle_seed": -1}],
            "ability": ABILITY,
            "reward_model": {"style": "rule", "ground_truth": json.dumps(truth, sort_keys=True)},
            "extra_info": {
                "index": index,
                "id": record["id"],
                "task": record["task"],
                "split": record.get("split", ""),
                "answer_type": record["answer_type"],
                "options": json.dumps(record.get("options"), sort_keys=True),
                "answer_ordered": record.get("answer_ordered", True) is not False,
                "answer_tolerance": float(record.get("answer_tolerance") or 0.0),
                "video_tokens": n_video,
                "tgrpo_role": "ordered",
                "tgrpo_group": record["id"],
            },
        }
        rows.append(row)
        tasks[record["task"]] = tasks.get(record["task"], 0) + 1
        if tgrpo:
            from synrl.verl.tgrpo import shuffle_seed

            twin = json.loads(json.dumps(row))
            twin["videos"][0]["synrl_shuffle_seed"] = shuffle_seed(record["id"], seed)
            twin["extra_info"]["tgrpo_role"] = "shuffled"
            rows.append(twin)
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(pa.Table.from_pylist(rows), out)
    return VerlExportResult(out=out, rows=len(rows), samples=len(records), max_prompt_tokens=longest, tasks=tasks)
