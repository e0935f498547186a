"""Benchmark loaders on small fixture files written in each benchmark's published format."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from synrl.eval.benchmarks import BenchmarkError, benchmark_names, load_benchmark
from synrl.eval.benchmarks.yaml_benchmark import register_yaml
from synrl.eval.scoring import score_prediction

FIXTURES = Path(__file__).parent / "fixtures"


def test_registry_lists_every_benchmark():
    for name in ("synthetic", "mvbench", "tempcompass", "videomme", "tomato", "vsibench", "charades_sta",
                 "nextgqa", "rextime"):
        assert name in benchmark_names()


def test_mvbench():
    samples = load_benchmark("mvbench", FIXTURES / "mvbench")
    by_id = {s.id: s for s in samples}
    first = by_id["action_sequence-00000"]
    assert first.answer == "A" and first.options["A"] == "Ate the medicine."
    assert first.clip == (11.1, 19.6)  # Action Sequence is bounded by start/end
    assert first.video.endswith("video/star/Charades_v1_480/3MSZA.mp4")
    assert by_id["action_sequence-00001"].answer == "D"
    direction = by_id["moving_direction-00000"]
    assert direction.answer == "C" and direction.clip is None
    assert direction.groups == {"task": "Moving Direction"}
    assert "Options:\nA. The object is stationary." in direction.prompt_text()


def test_tempcompass():
    samples = load_benchmark("tempcompass", FIXTURES / "tempcompass", {"formats": "multi-choice,yes_no"})
    by_id = {s.id: s for s in samples}
    speed = by_id["multi-choice-1008854609-speed-0"]
    assert speed.question == "What is the speed of the car in the video?"
    assert speed.options == {"A": "slow", "B": "normal", "C": "fast"} and speed.answer == "C"
    assert by_id["multi-choice-1008854609-direction-0"].answer == "B"
    yes_no = by_id["yes_no-1008854609-speed-0"]
    assert yes_no.answer_type == "yes_no" and yes_no.answer == "no"
    assert score_prediction(yes_no, "<answer>No</answer>").score == 1.0


def test_videomme_json_and_parquet(tmp_path):
    samples = load_benchmark("videomme", FIXTURES / "videomme")
    assert [s.answer for s in samples] == ["C", "B"]
    assert samples[0].options["C"] == "Berries."
    assert samples[0].video.endswith("data/fFjv93ACGo8.mp4")
    assert samples[0].groups["duration"] == "short"
    assert [s.id for s in load_benchmark("videomme", FIXTURES / "videomme", {"duration": "short"})] == ["001-1"]
    # the published parquet, same columns
    pd = pytest.importorskip("pandas")
    pytest.importorskip("pyarrow")
    rows = json.loads((FIXTURES / "videomme" / "videomme.json").read_text())
    (tmp_path / "videomme").mkdir()
    pd.DataFrame(rows).to_parquet(tmp_path / "videomme" / "test-00000-of-00001.parquet")
    from_parquet = load_benchmark("videomme", tmp_path)
    assert [(s.id, s.answer, s.options) for s in from_parquet] == [(s.id, s.answer, s.options) for s in samples]


def test_tomato():
    samples = load_benchmark("tomato", FIXTURES / "tomato")
    assert [s.id for s in samples] == ["direction-1", "direction-2"]
    assert samples[0].answer == "B" and samples[0].options["B"] == "Right"
    assert samples[0].video.endswith("videos/human/human_direction_1.mp4")
    assert samples[1].answer == "C"
    assert samples[1].groups == {"reasoning_type": "direction", "demonstration_type": "object"}


def test_vsibench_numeric_questions_use_mra():
    samples = {s.id: s for s in load_benchmark("vsibench", FIXTURES / "vsibench")}
    count = samples["0"]
    assert count.metric == "mra" and count.answer == 4.0
    assert count.video.endswith("arkitscenes/41069025.mp4")
    # 5 chairs vs 4: error 0.25 <= 1-θ for θ in 0.5..0.75 -> 6/10
    assert score_prediction(count, "<answer>5</answer>").score == pytest.approx(0.6)
    assert samples["1"].metric == "accuracy" and samples["1"].answer == "B"
    assert samples["2"].answer == pytest.approx(25.3)


def test_charades_sta():
    samples = load_benchmark("charades_sta", FIXTURES / "charades_sta")
    assert len(samples) == 3
    first = samples[0]
    assert first.answer == [[24.3, 30.4]] and first.metric == "grounding"
    assert "person turn a light on" in first.question
    assert first.video.endswith("Charades_v1_480/3MSZA.mp4")
    # predicted 24.3 to 30.4 exactly -> IoU 1
    assert score_prediction(first, "<answer>24.3 to 30.4</answer>").iou == pytest.approx(1.0)
    # 27.35 to 33.45 overlaps 3.05 of a 9.15 union -> IoU 1/3; IoP 3.05/6.1 = 0.5
    scored = score_prediction(first, "<answer>27.35 to 33.45</answer>")
    assert scored.iou == pytest.approx(1 / 3) and scored.iop == pytest.approx(0.5)


def test_charades_sta_rejects_malformed_lines(tmp_path):
    (tmp_path / "charades_sta_test.txt").write_text("3MSZA 24.3##no end\n")
    with pytest.raises(BenchmarkError, match="expected"):
        load_benchmark("charades_sta", tmp_path)


def test_nextgqa_grounding_and_qa():
    samples = load_benchmark("nextgqa", FIXTURES / "nextgqa")
    assert [s.id for s in samples] == ["4882821564-4", "4882821564-7"]
    two = samples[1]
    assert two.answer == [[12.1, 17.1], [20.0, 23.5]]
    assert two.video.endswith("NExTVideo/1006/4882821564.mp4")
    # best segment: prediction 20 to 23.5 matches the second exactly
    assert score_prediction(two, "<answer>20 to 23.5</answer>").iou == pytest.approx(1.0)
    qa = load_benchmark("nextgqa", FIXTURES / "nextgqa", {"task": "qa"})
    assert [s.answer for s in qa] == ["A", "B"]


def test_rextime_grounding_and_mc():
    samples = load_benchmark("rextime", FIXTURES / "rextime")
    assert samples[0].answer == [[35.4, 88.2]] and samples[0].video.endswith("videos/anet/v_qWQ4fgNnKzA.mp4")
    assert samples[1].answer == [[10.0, 25.5]] and "/videos/qvh/" in samples[1].video
    mc = load_benchmark("rextime", FIXTURES / "rextime", {"task": "mc"})
    assert [s.answer for s in mc] == ["A", "C"]


def test_missing_folder_explains_layout(tmp_path):
    with pytest.raises(BenchmarkError, match="charades_sta_test.txt"):
        load_benchmark("charades_sta", tmp_path / "nope")


def test_yaml_benchmark(tmp_path):
    (tmp_path / "qs.jsonl").write_text(
        json.dumps({"qid": 7, "video": "clip7", "q": "What moves first?", "cands": ["cat", "dog"], "ans": 1,
                    "kind": "order"}) + "\n")
    spec = tmp_path / "toy.yaml"
    spec.write_text("name: yaml_fixture_bench\nannotations: qs.jsonl\nid: 'q{qid}'\nvideo: 'videos/{video}.mp4'\n"
                    "question: q\noptions: cands\nanswer: ans\ngroups: [kind]\n")
    name = register_yaml(spec)
    [sample] = load_benchmark(name, tmp_path)
    assert (sample.id, sample.answer, sample.options, sample.groups) == ("q7", "B", {"A": "cat", "B": "dog"},
                                                                        {"kind": "order"})
    assert sample.video.endswith("videos/clip7.mp4")
