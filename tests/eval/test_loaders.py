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


def test_mvbench_tvqa_is_a_bounded_frame_folder():
    [episode] = load_benchmark("mvbench", FIXTURES / "mvbench", {"tasks": "episodic_reasoning"})
    assert episode.video.endswith("video/tvqa/frames_fps3_hq/castle_s07e04_seg02_clip_14")
    assert episode.clip == (12.5, 41.0) and episode.answer == "C"
    assert episode.groups == {"task": "Episodic Reasoning"}
    with pytest.raises(BenchmarkError, match="unknown task"):
        load_benchmark("mvbench", FIXTURES / "mvbench", {"tasks": "episodic"})


def test_tempcompass():
    samples = load_benchmark("tempcompass", FIXTURES / "tempcompass", {"formats": "multi-choice,yes_no"})
    by_id = {s.id: s for s in samples}
    speed = by_id["multi-choice-1008854609-speed-0"]
    assert speed.question == "What is the speed of the car in the video?"
    assert speed.options == {"A": "slow", "B": "normal", "C": "fast"} and speed.answer == "C"
    assert speed.video.endswith("videos/1008854609.mp4")
    assert by_id["multi-choice-1008854609-direction-0"].answer == "B"
    # the reversed ("conflicting") clip is its own video with the opposite answer
    reverse = by_id["multi-choice-1008854609_reverse-direction-0"]
    assert reverse.answer == "A" and reverse.video.endswith("videos/1008854609_reverse.mp4")
    yes_no = by_id["yes_no-1008854609-speed-0"]
    assert yes_no.answer_type == "yes_no" and yes_no.answer == "no"
    assert score_prediction(yes_no, "<answer>No</answer>").score == 1.0


def test_tempcompass_caption_matching():
    samples = load_benchmark("tempcompass", FIXTURES / "tempcompass", {"formats": "caption_matching"})
    first, second = samples
    assert first.id == "caption_matching-1008854609-direction-0"
    assert first.question == "Which description is a more suitable match for the video?"
    # "Option 1/2" and "Caption A/B" labels both become A, B
    assert first.options == {"A": "The car is moving to the left.", "B": "The car is moving to the right."}
    assert first.answer == "B" and second.answer == "A"
    assert second.options["B"] == "The car is standing still."


def test_tempcompass_lmms_lab_parquet(tmp_path):
    pd = pytest.importorskip("pandas")
    pytest.importorskip("pyarrow")
    (tmp_path / "multi-choice").mkdir()
    pd.DataFrame([
        {"video_id": "1008854609", "question": "What is the speed of the car?\nA. slow\nB. normal\nC. fast",
         "answer": "C. fast", "dim": "speed"},
        {"video_id": "1008854609", "question": "How fast does the car go?\nA. fast\nB. slow", "answer": "A. fast",
         "dim": "speed"},
    ]).to_parquet(tmp_path / "multi-choice" / "test-00000-of-00001.parquet")
    samples = load_benchmark("tempcompass", tmp_path)
    assert [(s.id, s.answer) for s in samples] == [("multi-choice-1008854609-speed-0", "C"),
                                                   ("multi-choice-1008854609-speed-1", "A")]
    assert samples[0].video.endswith("videos/1008854609.mp4")


#: Two rows of lmms-lab/Video-MME's videomme/test-00000-of-00001.parquet (same columns).
VIDEOMME_ROWS = [
    {"video_id": "001", "duration": "short", "domain": "Knowledge", "sub_category": "Humanity & History",
     "url": "https://www.youtube.com/watch?v=fFjv93ACGo8", "videoID": "fFjv93ACGo8", "question_id": "001-1",
     "task_type": "Counting Problem", "question": "Which kind of the decoration has the largest number?",
     "options": ["A. Apples.", "B. Candles.", "C. Berries.", "D. The three kinds are of the same number."],
     "answer": "C"},
    {"video_id": "301", "duration": "medium", "domain": "Sports Competition", "sub_category": "Football",
     "url": "https://www.youtube.com/watch?v=xyzABC", "videoID": "xyzABC", "question_id": "301-2",
     "task_type": "Temporal Reasoning", "question": "What happens first?",
     "options": ["A. A goal.", "B. A foul.", "C. A corner.", "D. A substitution."], "answer": "B"},
]


