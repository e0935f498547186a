"""Parity with each benchmark's own released scorer.

Every fixture under ``fixtures/parity/<benchmark>/`` is written in the benchmark's published
annotation format (rows copied from the real files where a public copy exists, with their
edge cases: NExT-GQA's duplicated option, ReXTime's point segments, reversed predicted
intervals), with fixed model outputs in ``predictions.json``. The expected numbers were
computed by running the benchmark's own scoring code, at the commit named in each test, on
the same files and outputs (in a scratch folder; that code is not part of synrl). synrl must
give the same numbers through its loader, parser, scorer and report layout.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from synrl.eval.benchmarks import load_benchmark
from synrl.eval.report import headline, summarize
from synrl.eval.scoring import score_prediction

PARITY = Path(__file__).parent / "fixtures" / "parity"


def _headline(benchmark: str, folder: Path, options: dict[str, str] | None = None, *,
              key=lambda sample_id: sample_id, **scoring) -> dict[str, float]:
    """The headline numbers (in %) of the fixture's predictions."""
    predictions = json.loads((PARITY / benchmark / "predictions.json").read_text())
    samples = load_benchmark(benchmark, folder, options or {})
    items = [(s, [score_prediction(s, predictions[key(s.id)], **scoring)]) for s in samples]
    return {name: 100 * value for name, value in headline(benchmark, items).items()}


def _close(got: dict[str, float], expected: dict[str, float]) -> None:
    assert list(got) == list(expected)  # the benchmark's own columns, in its order
    for name, value in expected.items():
        assert got[name] == pytest.approx(value, abs=1e-6), name


def test_mvbench_parity():
    # OpenGVLab/Ask-Anything 4dd8210b, video_chat2/mvbench.ipynb: qa_template's "(X) text" answer,
    # check_ans, and its per-task / total accuracy loop. character_order's options are letters
    # ("(B) c" names option B, whose text is "c").
    got = _headline("mvbench", PARITY / "mvbench")
    _close(got, {"Avg.": 71.42857142857143, "Action Sequence": 50.0, "Character Order": 66.66666666666667,
                 "Object Shuffle": 100.0})


@pytest.mark.parametrize(("fmt", "expected"), [
    # llyx97/TempCompass e1b46316, eval_multi-choice.py main(disable_llm=True) + utils/eval_utils.print_result
    ("multi-choice", {"action": 50.0, "speed": 50.0, "direction": 33.333333, "order": 33.333333,
                      "attribute_change": 33.333333, "Avg.": 41.666667}),
    # llyx97/TempCompass e1b46316, eval_yes_no.py main(disable_llm=True) + print_result
    ("yes_no", {"action": 33.333333, "speed": 66.666667, "direction": 75.0, "order": 100.0,
                "attribute_change": 50.0, "Avg.": 56.25}),
])
def test_tempcompass_parity(fmt, expected):
    got = _headline("tempcompass", PARITY / "tempcompass", {"formats": fmt})
    assert list(got) == list(expected)
    for name, value in expected.items():  # print_result was run at 6 decimals
        assert got[name] == pytest.approx(value, abs=1e-6), name


def test_videomme_parity():
    # EvolvingLMMs-Lab/lmms-eval 75571cfe, lmms_eval/tasks/videomme/utils.py: videomme_process_results
    # (extract_mcq_answer) and videomme_aggregate_results (per video type, overall).
    got = _headline("videomme", PARITY / "videomme")
    _close(got, {"short": 66.666667, "medium": 0.0, "long": 33.333333, "Overall": 33.333333333333336})


def test_tomato_parity():
    # yale-nlp/TOMATO fe2025f4, src/parse_result.py pre_parser (every fixture output is one it
    # reads, so its GPT fallback is never needed) + src/get_categorized_score.py (Score/Count sums).
    got = _headline("tomato", PARITY / "tomato")
    _close(got, {"rotation": 50.0, "direction": 50.0, "velocity&frequency": 50.0, "shape&trend": 100.0,
                 "visual_cues": 50.0, "count": 100.0, "Overall": 66.66666666666667})


def test_vsibench_parity():
    # vision-x-nyu/thinking-in-space 51e089c3, lmms_eval/tasks/vsibench/utils.py:
    # vsibench_process_results + vsibench_aggregate_results. Overall is the mean of the 8 task
    # scores after averaging the three rel_direction sub-types (the question mean would be 67.0).
    got = _headline("vsibench", PARITY / "vsibench")
    _close(got, {"Avg.": 68.75, "Obj. Count": 73.33333333333334, "Abs. Dist.": 40.0, "Obj. Size": 95.0,
                 "Room Size": 75.0, "Rel. Dist.": 50.0, "Rel. Dir.": 66.66666666666666, "Route Plan": 50.0,
                 "Appr. Order": 100.0})


