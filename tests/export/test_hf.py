"""`synrl export hf`: a folder that `datasets.load_dataset` loads with typed features."""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import pytest

datasets = pytest.importorskip("datasets")
yaml = pytest.importorskip("yaml")

import av  # noqa: E402

from synrl.audit import AuditSummary, audit_sample  # noqa: E402
from synrl.config import GenerateConfig, VideoOptions  # noqa: E402
from synrl.cot import write_grounded_cot  # noqa: E402
from synrl.export.hf import ExportError, export_hf, features, row_to_record  # noqa: E402
from synrl.generate import generate  # noqa: E402
from synrl.dataset import load_dataset  # noqa: E402

TASKS = ["speed_change", "direction", "cards"]


@pytest.fixture(scope="module")
def split_folders(tmp_path_factory) -> dict[str, Path]:
    """train (2 per task, with CoT and a real audit report), val and test (1 per task)."""
    root = tmp_path_factory.mktemp("hf-src")
    folders = {}
    for split, per_task in (("train", 2), ("val", 1), ("test", 1)):
        out = root / split
        result = generate(GenerateConfig(tasks=TASKS, per_task=per_task, split=split, out=out, difficulty=2,
                                         video=VideoOptions(width=160, height=160)))
        assert not result.failed
        folders[split] = out
    write_grounded_cot(folders["train"], strict=False)
    audits = [audit_sample(r, folders["train"]) for r in load_dataset(folders["train"])]
    (folders["train"] / "audit.json").write_text(AuditSummary(audits).to_json())
    return folders


