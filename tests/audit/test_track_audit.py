"""The pixel audit of tracking records: the tracked object, found by colour in the decoded
frames, has the answer's boxes (every short-term task, mean IoU >= 0.9); a box moved by a
few pixels, the right boxes at the wrong times, and another object's boxes are mismatches."""

import copy

import numpy as np
import pytest

from synrl.audit import AuditSummary, audit_sample
from synrl.audit.track import MIN_BOX_IOU
from synrl.config import VideoOptions
from synrl.generate import SampleRequest, build_sample, write_video
from synrl.suite import get_task, task_ids

# The default frame size: at 256 px objects are 18-25 px wide and a one-pixel edge error
# costs 0.1 of IoU (measured mean 0.82-0.97 per task there).
VIDEO = VideoOptions()
SHORT_TERM = [t for t in task_ids() if get_task(t).family == "short_term"]


@pytest.fixture(scope="module")
def track_samples(tmp_path_factory):
    folder = tmp_path_factory.mktemp("track")
    (folder / "videos").mkdir()
    records = []
    for k, task in enumerate(SHORT_TERM):
        built = build_sample(SampleRequest(task, "train", 0, k % 2, 2 + k % 4, ("track",), VIDEO))
        write_video(built.sim, folder / built.record["video"]["path"], VIDEO)
        records.append(built.record)
    return folder, records


def test_every_tracking_answer_agrees_with_the_pixels(track_samples):
    folder, records = track_samples
    results = [audit_sample(r, folder) for r in records]
    assert [(s.id, s.status, s.message) for s in results if s.status != "ok"] == []
    assert all(len(s.box_ious) == 1 + len(r["answer"]) for s, r in zip(results, records))
    # One record per task here (the README's 0.9 per task is over 50): one-pixel edge errors
    # on four small boxes can take a single record below 0.9, not the whole set.
    means = {task: row["mean_box_iou"] for task, row in AuditSummary(results).by_task().items()}
    assert np.mean(list(means.values())) >= 0.9 and min(means.values()) >= 0.85, means
    assert {r["query"]["given"] for r in records} == {"box", "name"}


def _tampered(record, change):
    bad = copy.deepcopy(record)
    change(bad)
    bad["answer"] = bad["answer_value"]
    return bad


def test_wrong_boxes_are_mismatches(track_samples):
    folder, records = track_samples
    record = next(r for r in records if r["task"] == "direction")

    def shift(r):  # by a third of the box's width: IoU about 0.5
        r["answer_value"] = [[b[0] + (b[2] - b[0]) // 3, b[1], b[2] + (b[2] - b[0]) // 3, b[3]]
                             for b in r["answer_value"]]

    def late(r):  # the boxes stated for frames half a second off the asked ones
        n = r["video"]["num_frames"]
        r["query"]["frames"] = [f + 15 if f + 15 < n else f - 15 for f in r["query"]["frames"]]

    def other_object(r):
        others = [t for t in r["tracks"] if t["id"] != r["query"]["object"]]
        r["query"]["object"] = others[0]["id"]

    for change in (shift, late, other_object):
        result = audit_sample(_tampered(record, change), folder)
        assert result.status == "mismatch", (change.__name__, result.message)
        assert not result.box_ious or min(result.box_ious) < MIN_BOX_IOU
    assert audit_sample(record, folder).status == "ok"