def test_charades_sta_parity_swapping_reversed_intervals():
    # EvolvingLMMs-Lab/lmms-eval 75571cfe, lmms_eval/tasks/charades_sta/utils.py:
    # _temporal_grounding_compute_metrics (extract_time swaps a reversed "26.7 - 20.4"; iou).
    # The annotation lines are from charades_sta_test.txt (microsoft/VideoX 1744b215,
    # 2D-TAN/data/Charades-STA/).
    got = _headline("charades_sta", PARITY / "charades_sta", reversed_intervals="swap")
    _close(got, {"R@0.3": 80.0, "R@0.5": 80.0, "R@0.7": 60.0, "mIoU": 65.0734004127967})


def test_charades_sta_default_rejects_reversed_intervals():
    # synrl's default: the reversed answer (IoU 1.0 once swapped) scores 0, one item of ten.
    got = _headline("charades_sta", PARITY / "charades_sta")
    _close(got, {"R@0.3": 70.0, "R@0.5": 70.0, "R@0.7": 50.0, "mIoU": 55.0734004127967})


def test_nextgqa_parity():
    # doc-doc/NExT-GQA 63772e02, code/TempGQA/eval_ground.py eval_ground (printed at 6 decimals):
    # Acc&GQA, mIoP, TIoP@0.3/0.5, mIoU, TIoU@0.3/0.5; Acc@QA is its plain accuracy. The rows
    # include test video 3842638015 qid 4 ("happy" is both a3 and a4: the first, D, is right),
    # a point prediction inside the segment (IoU 0, IoP 1), a question with four segments and
    # a reversed prediction.
    got = _headline("nextgqa", PARITY / "nextgqa", {"task": "gqa"})
    _close(got, {"mIoP": 65.733435, "IoP@0.3": 70.0, "IoP@0.5": 70.0, "mIoU": 47.611060, "IoU@0.3": 60.0,
                 "IoU@0.5": 60.0, "Acc@QA": 70.0, "Acc@GQA": 40.0})


def test_rextime_parity():
    # ReXTime/ReXTime cb9f4841, evaluation/rextime_eval.py eval_submission: MR-full-mIoU 44.08,
    # MR-full-R1@0.3 70.0, @0.5 50.0, VQA 0.8, "VQA,mIoU@0.5" 0.3 (unrounded mIoU from its
    # compute_temporal_iou_batch_paired: 44.083088...). Includes val's two point segments
    # (anet_val867 [1, 1] answered "1 - 1": IoU 0) and a reversed prediction.
    got = _headline("rextime", PARITY / "rextime" / "gqa", {"task": "gqa"})
    _close(got, {"mIoU": 44.08308826, "R@0.3": 70.0, "R@0.5": 50.0, "Acc": 80.0, "Acc@IoU>=0.5": 30.0})
    assert round(got["mIoU"], 2) == 44.08
    # The GitHub ground truth (rextime_val.jsonl, no options) gives the same grounding numbers.
    grounding = _headline("rextime", PARITY / "rextime" / "grounding", key=lambda sid: f"{sid}/ground")
    assert grounding == pytest.approx({"mIoU": 44.08308826, "R@0.3": 70.0, "R@0.5": 50.0}, abs=1e-6)


def test_pass_at_k_parity():
    # openai/human-eval 6d43fb98, human_eval/evaluation.py estimate_pass_at_k over the TOMATO
    # fixture's 4 samples per question (correctness by TOMATO's pre_parser): per-item correct
    # counts [0, 1, 1, 4, 2, 2, 1, 1, 1, 1, 4, 2].
    predictions = json.loads((PARITY / "tomato" / "predictions_k4.json").read_text())
    samples = load_benchmark("tomato", PARITY / "tomato", {})
    items = [(s, [score_prediction(s, c) for c in predictions[s.id]]) for s in samples]
    assert [sum(x.correct for x in scored) for _, scored in items] == [0, 1, 1, 4, 2, 2, 1, 1, 1, 1, 4, 2]
    summary = summarize(items, [1, 2, 4])
    assert summary["pass@1"] == pytest.approx(0.4166666666666667)
    assert summary["pass@2"] == pytest.approx(0.6249999999999999)
    assert summary["pass@4"] == pytest.approx(0.9166666666666666)


def test_report_prints_the_headline_in_the_benchmark_layout():
    from synrl.eval.report import markdown

    predictions = json.loads((PARITY / "vsibench" / "predictions.json").read_text())
    samples = load_benchmark("vsibench", PARITY / "vsibench", {})
    items = [(s, [score_prediction(s, predictions[s.id])]) for s in samples]
    metrics = {"benchmark": "vsibench", "model": "m", "headline": headline("vsibench", items),
               "overall": summarize(items, [1]), "by": {},
               "settings": {"backend": "openai", "samples": 1, "frames": {"num_frames": 32, "max_pixels": 1},
                            "decoding": {"temperature": 0.0, "top_p": 1.0, "max_new_tokens": 16}}}
    text = markdown(metrics)
    assert ("| Avg. | Obj. Count | Abs. Dist. | Obj. Size | Room Size | Rel. Dist. | Rel. Dir. | Route Plan "
            "| Appr. Order |") in text
    assert "| 68.8 | 73.3 | 40.0 | 95.0 | 75.0 | 50.0 | 66.7 | 50.0 | 100.0 |" in text
