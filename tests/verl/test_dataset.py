"""verl's own RLHFDataset (and synrl's subclass) reads `synrl export verl` parquet and yields videos."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

pytest.importorskip("verl", reason="verl is tested in its own environment (.ci/envs.sh verl_env)")
import torch
from omegaconf import OmegaConf
from transformers import AutoProcessor
from verl.utils.dataset.rl_dataset import RLHFDataset

from synrl.export.verl import VerlVideoOptions, export_verl
from synrl.verl.plugin import SynrlVideoDataset
from synrl.verl.tgrpo import frame_permutation

OPTS = VerlVideoOptions(nframes=4, min_pixels=28 * 28, max_pixels=56 * 56)


def _dataset(cls, parquet: Path, processor, tmp_path: Path, max_prompt_length: int):
    # workers None: in-process. datasets 5 forks a pool even for num_proc=1, and a fork after
    # torch's and decord's threads started can deadlock (it did, in CI).
    config = OmegaConf.create({"max_prompt_length": max_prompt_length, "filter_overlong_prompts": True,
                               "filter_overlong_prompts_workers": None, "cache_dir": str(tmp_path / "cache"),
                               "prompt_key": "prompt", "video_key": "videos", "return_raw_chat": True})
    return cls(data_files=[str(parquet)], tokenizer=processor.tokenizer, config=config, processor=processor)


def _video_inputs(dataset, item: dict, processor):
    images, videos = asyncio.run(type(dataset).process_vision_info(item["raw_prompt"], 14, dataset.config))
    frames, metadata = zip(*videos)
    text = processor.apply_chat_template(item["raw_prompt"], add_generation_prompt=True, tokenize=False)
    inputs = processor(text=[text], images=images, videos=list(frames), video_metadata=list(metadata),
                       do_sample_frames=False, return_tensors="pt")
    return frames[0], inputs


def test_verl_dataset_yields_video_tensors(rl_data: Path, tiny_model: Path, tmp_path: Path) -> None:
    processor = AutoProcessor.from_pretrained(tiny_model)
    parquet = tmp_path / "train.parquet"
    result = export_verl([rl_data], parquet, video=OPTS, processor=processor, max_prompt_length=1024)
    # the limit at the export's longest prompt: verl's filter must keep every row (the export's
    # length is exactly the one verl computes)
    dataset = _dataset(RLHFDataset, parquet, processor, tmp_path, result.max_prompt_tokens)
    assert len(dataset) == result.rows == 8
    too_tight = _dataset(RLHFDataset, parquet, processor, tmp_path / "b", result.max_prompt_tokens - 1)
    assert len(too_tight) < 8
    item = dataset[0]
    assert item["data_source"].startswith("synrl/")
    assert [part["type"] for part in item["raw_prompt"][1]["content"]][0] == "video"
    frames, inputs = _video_inputs(dataset, item, processor)
    assert frames.shape[0] == 4 and tuple(frames.shape[2:]) == (56, 56)
    assert inputs["pixel_values_videos"].ndim == 2 and inputs["pixel_values_videos"].shape[0] > 0
    assert inputs["video_grid_thw"].tolist() == [[2, 4, 4]]
    video_pad = processor.tokenizer.convert_tokens_to_ids("<|video_pad|>")
    assert int((inputs["input_ids"] == video_pad).sum()) == item["extra_info"]["video_tokens"] == 8


def test_shuffled_twin_gets_permuted_frames(rl_data: Path, tiny_model: Path, tmp_path: Path) -> None:
    processor = AutoProcessor.from_pretrained(tiny_model)
    parquet = export_verl([rl_data], tmp_path / "t.parquet", video=OPTS, processor=processor, tgrpo=True).out
    dataset = _dataset(SynrlVideoDataset, parquet, processor, tmp_path, 1024)
    assert len(dataset) == 16
    ordered, shuffled = dataset[0], dataset[1]
    assert shuffled["extra_info"]["tgrpo_role"] == "shuffled"
    assert shuffled["extra_info"]["tgrpo_group"] == ordered["extra_info"]["tgrpo_group"]
    frames_o, inputs_o = _video_inputs(dataset, ordered, processor)
    frames_s, inputs_s = _video_inputs(dataset, shuffled, processor)
    seed = shuffled["raw_prompt"][1]["content"][0]["synrl_shuffle_seed"]
    order = torch.as_tensor(frame_permutation(4, seed))
    assert not torch.equal(order, torch.arange(4))
    assert torch.equal(frames_s, frames_o[order])
    assert torch.equal(inputs_s["input_ids"], inputs_o["input_ids"])  # same prompt, same token count
    assert not torch.equal(inputs_s["pixel_values_videos"], inputs_o["pixel_values_videos"])


@pytest.mark.parametrize("cls", [RLHFDataset, SynrlVideoDataset])
def test_rows_that_do_not_decode_never_reach_verl(cls, rl_data: Path, tiny_model: Path, tmp_path: Path) -> None:
    # the export refuses them (tests/export/test_verl.py); here: verl's own filter would drop
    # such a row silently, which is why the export decodes every video first
    import pyarrow as pa
    import pyarrow.parquet as pq

    processor = AutoProcessor.from_pretrained(tiny_model)
    parquet = export_verl([rl_data], tmp_path / "x.parquet", video=OPTS).out
    rows = pq.read_table(parquet).to_pylist()
    broken = tmp_path / "broken.mp4"
    broken.write_bytes(b"not a video")
    rows[0]["videos"][0]["video"] = broken.as_uri()
    pq.write_table(pa.Table.from_pylist(rows), tmp_path / "y.parquet")
    assert len(_dataset(cls, tmp_path / "y.parquet", processor, tmp_path / "c", 1024)) == len(rows) - 1
