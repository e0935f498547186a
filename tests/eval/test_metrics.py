"""Metric unit tests against hand-computed values (one comment per case)."""

from __future__ import annotations

import math

import pytest

from synrl.eval.metrics import (
    best_overlap,
    grounding_summary,
    interval_iop,
    interval_iou,
    mean_relative_accuracy,
    pass_at_k,
    pass_at_k_mean,
)


def test_iou_edge_cases():
    # identical segments: inter 2, union 2 -> 1
    assert interval_iou((1.0, 3.0), (1.0, 3.0)) == 1.0
    # half overlap: [0,2] vs [1,3]: inter 1, union 3 -> 1/3
    assert interval_iou((0.0, 2.0), (1.0, 3.0)) == pytest.approx(1 / 3)
    # touching at one point: inter 0 -> 0
    assert interval_iou((0.0, 1.0), (1.0, 2.0)) == 0.0
    # disjoint with a gap: 0
    assert interval_iou((0.0, 1.0), (5.0, 6.0)) == 0.0
    # prediction containing the target: [0,10] vs [2,4]: 2/10
    assert interval_iou((0.0, 10.0), (2.0, 4.0)) == pytest.approx(0.2)
    # zero-length prediction inside a segment: inter 0, union 2 -> 0
    assert interval_iou((2.0, 2.0), (1.0, 3.0)) == 0.0
    # two identical points: 0, as ReXTime's compute_temporal_iou_batch_paired and lmms-eval's
    # Charades-STA iou (ReXTime val holds two point segments)
    assert interval_iou((2.0, 2.0), (2.0, 2.0)) == 0.0


def test_iop():
    # prediction [1,3] inside target [0,10]: inter 2 / pred 2 -> 1
    assert interval_iop((1.0, 3.0), (0.0, 10.0)) == 1.0
    # prediction [0,4], target [2,6]: inter 2 / pred 4 -> 0.5
    assert interval_iop((0.0, 4.0), (2.0, 6.0)) == 0.5
    # prediction [0,10] over target [2,4]: inter 2 / pred 10 -> 0.2 (IoP punishes long predictions)
    assert interval_iop((0.0, 10.0), (2.0, 4.0)) == pytest.approx(0.2)
    # zero-length prediction inside target: an instant of the segment -> 1
    assert interval_iop((3.0, 3.0), (2.0, 4.0)) == 1.0
    # zero-length prediction outside: 0
    assert interval_iop((5.0, 5.0), (2.0, 4.0)) == 0.0


def test_best_overlap_multiple_segments():
    # NExT-GQA style: pred [10,14] vs segments [0,2] and [12,16]:
    # IoU with 2nd = inter 2 / union 6 = 1/3; IoP with 2nd = 2/4 = 0.5
    iou, iop = best_overlap((10.0, 14.0), [(0.0, 2.0), (12.0, 16.0)])
    assert iou == pytest.approx(1 / 3)
    assert iop == pytest.approx(0.5)
    # no prediction: (0, 0)
    assert best_overlap(None, [(0.0, 1.0)]) == (0.0, 0.0)


def test_grounding_summary():
    # IoUs 0.8, 0.5, 0.3, 0.0 with IoPs 1, 0.5, 0.5, 0:
    # R@0.3 = 3/4 (0.3 counts, >=), R@0.5 = 2/4, R@0.7 = 1/4, mIoU = 1.6/4 = 0.4, mIoP = 2/4
    s = grounding_summary([(0.8, 1.0), (0.5, 0.5), (0.3, 0.5), (0.0, 0.0)])
    assert s["R@0.3"] == 0.75
    assert s["R@0.5"] == 0.5
    assert s["R@0.7"] == 0.25
    assert s["mIoU"] == pytest.approx(0.4)
    assert s["mIoP"] == 0.5


def test_mra():
    # exact: relative error 0 <= every 1-θ -> 10/10
    assert mean_relative_accuracy(10.0, 10.0) == 1.0
    # Expected values below come from running VSI-Bench's released mean_relative_accuracy
    # (vision-x-nyu/thinking-in-space 51e089c3, lmms_eval/tasks/vsibench/utils.py).
    # 12 vs 10: error 0.2; float thresholds make 1 - 0.8 = 0.19999999999999996 < 0.2 -> 6/10
    assert mean_relative_accuracy(12.0, 10.0) == pytest.approx(0.6)
    # the case: truth 5, prediction 4 -> 0.6 (rounded thresholds gave 0.7)
    assert mean_relative_accuracy(4.0, 5.0) == pytest.approx(0.6)
    # 1.7 vs 2: error 0.15 -> 0.8
    assert mean_relative_accuracy(1.7, 2.0) == pytest.approx(0.8)
    # 11 vs 10: error 0.1 <= 1-θ for θ <= 0.9 -> 9/10 (boundary 0.9 included, as VSI's scorer)
    assert mean_relative_accuracy(11.0, 10.0) == pytest.approx(0.9)
    # 4 vs 10: error 0.6 > 0.5 -> 0
    assert mean_relative_accuracy(4.0, 10.0) == 0.0
    # 15 vs 10: error 0.5 <= 0.5 only for θ=0.5 -> 1/10
    assert mean_relative_accuracy(15.0, 10.0) == pytest.approx(0.1)
    # no prediction -> 0; NaN -> 0
    assert mean_relative_accuracy(None, 10.0) == 0.0
    assert mean_relative_accuracy(math.nan, 10.0) == 0.0
    # zero target: only an exact 0 scores
    assert mean_relative_accuracy(0.0, 0.0) == 1.0
    assert mean_relative_accuracy(0.1, 0.0) == 0.0


def test_pass_at_k():
    # n=4, c=1, k=1: 1 - C(3,1)/C(4,1) = 1 - 3/4 = 0.25
    assert pass_at_k(4, 1, 1) == pytest.approx(0.25)
    # n=4, c=1, k=2: 1 - C(3,2)/C(4,2) = 1 - 3/6 = 0.5
    assert pass_at_k(4, 1, 2) == pytest.approx(0.5)
    # n=5, c=2, k=3: 1 - C(3,3)/C(5,3) = 1 - 1/10 = 0.9
    assert pass_at_k(5, 2, 3) == pytest.approx(0.9)
    # n=4, c=0: never -> 0
    assert pass_at_k(4, 0, 4) == 0.0
    # n - c < k: every draw of k contains a correct one -> 1
    assert pass_at_k(4, 3, 2) == 1.0
    # mean over two items (n=4,c=1,k=2 -> 0.5) and (n=4,c=4 -> 1) = 0.75
    assert pass_at_k_mean([(4, 1), (4, 4)], 2) == pytest.approx(0.75)
    with pytest.raises(ValueError):
        pass_at_k(2, 1, 3)  # k > n samples
