"""What the six long-term tasks share (synrl.suite._longterm.base): the three phases, the reveal
option, the curriculum, question modes and balanced answer letters."""

from collections import Counter

import pytest

from synrl.config import VideoOptions
from synrl.generate import SampleRequest, build_sample
from synrl.suite import get_task
from synrl.suite.base import TaskError, VideoSpec
from synrl.suite._longterm.base import make_schedule

LONG_TERM = ["cards", "chips", "file_system", "math_trail", "grid_swap", "sliding_puzzle"]


def request(task_id, index, difficulty=1, types=("mc", "open"), video=None, round=1,
            **options):
    return SampleRequest(task_id, "train", 0, index, difficulty, types, video or VideoOptions(),
                         tuple(sorted(options.items())), round)


def test_schedule_has_reveal_operations_and_final_reveal():
    s = make_schedule(VideoSpec(), 3, 0.5)
    # 2 s reveal, 0.5 s settle, three 0.5 s operations 0.25 s apart, 0.5 s settle, 2 s reveal.
    assert s.reveal_frames == 60
    assert s.op_spans == ((75, 89), (98, 112), (121, 135))
    assert (s.final_start, s.num_frames) == (151, 211)
    assert [s.phase(f) for f in (0, 59, 60, 150, 151, 210)] == \
        ["initial", "initial", "operations", "operations", "final", "final"]
    assert s.active(75) == (0, 0.0) and s.active(89) == (0, 1.0) and s.active(90) is None
    assert [s.completed(f) for f in (89, 90, 150)] == [0, 1, 3]
    slow = make_schedule(VideoSpec(duration_scale=2.0), 3, 0.5)
    assert slow.num_frames == pytest.approx(2 * s.num_frames, abs=4)


@pytest.mark.parametrize("task_id", LONG_TERM)
def test_timeline_states_and_reveal_events(task_id):
    for reveal in ("initial", "final"):
        record = build_sample(request(task_id, 0, 2, reveal=reveal)).record
        timeline = record["timeline"]
        assert (timeline[0]["type"], timeline[-1]["type"]) == ("initial_reveal", "final_reveal")
        assert (timeline[0]["visible"], timeline[-1]["visible"]) == (reveal == "initial",
                                                                     reveal == "final")
        ops = timeline[1:-1]
        assert [e["step"] for e in ops] == list(range(1, len(ops) + 1))
        assert len(record["states"]) == len(ops) + 1
        assert all(a["end_frame"] < b["start_frame"] for a, b in zip(ops, ops[1:]))
        assert timeline[0]["end_frame"] < ops[0]["start_frame"]
        assert ops[-1]["end_frame"] < timeline[-1]["start_frame"]
        # Operations are shown for 0.5-1 s (times the pace of the video, within 15%), never
        # for fewer frames than a 2 fps sampling needs to catch one (15 at 30 fps).
        assert all(15 <= e["end_frame"] - e["start_frame"] + 1 <= 36 for e in ops)


@pytest.mark.parametrize("task_id", LONG_TERM)
def test_every_question_mode_exists(task_id):
    task = get_task(task_id)
    modes = set()
    for index in range(2 * len(task.templates)):
        modes.add(build_sample(request(task_id, index, 3)).record["query"]["mode"])
    assert modes == {"forward", "retrodiction", "history", "counting"}


@pytest.mark.parametrize("task_id", LONG_TERM)
def test_mixed_reveal_alternates_and_the_option_forces_one(task_id):
    n = len(get_task(task_id).templates)
    mixed = {build_sample(request(task_id, i)).record["scene"]["reveal"] for i in range(2 * n)}
    assert mixed == {"initial", "final"}
    assert {build_sample(request(task_id, i, reveal="final")).record["scene"]["reveal"]
            for i in range(n)} == {"final"}
    with pytest.raises(TaskError):
        get_task(task_id).resolve_options({"reveal": "both"})


