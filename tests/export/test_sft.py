"""The SFT mixture: CoT targets for synthetic samples, answer-only general QA at an exact ratio."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
import typer
from typer.testing import CliRunner

from synrl import qa
from synrl.cot import write_grounded_cot
from synrl.cli.cot import register
from synrl.export import SFTConfig, SFTError, build_sft, general_count, load_general_qa
from synrl.dataset import load_dataset

VIDEO_R1_KEYS = {"problem_id", "problem", "data_type", "problem_type", "options", "process", "solution", "path",
                 "data_source"}


def write_general(folder: Path, count: int, *, jsonl: bool = True) -> Path:
    """A LLaVA-Video style file with ``count`` entries and their (tiny, fake) video files."""
    (folder / "clips").mkdir(parents=True, exist_ok=True)
    rows = []
    for i in range(count):
        (folder / "clips" / f"v{i}.mp4").write_bytes(b"not really a video")
        rows.append({"id": f"gen-{i}", "video": f"clips/v{i}.mp4", "data_source": "llava_video_test",
                     "conversations": [{"from": "human", "value": f"<video>\nWhat happens in clip {i}?"},
                                       {"from": "gpt", "value": f"Answer {i}."}]})
    path = folder / ("general.jsonl" if jsonl else "general.json")
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n" if jsonl else json.dumps(rows))
    return path


def read_rows(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text().splitlines()]


@pytest.fixture()
def with_cot(dataset: Path) -> Path:
    assert write_grounded_cot(dataset).ok
    return dataset


def test_general_count_makes_the_exact_share():
    assert general_count(85, 0.15) == 15
    assert general_count(8, 0.2) == 2
    assert general_count(8, 0.0) == 0
    assert general_count(0, 0.5) == 0


def test_mixture_rows_are_trl_conversations(with_cot: Path, tmp_path: Path):
    general = write_general(tmp_path / "general", 10)
    out = tmp_path / "sft" / "train.jsonl"
    result = build_sft(SFTConfig(folder=with_cot, out=out, general=general, general_ratio=0.2))
    records = {r["id"]: r for r in load_dataset(with_cot)}
    cots = {json.loads(line)["id"]: json.loads(line)["cot"] for line in (with_cot / "cot.jsonl").read_text().splitlines()}
    rows = read_rows(out)
    assert result.synthetic == len(records) == 8 and result.general == 2 and len(rows) == 10
    assert result.ratio == pytest.approx(0.2)
    assert sum(row["source"] == "general" for row in rows) == 2
    for row in rows:
        system, user, assistant = row["messages"]
        # answer-only general QA is not trained under the prompt that asks to think
        prompt = qa.SYSTEM_PROMPT if row["source"] == "synthetic" else qa.ANSWER_ONLY_SYSTEM_PROMPT
        assert system == {"role": "system", "content": [{"type": "text", "text": prompt}]}
        assert user["role"] == "user" and [p["type"] for p in user["content"]] == ["video", "text"]
        assert Path(user["content"][0]["video"]).is_absolute() and Path(user["content"][0]["video"]).is_file()
        assert assistant["role"] == "assistant"
        target = assistant["content"][0]["text"]
        if row["source"] == "synthetic":
            record = records[row["id"]]
            assert user["content"][1]["text"] == qa.user_prompt(record)
            assert target == cots[row["id"]] and row["task"] == record["task"]
        else:
            n = row["id"].split("-")[1]
            assert user["content"][1]["text"] == f"What happens in clip {n}?" and target == f"Answer {n}."


def test_mixture_is_deterministic_and_seeded(with_cot: Path, tmp_path: Path):
    general = write_general(tmp_path / "general", 20, jsonl=False)
    config = SFTConfig(folder=with_cot, out=tmp_path / "a.jsonl", general=general, general_ratio=0.5)
    build_sft(config)
    build_sft(config.model_copy(update={"out": tmp_path / "b.jsonl"}))
    assert (tmp_path / "a.jsonl").read_bytes() == (tmp_path / "b.jsonl").read_bytes()
    build_sft(config.model_copy(update={"out": tmp_path / "c.jsonl", "seed": 1}))
    ids = lambda p: [row["id"] for row in read_rows(p)]  # noqa: E731
    assert ids(tmp_path / "a.jsonl") != ids(tmp_path / "c.jsonl")
    assert len(ids(tmp_path / "c.jsonl")) == 16


def test_too_little_general_data_is_an_error(with_cot: Path, tmp_path: Path):
    general = write_general(tmp_path / "general", 1)
    with pytest.raises(SFTError, match="needs 2 general QA items.*has 1"):
        build_sft(SFTConfig(folder=with_cot, out=tmp_path / "x.jsonl", general=general, general_ratio=0.2))


def test_general_qa_formats(tmp_path: Path):
    path = tmp_path / "multi.json"
    path.write_text(json.dumps([{"id": "m", "video": "a.mp4", "conversations": [
        {"from": "human", "value": "<video>\nFirst?"}, {"from": "gpt", "value": "One."},
        {"from": "human", "value": "Second?"}, {"from": "gpt", "value": "Two."}]}]))
    items = load_general_qa(path)
    assert [(i["id"], i["question"], i["answer"]) for i in items] == [("m#0", "First?", "One."),
                                                                    ("m#1", "Second?", "Two.")]
    path.write_text(json.dumps([{"id": "m", "video": "a.mp4", "conversations": "nope"}]))
    with pytest.raises(SFTError, match="entry 1"):
        load_general_qa(path)
    path.write_text("{not json")
    with pytest.raises(SFTError, match="not JSON"):
        load_general_qa(path)


def test_video_r1_json_and_relative_paths(with_cot: Path, tmp_path: Path):
    # Video-R1's layout: everything under a Video-R1-data folder next to the working directory
    data = tmp_path / "Video-R1-data"
    shutil.copytree(with_cot, data / "synrl")
    general = write_general(data / "general", 4)
    out, r1 = tmp_path / "out" / "sft.jsonl", data / "video_r1.json"
    build_sft(SFTConfig(folder=data / "synrl", out=out, general=general, general_ratio=0.2, video_r1_out=r1,
                        paths="relative", general_target="answer_tag"))
    for row in read_rows(out):
        video = row["messages"][1]["content"][0]["video"]
        assert not Path(video).is_absolute() and (out.parent / video).is_file()
        if row["source"] == "general":
            assert row["messages"][2]["content"][0]["text"].startswith("<answer>Answer ")
    entries = json.loads(r1.read_text())
    records = {r["id"]: r for r in load_dataset(with_cot)}
    assert [e["problem_id"] for e in entries] == list(range(1, 11))
    for entry in entries:
        assert VIDEO_R1_KEYS <= set(entry) and entry["data_type"] == "video"
        # Video-R1's loader (grpo_trainer.py / sft_video.py): os.getcwd() + "/Video-R1-data" + path[1:]
        assert entry["path"].startswith("./")
        assert Path(str(tmp_path) + "/Video-R1-data" + entry["path"][1:]).is_file()
        assert entry["solution"].startswith("<answer>") and entry["solution"].endswith("</answer>")
        if entry["data_source"].startswith("synrl/"):
            record = records[entry["id"]]
            assert entry["problem"] == record["question"]
            assert entry["process"].startswith("<think>") and entry["process"].endswith("</think>")
            assert entry["solution"] == f"<answer>{qa.answer_for(record)}</answer>"
            expected_type = {"multiple_choice": "multiple choice", "number": "numerical"}.get(
                record["answer_type"], "free-form")
            assert entry["problem_type"] == expected_type
            if record["options"]:
                assert entry["options"] == [f"{k}. {v}" for k, v in sorted(record["options"].items())]
        else:
            assert entry["process"] == "" and entry["problem_type"] == "free-form" and entry["options"] == []


def test_video_r1_videos_outside_its_data_folder_are_an_error(with_cot: Path, tmp_path: Path):
    with pytest.raises(SFTError, match="not inside"):
        build_sft(SFTConfig(folder=with_cot, out=tmp_path / "s.jsonl", video_r1_out=tmp_path / "r1" / "v.json"))
    # naming the folder that holds the dataset fixes it
    build_sft(SFTConfig(folder=with_cot, out=tmp_path / "s.jsonl", video_r1_out=tmp_path / "r1" / "v.json",
                        video_r1_data=with_cot.parent))


def test_model_cot_wins_and_samples_without_cot_are_left_out(with_cot: Path, tmp_path: Path):
    lines = [json.loads(line) for line in (with_cot / "cot.jsonl").read_text().splitlines()]
    first, second = lines[0], lines[1]
    model_line = {**first, "source": "model", "cot": first["cot"].replace("<think>", "<think>Polished. ")}
    dropped = {**second, "source": "model", "status": "dropped", "cot": None}
    (with_cot / "cot_model.jsonl").write_text(json.dumps(model_line) + "\n" + json.dumps(dropped) + "\n")
    result = build_sft(SFTConfig(folder=with_cot, out=tmp_path / "s.jsonl"))
    rows = {row["id"]: row for row in read_rows(tmp_path / "s.jsonl")}
    assert rows[first["id"]]["messages"][2]["content"][0]["text"].startswith("<think>Polished. ")
    assert rows[second["id"]]["messages"][2]["content"][0]["text"] == second["cot"]  # grounded fallback
    assert result.cot_sources == {"model": 1, "grounded": 7}
    only_model = build_sft(SFTConfig(folder=with_cot, out=tmp_path / "m.jsonl", cot=[with_cot / "cot_model.jsonl"]))
    assert only_model.synthetic == 1 and only_model.without_cot == 7


def test_missing_videos_fail_unless_told(with_cot: Path, tmp_path: Path):
    next((with_cot / "videos").iterdir()).unlink()
    with pytest.raises(SFTError, match="videos are missing"):
        build_sft(SFTConfig(folder=with_cot, out=tmp_path / "s.jsonl"))
    assert build_sft(SFTConfig(folder=with_cot, out=tmp_path / "s.jsonl", check_videos=False)).synthetic == 8


def test_sft_data_command(with_cot: Path, tmp_path: Path):
    app = typer.Typer()
    register(app)
    runner = CliRunner()
    general = write_general(tmp_path / "general", 4)
    r1 = tmp_path / "r1.json"
    result = runner.invoke(app, ["sft-data", str(with_cot), "--general", str(general), "--general-ratio", "0.2",
                                 "--video-r1", str(r1)])
    assert result.exit_code == 0, result.output
    assert "8 synthetic (8 grounded) + 2 general (20.0%)" in result.output
    assert len(read_rows(with_cot / "sft.jsonl")) == 10 and len(json.loads(r1.read_text())) == 10
    result = runner.invoke(app, ["sft-data", str(tmp_path / "nowhere")])
    assert result.exit_code == 2


def test_a_chain_that_does_not_parse_stops_the_export(with_cot, tmp_path):
    """No silent empty think block: a passed line whose chain lost its tags is an error."""
    path = with_cot / "cot.jsonl"
    lines = [json.loads(line) for line in path.read_text().splitlines()]
    lines[0]["cot"] = "The ball bounced twice, so the answer is 2."
    path.write_text("".join(json.dumps(line) + "\n" for line in lines))
    with pytest.raises(SFTError, match=rf"1 chains of thought are not <think>.*e\.g\. {lines[0]['id']}"):
        build_sft(SFTConfig(folder=with_cot, out=tmp_path / "x.jsonl", video_r1_out=tmp_path / "r1.json"))
    assert not (tmp_path / "x.jsonl").exists() and not (tmp_path / "r1.json").exists()
