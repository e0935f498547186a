"""Frame sampling, the SFT collator's assistant-only labels, unreadable videos."""

from __future__ import annotations

import json

import pytest
import torch

from synrl.render.video import VideoError
from synrl.train.data import IGNORE_INDEX, BadVideoLog, VideoOptions, VideoSFTCollator, load_clip, sample_indices


def test_sample_indices():
    assert sample_indices(12, 4.0, 4, None, 64) == [0, 4, 7, 11]
    assert sample_indices(12, 4.0, None, 2.0, 64) == [0, 2, 4, 7, 9, 11]  # 3 s at 2 fps
    assert sample_indices(12, 4.0, 5, None, 64) == [0, 4, 7, 11]  # even: 2-frame temporal patches
    assert sample_indices(1, 4.0, 16, None, 64) == [0, 0]  # a 1-frame clip still makes one patch
    assert len(sample_indices(1000, 30.0, 64, None, 16)) == 16


def _rows(sft_jsonl, n=2):
    return [json.loads(line) for line in sft_jsonl.read_text().splitlines()[:n]]


@pytest.fixture()
def processor(tiny_models):
    from transformers import AutoProcessor

    return AutoProcessor.from_pretrained(tiny_models["qwen2_5_vl"])


def test_collator_batches_and_masks_all_but_the_assistant(processor, sft_jsonl, video_dataset):
    rows = _rows(sft_jsonl, 3)
    col = VideoSFTCollator(processor, VideoOptions(num_frames=4, max_pixels=4096), video_root=str(video_dataset))
    batch = col(rows)
    assert batch["input_ids"].shape[0] == 3 and batch["video_grid_thw"].shape[0] == 3
    tok = processor.tokenizer
    video_pad = tok.convert_tokens_to_ids("<|video_pad|>")
    for i, row in enumerate(rows):
        labels, ids = batch["labels"][i], batch["input_ids"][i]
        kept = labels != IGNORE_INDEX
        assert torch.equal(labels[kept], ids[kept])
        # exactly the assistant's text and its closing <|im_end|> are learned
        assert tok.decode(ids[kept]) == row["messages"][-1]["content"][0]["text"] + "<|im_end|>"
        # the learned tokens are one contiguous run at the end of the real tokens
        positions = kept.nonzero().flatten()
        assert positions[-1] - positions[0] + 1 == len(positions)
        assert not kept[ids == video_pad].any()
        assert not kept[batch["attention_mask"][i] == 0].any()


def test_unreadable_video_is_counted_never_replaced(processor, sft_jsonl, video_dataset, tmp_path):
    rows = _rows(sft_jsonl, 2)
    broken = tmp_path / "broken.mp4"
    broken.write_bytes(b"\x00\x00\x00 ftypisom not really a video")
    rows[1]["messages"][1]["content"][0]["video"] = str(broken)
    bad = BadVideoLog(max_fraction=0.9)
    col = VideoSFTCollator(processor, VideoOptions(num_frames=4, max_pixels=4096), video_root=str(video_dataset),
                           bad=bad)
    batch = col(rows)
    assert batch["input_ids"].shape[0] == 1 and batch["video_grid_thw"].shape[0] == 1  # dropped, not replaced
    assert bad.summary()["bad_videos"] == 1 and bad.bad == [str(broken)]
    strict = VideoSFTCollator(processor, VideoOptions(num_frames=4), video_root=str(video_dataset))
    with pytest.raises(VideoError, match="broken.mp4"):
        strict(rows)


def test_load_clip_missing_file(tmp_path):
    with pytest.raises(VideoError, match="no such file"):
        load_clip(tmp_path / "nope.mp4")


def test_permuted_clip_keeps_frames(video_dataset):
    path = next((video_dataset / "videos").glob("*.mp4"))
    clip = load_clip(path, num_frames=4)
    shuffled = clip.permuted([2, 0, 3, 1])
    assert torch.equal(torch.from_numpy(shuffled.frames[0]), torch.from_numpy(clip.frames[2]))
    assert shuffled.indices == clip.indices  # timestamps stay in place; content moves


def test_unreadable_videos_are_counted_across_dataloader_workers(tiny_models, sft_jsonl, video_dataset, tmp_path):
    """With 2 DataLoader worker processes the count reaches the summary (it was 0 when kept in the workers)."""
    from conftest import TINY_TRAIN, run_cli

    rows = [json.loads(line) for line in sft_jsonl.read_text().splitlines()]
    broken = tmp_path / "broken.mp4"
    broken.write_bytes(b"\x00\x00\x00 ftypisom not really a video")
    rows[1]["messages"][1]["content"][0]["video"] = str(broken)
    data = tmp_path / "sft.jsonl"
    data.write_text("".join(json.dumps(r) + "\n" for r in rows))
    out = tmp_path / "sft"
    sets = [s for s in TINY_TRAIN if not s.startswith("train.dataloader_num_workers")]
    sets += ["train.dataloader_num_workers=2", "video.max_bad_video_fraction=0.9", "train.num_train_epochs=1",
             "train.per_device_train_batch_size=2", f"video_root={video_dataset}"]
    run_cli("train", "sft", "--model", tiny_models["qwen2_vl"], "--data", data, "-o", out,
            *[x for s in sets for x in ("--set", s)])
    summary = json.loads((out / "synrl_summary.json").read_text())
    assert summary["bad_videos"] == 1 and summary["bad_video_paths"] == [str(broken)]
    assert summary["videos_seen"] == len(rows)