def test_videomme_parquet(tmp_path):
    pd = pytest.importorskip("pandas")
    pytest.importorskip("pyarrow")
    (tmp_path / "videomme").mkdir()
    pd.DataFrame(VIDEOMME_ROWS).to_parquet(tmp_path / "videomme" / "test-00000-of-00001.parquet")
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "xyzABC.mkv").write_bytes(b"")  # a few released files are not .mp4
    samples = load_benchmark("videomme", tmp_path)
    assert [(s.id, s.answer) for s in samples] == [("001-1", "C"), ("301-2", "B")]
    assert samples[0].options == {"A": "Apples.", "B": "Candles.", "C": "Berries.",
                                  "D": "The three kinds are of the same number."}
    assert samples[0].video.endswith("data/fFjv93ACGo8.mp4")
    assert samples[1].video.endswith("data/xyzABC.mkv")
    assert samples[0].groups == {"duration": "short", "task_type": "Counting Problem", "domain": "Knowledge"}
    assert [s.id for s in load_benchmark("videomme", tmp_path, {"duration": "short"})] == ["001-1"]


def test_videomme_needs_the_parquet(tmp_path):
    with pytest.raises(BenchmarkError, match="test-00000-of-00001.parquet"):
        load_benchmark("videomme", tmp_path)


def test_tomato():
    samples = load_benchmark("tomato", FIXTURES / "tomato")
    assert [s.id for s in samples] == ["direction-0", "direction-1", "direction-10"]  # numeric key order
    first = samples[0]
    assert first.answer == "C" and first.options["C"] == "Right."  # answer is a 0-based index
    assert first.question == "In which direction(s) did the person's hand move?"
    assert first.video.endswith("videos/human/0231-04.mp4")
    assert samples[1].answer == "A" and samples[1].video.endswith("videos/object/0412-02.mp4")
    assert samples[2].groups == {"reasoning_type": "direction", "demonstration_type": "simulated"}


def test_vsibench_numeric_questions_use_mra():
    samples = {s.id: s for s in load_benchmark("vsibench", FIXTURES / "vsibench")}
    count = samples["0"]
    assert count.metric == "mra" and count.answer == 4.0
    assert count.video.endswith("arkitscenes/41069025.mp4")
    # 5 chairs vs 4: error 0.25 <= 1-θ for θ in 0.5..0.75 -> 6/10
    assert score_prediction(count, "<answer>5</answer>").score == pytest.approx(0.6)
    assert samples["1"].metric == "accuracy" and samples["1"].answer == "B"
    assert samples["1"].options == {"A": "table", "B": "sofa", "C": "lamp"}
    assert samples["2"].answer == pytest.approx(25.3)


def test_vsibench_parquet_releases_and_debiased_subset(tmp_path):
    pd = pytest.importorskip("pandas")
    pytest.importorskip("pyarrow")
    rows = [json.loads(line) for line in (FIXTURES / "vsibench" / "test.jsonl").read_text().splitlines()]
    pd.DataFrame(rows).to_parquet(tmp_path / "test-00000-of-00001.parquet", index=False)  # first release
    pd.DataFrame(rows[1:]).to_parquet(tmp_path / "test_debiased.parquet", index=False)
    assert [s.id for s in load_benchmark("vsibench", tmp_path)] == ["0", "1", "2"]
    debiased = load_benchmark("vsibench", tmp_path, {"subset": "debiased"})
    assert [(s.id, s.answer) for s in debiased] == [("1", "B"), ("2", pytest.approx(25.3))]
    with pytest.raises(BenchmarkError, match="subset"):
        load_benchmark("vsibench", tmp_path, {"subset": "tiny"})


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
    assert [s.id for s in samples] == ["anet_val384", "qvh_val114"]
    assert samples[0].answer == [[35.4, 88.2]]
    assert samples[0].video.endswith("Anet_videos_15fps_short256/v_qWQ4fgNnKzA.mp4")
    assert samples[0].groups == {"source": "anet", "category": "sequential"}
    assert samples[1].answer == [[10.0, 25.5]] and samples[1].video.endswith("/videos/j7rJstUseKg_360.0_510.0.mp4")
    assert "Why does the woman laugh?" in samples[1].question
    mc = load_benchmark("rextime", FIXTURES / "rextime", {"task": "mc"})
    assert [s.answer for s in mc] == ["A", "C"]
    assert mc[1].options["C"] == "She falls." and mc[1].question == "Why does the woman laugh?"