@pytest.mark.parametrize("task_id", LONG_TERM)
def test_round2_doubles_the_operations_and_the_duration_at_the_same_pace(task_id):
    def measure(round):
        ops = frames = op_frames = 0
        for i in range(6):
            record = build_sample(request(task_id, i, 2, round=round)).record
            events = record["timeline"][1:-1]
            ops += len(events)
            frames += record["video"]["num_frames"]
            op_frames += sum(e["end_frame"] - e["start_frame"] + 1 for e in events)
        return ops, frames, op_frames / ops
    ops1, frames1, pace1 = measure(1)
    ops2, frames2, pace2 = measure(2)
    assert ops2 >= 1.7 * ops1
    assert 1.7 * frames1 <= frames2 <= 2.3 * frames1
    # The same pace per operation: round 2 is not slow motion.
    assert 0.8 * pace1 <= pace2 <= 1.25 * pace1


@pytest.mark.parametrize("task_id", LONG_TERM)
def test_operations_last_half_a_second_at_every_difficulty(task_id):
    # SynRL: 0.5-1 s per operation; at 30 fps a 2 fps sampling needs 15 frames.
    for difficulty in (4, 5):
        for i in range(3):
            record = build_sample(request(task_id, i, difficulty)).record
            assert min(e["end_frame"] - e["start_frame"] + 1
                       for e in record["timeline"][1:-1]) >= 15


def test_the_old_curriculum_option_points_to_round_2(tmp_path):
    from synrl.config import GenerateConfig

    with pytest.raises(ValueError, match="--round 2"):
        GenerateConfig(tasks=["chips"], per_task=1, out=tmp_path,
                       task_options={"curriculum": "round2"})
    with pytest.raises(ValueError, match="no round 2"):
        GenerateConfig(tasks=["direction"], per_task=1, out=tmp_path, round=2)
    assert GenerateConfig(tasks=["chips"], per_task=1, out=tmp_path,
                          round=2).identity()["round"] == 2


@pytest.mark.parametrize("task_id", LONG_TERM)
def test_difficulty_lengthens_the_sequence(task_id):
    def ops(difficulty):
        return sum(len(build_sample(request(task_id, i, difficulty)).record["states"]) - 1
                   for i in range(6))
    assert ops(5) >= 2 * ops(1)


@pytest.mark.parametrize("task_id", LONG_TERM)
def test_answer_letters_within_five_points_of_uniform_over_200_questions(task_id):
    letters: dict[int, Counter] = {}
    for index in range(200):
        record = build_sample(request(task_id, index, types=("mc",))).record
        letters.setdefault(len(record["options"]), Counter())[record["answer"]] += 1
    for k, counter in letters.items():
        total = sum(counter.values())
        for letter in "ABCD"[:k]:
            assert abs(counter[letter] / total - 1 / k) <= 0.05, (k, counter)


@pytest.mark.parametrize("task_id", LONG_TERM)
def test_small_and_wide_frames(task_id):
    for video in (VideoOptions(width=320, height=240), VideoOptions(width=640, height=360)):
        record = build_sample(request(task_id, 1, 3, video=video)).record
        for track in record["tracks"]:
            assert 0 <= min(track["x"]) and max(track["x"]) < video.width
            assert 0 <= min(track["y"]) and max(track["y"]) < video.height


@pytest.mark.parametrize("task_id", LONG_TERM)
def test_the_right_number_is_the_smallest_or_largest_option_about_a_quarter_of_the_time(task_id):
    ends = Counter()
    total = 0
    for index in range(200):
        record = build_sample(request(task_id, index, types=("mc",))).record
        try:
            values = sorted(float(v) for v in record["options"].values())
        except ValueError:
            continue
        if len(values) != 4:
            continue
        rank = values.index(float(record["options"][record["answer"]]))
        ends["smallest" if rank == 0 else "largest" if rank == 3 else "between"] += 1
        total += 1
    assert total >= 30
    assert abs(ends["smallest"] / total - 0.25) <= 0.1 and abs(ends["largest"] / total - 0.25) <= 0.1, ends
