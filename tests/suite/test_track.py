"""The tracking question family (synrl/suite/_track): answers are the drawn extents of one
object at stated half-second times, the object stays clear of the others and leaves its
first place, the given box points at it alone, and records are deterministic."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from synrl.answers import box_iou
from synrl.config import GenerateConfig, VideoOptions
from synrl.generate import build_sample, requests_for
from synrl.qa import answer_for, user_prompt
from synrl.render.canvas import Sprite, coverage, sprite_box
from synrl.rewards import get_reward
from synrl.suite import get_task, task_ids
from synrl.suite._track.family import CLEAR_MARGIN_PX, MAX_STAY_IOU, TIME_STEP_S, TRACK_TIMES
from synrl.suite.base import TaskError
from synrl.validate import check_answer

VIDEO = VideoOptions(width=256, height=256)
SHORT_TERM = [t for t in task_ids() if get_task(t).family == "short_term"]


def built(task: str, n: int, difficulty: int = 3, forms: str = "track"):
    config = GenerateConfig(tasks=[task], per_task=n, out=Path("/nonexistent"), video=VIDEO,
                            question_types=forms.split(","), difficulty=difficulty)
    return [build_sample(r) for r in requests_for(config)]


def test_sprite_box_is_the_half_covered_pixels():
    sprite = Sprite("star", (255, 0, 0), 40.3, 51.7, 17.0, 23.0)
    x0, y0, alpha = coverage(sprite)
    rows, cols = np.nonzero(alpha >= 0.5)
    assert sprite_box(sprite) == (x0 + cols.min(), y0 + rows.min(), x0 + cols.max() + 1,
                                  y0 + rows.max() + 1)
    # a circle's extent is its diameter, to the pixel: pixel i is centred on coordinate i,
    # so the circle over 40.25 .. 60.25 half covers pixels 41 to 60
    assert sprite_box(Sprite("circle", (0, 0, 255), 50.25, 60.25, 10.0)) == (41, 51, 61, 71)


@pytest.mark.parametrize("task", SHORT_TERM)
def test_answers_are_the_drawn_boxes_at_the_asked_times(task):
    for sample in built(task, 6):
        record, sim = sample.record, sample.sim
        query = record["query"]
        assert record["answer_type"] == "box" and check_answer(record) == []
        assert len(record["answer"]) == len(query["times_s"]) == TRACK_TIMES
        track = sim.track(query["object"])
        for t, frame, box in zip(query["times_s"], query["frames"], record["answer"]):
            assert frame == round(t * sim.video.fps) and (t / TIME_STEP_S).is_integer()
            drawn = sprite_box(Sprite(track.shape_at(frame), (0, 0, 0), float(track.x[frame]),
                                      float(track.y[frame]),
                                      track.radius * float(track.scale[frame]),
                                      float(track.angle[frame])))
            assert list(drawn) == box
            # no other drawn object within the clearance margin
            for other in sim.tracks:
                if other is track or not other.visible[frame]:
                    continue
                assert other.color != track.color  # a colour of its own
                ob = sprite_box(Sprite(other.shape_at(frame), (0, 0, 0), float(other.x[frame]),
                                       float(other.y[frame]), other.radius * float(other.scale[frame]),
                                       float(other.angle[frame])))
                assert (ob[0] >= box[2] + CLEAR_MARGIN_PX or box[0] >= ob[2] + CLEAR_MARGIN_PX
                        or ob[1] >= box[3] + CLEAR_MARGIN_PX or box[1] >= ob[3] + CLEAR_MARGIN_PX)
        # it moves: repeating the given box would not answer
        stay = np.mean([box_iou(query["first_box"], b) for b in record["answer"]])
        assert stay < MAX_STAY_IOU
        # the text states the box or the name, and every asked time, never the answer
        text = record["question"]
        assert all(f"{t:.1f} s" in text for t in query["times_s"])
        assert (str(query["first_box"]).replace(" ", "") in text.replace(" ", "")) == (query["given"] == "box")
        assert not any(str(b).replace(" ", "") in text.replace(" ", "") for b in record["answer"])
        # the reward gives the truth full marks
        assert get_reward("accuracy")(f"<answer>{answer_for(record)}</answer>", record) == 1.0
        assert "[x1, y1, x2, y2] in pixels per asked time" in user_prompt(record)


def test_given_box_and_name_alternate_and_records_are_deterministic():
    first = [s.record for s in built("direction", 6)]
    again = [s.record for s in built("direction", 6)]
    assert first == again
    assert [r["query"]["given"] for r in first] == ["box", "name"] * 3


def test_mixed_with_the_tasks_own_questions():
    kinds = [s.record["query"].get("kind") for s in built("collision_count", 6, forms="mc,open,track")]
    assert kinds.count("track") == 2


def test_rotation_at_difficulty_1_spins_in_place_and_boards_are_refused():
    with pytest.raises(TaskError, match="spin in place"):
        built("rotation", 1, difficulty=1)
    with pytest.raises(ValueError, match="ask no tracking questions"):
        GenerateConfig(tasks=["cards"], per_task=1, out=Path("/x"), question_types=["track"])


def test_a_wrong_box_scores_its_iou():
    record = built("velocity_rank", 1)[0].record
    shifted = [[b[0] + 5, b[1], b[2] + 5, b[3]] for b in record["answer"]]
    text = ", ".join(str(b) for b in shifted)
    expected = np.mean([box_iou(s, b) for s, b in zip(shifted, record["answer"])])
    score = get_reward("accuracy")(f"<answer>{text}</answer>", record)
    assert score == pytest.approx(expected) and 0 < score < 1