def test_rextime_github_ground_truth_and_video_folders(tmp_path):
    root = FIXTURES / "rextime_gt"  # a clone of github.com/ReXTime/ReXTime: data/rextime_val.jsonl
    samples = load_benchmark("rextime", root, {"qvh_videos": str(tmp_path / "qvh"), "anet_videos": "anet"})
    assert [s.id for s in samples] == ["qvh_val114", "anet_val384"]
    assert samples[0].answer == [[10.0, 25.5]] and samples[0].groups == {"source": "qvhighlights"}
    assert samples[0].video == str(tmp_path / "qvh" / "j7rJstUseKg_360.0_510.0.mp4")
    assert samples[1].video.endswith("rextime_gt/anet/v_qWQ4fgNnKzA.mp4")
    with pytest.raises(BenchmarkError, match="options"):
        load_benchmark("rextime", root, {"task": "mc"})


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


PARITY = FIXTURES / "parity"


def test_nextgqa_duplicated_option_takes_the_first_match():
    # Real test.csv row: video 3842638015 qid 4 lists "happy" as both a3 and a4; NExT-GQA's
    # loader (choices.index(answer)) takes the first, D. This row used to stop the qa task.
    qa = {s.id: s for s in load_benchmark("nextgqa", PARITY / "nextgqa", {"task": "qa"})}
    happy = qa["3842638015-4"]
    assert happy.options["D"] == happy.options["E"] == "happy" and happy.answer == "D"
    assert score_prediction(happy, "<answer>D</answer>").score == 1.0
    assert score_prediction(happy, "<answer>E</answer>").score == 0.0


def test_grounded_qa_tasks_pair_both_halves():
    gqa = load_benchmark("nextgqa", PARITY / "nextgqa", {"task": "gqa"})
    assert len(gqa) == 20 and gqa[0].id == "3842638015-7/qa" and gqa[1].id == "3842638015-7/ground"
    assert gqa[0].answer_type == "multiple_choice" and gqa[1].metric == "grounding"
    rex = load_benchmark("rextime", PARITY / "rextime" / "gqa", {"task": "gqa"})
    assert [s.id for s in rex[:2]] == ["anet_val867/qa", "anet_val867/ground"]
    assert rex[1].answer == [[1.0, 1.0]]  # one of ReXTime val's two point segments
    with pytest.raises(BenchmarkError, match="task must be"):
        load_benchmark("nextgqa", PARITY / "nextgqa", {"task": "both"})


def test_yaml_benchmark_matches_option_texts_before_letters(tmp_path):
    # MVBench character_order: the options are letters and the answer is an option's text
    # ("c" is option B here, not option C).
    (tmp_path / "qs.json").write_text(json.dumps([
        {"video": "video_10019", "question": "What letter did the person write first on the paper?",
         "candidates": ["a", "c", "b"], "answer": "c"},
        {"video": "video_10020", "question": "Which is it?", "candidates": ["left", "right"], "answer": "B"}]))
    spec = tmp_path / "order.yaml"
    spec.write_text("name: yaml_character_order\nannotations: qs.json\nid: '{video}'\nvideo: '{video}.mp4'\n"
                    "question: question\noptions: candidates\nanswer: answer\n")
    first, second = load_benchmark(register_yaml(spec), tmp_path)
    assert first.answer == "B"
    assert second.answer == "B"  # an answer that is no option text is still read as a letter


def test_charades_sta_layout_names_a_real_annotation_source():
    from synrl.eval.benchmarks import get_benchmark

    layout = get_benchmark("charades_sta").layout
    assert "microsoft/VideoX" in layout and "2D-TAN/data/Charades-STA/charades_sta_test.txt" in layout
    # the fixture holds ten lines of that file, read in its format
    samples = load_benchmark("charades_sta", PARITY / "charades_sta")
    assert len(samples) == 10 and samples[0].answer == [[24.3, 30.4]] and samples[0].id == "3MSZA-00001"