@pytest.fixture(scope="module")
def exported(split_folders, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("hf") / "synrl-mini"
    result = export_hf(list(split_folders.values()), out)
    assert result.splits == {"train": 6, "val": 3, "test": 3}
    return out


def _records(folders: dict[str, Path]) -> dict[str, dict]:
    return {r["id"]: r for folder in folders.values() for r in load_dataset(folder)}


def test_load_dataset_gives_typed_splits_and_exact_records(exported, split_folders):
    ds = datasets.load_dataset(str(exported))
    assert sorted(ds) == ["test", "train", "val"]
    assert {name: ds[name].num_rows for name in ds} == {"train": 6, "val": 3, "test": 3}
    assert ds["train"].features == features()
    assert isinstance(ds["train"].features["video"], datasets.Video)
    assert isinstance(ds["train"].features["timeline"], datasets.List)
    records = _records(split_folders)
    for split in ds:
        rows = ds[split].cast_column("video", datasets.Video(decode=False))
        for row in rows:
            record = records[row["id"]]
            assert row["split"] == split == record["split"]
            assert row_to_record(row) == record
            # The typed helper column of the answer's type holds it; the others are null.
            helpers = {"multiple_choice": "answer_letter", "number": "answer_number",
                       "list": "answer_list", "interval": "answer_interval", "box": "answer_boxes"}
            for kind, column in helpers.items():
                assert (row[column] is not None) == (record["answer_type"] == kind), (row["id"], column)
            if record["answer_type"] == "multiple_choice":
                assert row["answer_letter"] == record["answer"]
                assert [o["letter"] for o in row["options"]] == list(record["options"])
            else:
                assert row["options"] is None and record["options"] is None
            assert len(row["tracks"][0]["x"]) == record["video"]["num_frames"]
    train = ds["train"]
    with_cot = [row["cot"] for row in train.select_columns(["cot"])]
    assert all(c and c.startswith("<think>") for c in with_cot)
    assert all(row["cot"] is None for row in ds["val"].select_columns(["cot"]))


def test_tracking_answers_get_a_typed_boxes_column(tmp_path):
    """A tracking record's boxes are one typed column (K boxes of 4 floats) beside the
    exact JSON answer, and the row rebuilds the record."""
    src = tmp_path / "track"
    result = generate(GenerateConfig(tasks=["direction"], per_task=2, out=src, difficulty=2,
                                     question_types=["track"], video=VideoOptions(width=256, height=256)))
    assert not result.failed
    out = tmp_path / "hf"
    export_hf([src], out)
    ds = datasets.load_dataset(str(out))["train"]
    assert ds.features["answer_boxes"] == datasets.List(datasets.List(datasets.Value("float64"), length=4))
    records = {r["id"]: r for r in load_dataset(src)}
    rows = ds.cast_column("video", datasets.Video(decode=False))
    assert len(rows) == 2
    for row in rows:
        record = records[row["id"]]
        assert record["answer_type"] == "box"
        assert row["answer_boxes"] == [[float(v) for v in box] for box in record["answer"]]
        assert len(row["answer_boxes"]) == len(record["query"]["times_s"])
        assert row["answer_interval"] is None and row["answer_list"] is None
        assert row_to_record(row) == record


def test_video_bytes_decode_with_pyav(exported, split_folders):
    """The Video feature's stored bytes are the MP4 and decode to the recorded frames.

    (Decoding *through* the feature needs torchcodec: see the next test.)
    """
    ds = datasets.load_dataset(str(exported), split="test").cast_column("video", datasets.Video(decode=False))
    row = ds[0]
    record = _records(split_folders)[row["id"]]
    data = row["video"]["bytes"]
    assert data == (split_folders["test"] / record["video"]["path"]).read_bytes()
    assert row["video"]["path"].endswith(".mp4")
    with av.open(io.BytesIO(data)) as container:
        frames = [f.to_ndarray(format="rgb24") for f in container.decode(video=0)]
    assert len(frames) == record["video"]["num_frames"]
    assert frames[0].shape == (record["video"]["height"], record["video"]["width"], 3)


def test_video_decodes_through_the_feature(exported, split_folders):
    # PyPI's torchcodec 0.17.0 links libtorch_cuda.so, libc10_cuda.so and libnvrtc.so.13 (a
    # CUDA torch build) and the system FFmpeg libraries, so it does not load with CPU torch;
    # where it imports, the feature decodes to a VideoDecoder.
    try:
        from torchcodec.decoders import VideoDecoder
    except (ImportError, OSError, RuntimeError) as exc:
        pytest.skip(f"torchcodec does not load here: {str(exc).splitlines()[0][:160]}")
    ds = datasets.load_dataset(str(exported), split="test")
    decoder = ds[0]["video"]
    assert isinstance(decoder, VideoDecoder)
    record = _records(split_folders)[ds[0]["id"]]
    assert decoder.metadata.num_frames == record["video"]["num_frames"]
    assert tuple(decoder[0].shape) == (3, record["video"]["height"], record["video"]["width"])


def test_card_front_matter_parses_and_matches(exported, split_folders):
    text = (exported / "README.md").read_text()
    assert text.startswith("---\n")
    _, front, body = text.split("---\n", 2)
    meta = yaml.safe_load(front)
    assert meta["license"] == "apache-2.0"
    assert set(meta["task_categories"]) == {"video-text-to-text", "visual-question-answering"}
    assert datasets.Features._from_yaml_list(meta["dataset_info"]["features"]) == features()
    assert {s["name"]: s["num_examples"] for s in meta["dataset_info"]["splits"]} == {"train": 6, "val": 3, "test": 3}
    files = meta["configs"][0]["data_files"]
    for entry in files:
        assert sorted(exported.glob(entry["path"])), entry
    # The body is markdown with the generation settings and the audit of the train folder.
    assert "## How it was generated" in body and "## How it was audited" in body
    audit = yaml.safe_load((split_folders["train"] / "audit.json").read_text())["by_task"]
    for task, row in audit.items():
        assert f"| train | `{task}` | {row['checked']} | {row['mismatches']} | {row['errors']} |" in body
    from huggingface_hub import DatasetCard

    card = DatasetCard.load(exported / "README.md")
    assert card.data.license == "apache-2.0" and card.data.configs[0]["config_name"] == "default"


def test_export_is_deterministic(split_folders, exported, tmp_path):
    again = export_hf(list(split_folders.values()), tmp_path / "synrl-mini")
    for path in again.files:
        assert path.read_bytes() == (exported / path.relative_to(again.out)).read_bytes(), path


def test_bad_input_is_a_clear_error(split_folders, tmp_path):
    with pytest.raises(ExportError, match="no manifest.jsonl"):
        export_hf([tmp_path], tmp_path / "out")
    with pytest.raises(ExportError, match="is in both"):
        copy = tmp_path / "copy"
        shutil.copytree(split_folders["val"], copy)
        export_hf([split_folders["val"], copy], tmp_path / "out")
    with pytest.raises(ExportError, match="not a dataset folder"):
        export_hf([split_folders["val"]], split_folders["val"])


def test_cli_export_hf(split_folders, tmp_path):
    from typer.testing import CliRunner

    from synrl.cli import app

    out = tmp_path / "hf"
    result = CliRunner().invoke(app, ["export", "hf", str(split_folders["val"]), "--out", str(out),
                                      "--license", "cc-by-4.0"])
    assert result.exit_code == 0, result.output
    assert "val 3" in result.output
    assert "license: cc-by-4.0" in (out / "README.md").read_text()
    bad = CliRunner().invoke(app, ["export", "hf", str(tmp_path / "none"), "--out", str(out)])
    assert bad.exit_code == 2 and "is not a folder" in bad.output
