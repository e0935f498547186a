"""`synrl export verl`: schema, paths, frame/pixel arithmetic, and rows verl would drop are errors.

verl itself reading the file is tested in tests/verl/ (its own environment)."""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from synrl.cli import app
from synrl.export.verl import (
    VerlExportError,
    VerlVideoOptions,
    export_verl,
    smart_resize,
    video_tokens,
)
from synrl.qa import SYSTEM_PROMPT, user_prompt
from synrl.validate import load_dataset

SMALL = VerlVideoOptions(nframes=4, min_pixels=28 * 28, max_pixels=56 * 56)


def test_rows_in_verls_schema(dataset: Path, tmp_path: Path) -> None:
    out = tmp_path / "train.parquet"
    result = export_verl([dataset], out, video=SMALL)
    rows = pq.read_table(out).to_pylist()
    records = sorted(load_dataset(dataset), key=lambda r: r["id"])
    assert result.rows == result.samples == len(rows) == len(records) == 8
    for i, (row, record) in enumerate(zip(rows, records)):
        assert row["data_source"] == f"synrl/{record['task']}"
        assert row["prompt"] == [{"role": "system", "content": SYSTEM_PROMPT},
                                 {"role": "user", "content": "<video>" + user_prompt(record)}]
        video = row["videos"][0]
        assert video["video"] == (dataset / record["video"]["path"]).resolve().as_uri()
        # 128x128 frames under 56x56 pixels: smart_resize -> 56x56, 2 frame pairs of 2x2 tokens
        assert (video["nframes"], video["min_pixels"], video["max_pixels"]) == (4, 784, 3136)
        assert row["extra_info"]["video_tokens"] == 2 * 2 * 2
        assert row["reward_model"]["style"] == "rule"
        truth = json.loads(row["reward_model"]["ground_truth"])
        assert truth["answer"] == record["answer"] and truth["answer_type"] == record["answer_type"]
        assert row["extra_info"]["index"] == i and row["extra_info"]["tgrpo_role"] == "ordered"
        assert json.loads(row["extra_info"]["options"]) == record["options"]


def test_tgrpo_twins_follow_their_rows(dataset: Path, tmp_path: Path) -> None:
    rows = pq.read_table(export_verl([dataset], tmp_path / "t.parquet", video=SMALL, tgrpo=True).out).to_pylist()
    assert len(rows) == 16
    for ordered, shuffled in zip(rows[::2], rows[1::2]):
        assert ordered["extra_info"]["tgrpo_role"] == "ordered" and shuffled["extra_info"]["tgrpo_role"] == "shuffled"
        assert ordered["extra_info"]["tgrpo_group"] == shuffled["extra_info"]["tgrpo_group"]
        assert ordered["prompt"] == shuffled["prompt"]
        assert ordered["videos"][0]["synrl_shuffle_seed"] == -1 <= shuffled["videos"][0]["synrl_shuffle_seed"]
    again = pq.read_table(export_verl([dataset], tmp_path / "u.parquet", video=SMALL, tgrpo=True).out).to_pylist()
    assert again == rows  # deterministic


def test_relative_paths_and_fps_sampling(dataset: Path, tmp_path: Path) -> None:
    opts = VerlVideoOptions(nframes=None, fps=2.0, min_frames=4, max_frames=16, min_pixels=784, max_pixels=3136)
    rows = pq.read_table(export_verl([dataset], tmp_path / "r.parquet", video=opts, relative_to=dataset.parent)
                         .out).to_pylist()
    video = rows[0]["videos"][0]
    assert not video["video"].startswith(("/", "file:")) and (dataset.parent / video["video"]).is_file()
    assert video["fps"] == 2.0 and (video["min_frames"], video["max_frames"]) == (4, 16) and "nframes" not in video


def test_nframes_capped_at_the_videos_frames(dataset: Path, tmp_path: Path) -> None:
    # qwen-vl-utils raises when nframes exceeds the video's frames; the export caps it (even)
    frames = {r["id"]: r["video"]["num_frames"] for r in load_dataset(dataset)}
    rows = pq.read_table(export_verl([dataset], tmp_path / "c.parquet",
                                     video=VerlVideoOptions(nframes=10_000, min_pixels=784, max_pixels=3136)
                                     ).out).to_pylist()
    for row in rows:  # clips differ in length (rotation's last 5 s): each capped at its own
        n = frames[row["extra_info"]["id"]]
        assert row["videos"][0]["nframes"] == n - n % 2


def test_a_video_that_does_not_decode_is_an_error(dataset: Path, tmp_path: Path) -> None:
    record = load_dataset(dataset)[0]
    (dataset / record["video"]["path"]).write_bytes(b"not an mp4")
    with pytest.raises(VerlExportError, match="cannot decode"):
        export_verl([dataset], tmp_path / "x.parquet", video=SMALL)


def test_a_prompt_verl_would_filter_is_an_error(dataset: Path, tmp_path: Path) -> None:
    with pytest.raises(VerlExportError, match="exceeds max_prompt_length 64"):
        export_verl([dataset], tmp_path / "x.parquet", video=SMALL, max_prompt_length=64)


def test_bad_options_are_errors() -> None:
    with pytest.raises(VerlExportError, match="min_pixels <= max_pixels"):
        VerlVideoOptions(min_pixels=2000, max_pixels=1000)
    with pytest.raises(VerlExportError, match="exactly one"):
        VerlVideoOptions(nframes=8, fps=2.0)


def test_qwen_resize_arithmetic() -> None:
    # qwen-vl-utils' smart_resize, worked by hand: 256x256 over 128*28*28 pixels -> 336x336 (12x12 blocks)
    assert smart_resize(256, 256, 128 * 784, 128 * 784) == (336, 336)
    # 640x360 down to <= 100352 pixels: beta = sqrt(230400/100352) = 1.515 -> 420x236 floored to 28s
    assert smart_resize(360, 640, 784, 100352) == (224, 420)
    # 16 frames of 336x336: 8 pairs x 12 x 12
    assert video_tokens(256, 256, 16, VerlVideoOptions()) == 8 * 144


def test_cli(dataset: Path, tmp_path: Path) -> None:
    out = tmp_path / "cli.parquet"
    result = CliRunner().invoke(app, ["export", "verl", str(dataset), "--out", str(out), "--nframes", "4",
                                      "--min-pixels", "784", "--max-pixels", "3136", "--split", "train"])
    assert result.exit_code == 0, result.output
    assert "8 rows" in result.output and pq.read_table(out).num_rows == 8
    bad = CliRunner().invoke(app, ["export", "verl", str(dataset), "--out", str(out), "--min-pixels", "5000",
                                   "--max-pixels", "10"])
    assert bad.exit_code != 0 and "min_pixels <= max_pixels" in bad.output
    empty = CliRunner().invoke(app, ["export", "verl", str(dataset), "--out", str(out), "--split", "val"])
    assert empty.exit_code != 0 and "no samples in split 'val'" in empty.output
