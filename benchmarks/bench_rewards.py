"""Micro-benchmark of the verifiable rewards.

Prints a markdown table (reward, calls, median us/call, rewards/s) over realistic
completions (a ~350-token think block, then the answer; half right, half wrong), then the
time to score a GRPO batch of 512 prompts x 8 ordered completions (plus 4 shuffled ones
each) with accuracy + format and add the T-GRPO temporal bonus.

    .venv/bin/python benchmarks/bench_rewards.py [--calls 2000] [--rounds 5]
"""

from __future__ import annotations

import argparse
import platform
import random
import statistics
import time
from typing import Any

import numpy as np

from synrl.rewards import WeightedReward, get_reward, reward_names, temporal_bonus_batched

THINK = (
    "At 00:01 the red circle starts moving to the right at a steady speed. It touches the "
    "right wall at 00:02, bounces back and slows down slightly. At 00:03 it turns downwards, "
    "then it reaches the bottom wall at 00:04 and comes to rest near the left corner. "
)  # ~60 words and marks; repeated to ~350


def completion(answer: str, rng: random.Random) -> str:
    return f"<think>{THINK * rng.randint(5, 7)}</think><answer>{answer}</answer>"


# (ground truth, right answer text, wrong answer text) per answer type.
SAMPLES: dict[str, tuple[dict[str, Any], str, str]] = {
    "multiple_choice": (
        {
            "answer_type": "multiple_choice",
            "answer": "B",
            "options": {"A": "Clockwise", "B": "Counter-clockwise", "C": "It does not spin", "D": "Both"},
        },
        "B. Counter-clockwise",
        "A",
    ),
    "number": ({"answer_type": "number", "answer": 3}, "3 times", "four"),
    "yes_no": ({"answer_type": "yes_no", "answer": "yes"}, "Yes", "No, it was not."),
    "list": (
        {"answer_type": "list", "answer": ["10D", "5S", "KH"], "answer_ordered": True},
        "10 of Diamonds, 5 of Spades, King of Hearts",
        "5S, 10D, KH",
    ),
    "interval": ({"answer_type": "interval", "answer": [3.2, 7.5]}, "3.0 to 7.5 seconds", "00:08-00:10"),
    "box": ({"answer_type": "box", "answer": [10, 20, 110, 220]}, "[12, 18, 108, 225]", "[200, 200, 260, 260]"),
    "free_form": (
        {"answer_type": "free_form", "answer": "The red ball bounces off the right wall and stops in the left corner."},
        "The red ball hits the right wall, bounces back and stops near the left corner.",
        "A blue square rotates clockwise.",
    ),
    "ocr": ({"answer_type": "ocr", "answer": "EXIT 12 north bound"}, "EXIT 12 north bound", "EXlT 12 nortb"),
    "regression": ({"answer_type": "regression", "answer": 42.0}, "40", "55"),
}

# The answer types each registered reward is benchmarked on.
REWARD_TYPES: dict[str, list[str]] = {
    "accuracy": list(SAMPLES),
    "multiple_choice": ["multiple_choice"],
    "number": ["number"],
    "yes_no": ["yes_no"],
    "list": ["list"],
    "temporal_iou": ["interval"],
    "box_iou": ["box"],
    "rouge": ["free_form"],
    "wer": ["ocr"],
    "regression": ["regression"],
    "format": list(SAMPLES),
    "length": list(SAMPLES),
}


def corpus(types: list[str], n: int, rng: random.Random) -> list[tuple[str, dict[str, Any]]]:
    rows = []
    for i in range(n):
        gt, right, wrong = SAMPLES[types[i % len(types)]]
        rows.append((completion(right if i % 2 == 0 else wrong, rng), gt))
    return rows


def bench_reward(name: str, calls: int, rounds: int, rng: random.Random) -> tuple[int, float]:
    """Median microseconds per call over ``rounds`` passes of ``calls`` calls."""
    func = get_reward(name)
    rows = corpus(REWARD_TYPES[name], calls, rng)
    for text, gt in rows[:50]:  # warm caches (the ROUGE scorer, compiled regexes)
        func(text, gt)
    per_call = []
    for _ in range(rounds):
        start = time.perf_counter()
        for text, gt in rows:
            func(text, gt)
        per_call.append((time.perf_counter() - start) / len(rows) * 1e6)
    return len(rows) * rounds, statistics.median(per_call)


def bench_tgrpo_batch(n_prompts: int, group: int, shuffled_group: int, rng: random.Random) -> dict[str, float]:
    """Seconds to score one T-GRPO batch and to add the group bonus."""
    types = list(SAMPLES)
    truths = [SAMPLES[types[i % len(types)]] for i in range(n_prompts)]

    def group_texts(size: int) -> list[list[str]]:
        return [[completion(right if rng.random() < 0.6 else wrong, rng) for _ in range(size)] for _, right, wrong in truths]

    ordered_texts = group_texts(group)
    shuffled_texts = group_texts(shuffled_group)
    reward = WeightedReward({"accuracy": 1.0, "format": 1.0})

    start = time.perf_counter()
    ordered = np.array([[reward.scores(t, gt)["accuracy"] for t in row] for row, (gt, _, _) in zip(ordered_texts, truths)])
    shuffled = np.array([[reward.scores(t, gt)["accuracy"] for t in row] for row, (gt, _, _) in zip(shuffled_texts, truths)])
    scored = time.perf_counter()
    bonus = temporal_bonus_batched(ordered, shuffled, alpha=0.3)
    done = time.perf_counter()
    assert bonus.shape == (n_prompts, group)
    return {"score": scored - start, "bonus": done - scored, "total": done - start}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--calls", type=int, default=2000, help="calls per round and reward")
    parser.add_argument("--rounds", type=int, default=5, help="rounds per reward; the median is reported")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    rng = random.Random(args.seed)

    print(f"Python {platform.python_version()}, {platform.processor() or platform.machine()}")
    print()
    print("| reward | calls | median us/call | rewards/s |")
    print("|---|---:|---:|---:|")
    for name in reward_names():
        calls, us = bench_reward(name, args.calls, args.rounds, rng)
        print(f"| {name} | {calls} | {us:.1f} | {1e6 / us:,.0f} |")

    timing = bench_tgrpo_batch(512, 8, 4, rng)
    print()
    print("T-GRPO batch, 512 prompts x 8 ordered + 4 shuffled completions (accuracy + format):")
    print(f"  scoring 6144 completions: {timing['score'] * 1e3:.0f} ms")
    print(f"  temporal bonus (512 x 8): {timing['bonus'] * 1e3:.2f} ms")
    print(f"  total:                    {timing['total'] * 1e3:.0f} ms")


if __name__ == "__main__":
    main()
