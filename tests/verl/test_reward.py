"""verl's reward manager (NaiveRewardManager, loaded through verl's own config path) scores
through synrl exactly as synrl scores directly, on every answer type."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("verl", reason="verl is tested in its own environment (.ci/envs.sh verl_env)")
import torch
from hydra import compose, initialize_config_dir
from transformers import AutoTokenizer
from verl import DataProto
from verl.trainer.ppo.reward import get_custom_reward_fn, load_reward_manager

import synrl.rewards.verl as synrl_verl

# (completion, ground truth): every answer type the rewards score, right and wrong answers
CASES = [
    ("<think>two</think><answer>B</answer>", {"answer_type": "multiple_choice", "answer": "B",
                                              "options": {"A": "1", "B": "2"}}),
    ("<think>x</think><answer>A</answer>", {"answer_type": "multiple_choice", "answer": "B",
                                            "options": {"A": "1", "B": "2"}}),
    ("<think>x</think><answer>3</answer>", {"answer_type": "number", "answer": 3}),
    ("<answer>4</answer>", {"answer_type": "number", "answer": 3}),
    ("<think>x</think><answer>yes</answer>", {"answer_type": "yes_no", "answer": "yes"}),
    ("<think>x</think><answer>red, blue</answer>", {"answer_type": "list", "answer": ["red", "blue"],
                                                    "answer_ordered": True}),
    ("<think>x</think><answer>blue, red</answer>", {"answer_type": "list", "answer": ["red", "blue"],
                                                    "answer_ordered": False}),
    ("<think>x</think><answer>1.0 to 3.0</answer>", {"answer_type": "interval", "answer": [2.0, 4.0]}),
    ("<think>x</think><answer>[0, 0, 10, 10]</answer>", {"answer_type": "box", "answer": [[0, 0, 10, 5]]}),
    ("<think>x</think><answer>a red ball</answer>", {"answer_type": "free_form", "answer": "a red ball rolls"}),
    ("<think>x</think><answer>HELLO WORLD</answer>", {"answer_type": "ocr", "answer": "hello world"}),
    ("<think>x</think><answer>4.5</answer>", {"answer_type": "regression", "answer": 5.0}),
]


def _config(tmp_path: Path, overrides: list[str]):
    config_dir = str(Path(__import__("verl").__file__).parent / "trainer" / "config")
    with initialize_config_dir(config_dir=config_dir, version_base=None):
        return compose(config_name="ppo_trainer", overrides=overrides)


def _batch(tokenizer, completion: str, truth: dict, prompt_len: int = 4, response_len: int = 96) -> DataProto:
    ids = tokenizer(completion, add_special_tokens=False)["input_ids"]
    assert len(ids) <= response_len
    responses = torch.full((1, response_len), tokenizer.pad_token_id)
    responses[0, :len(ids)] = torch.tensor(ids)
    attention = torch.zeros(1, prompt_len + response_len, dtype=torch.long)
    attention[0, :prompt_len + len(ids)] = 1
    return DataProto.from_dict(
        tensors={"prompts": torch.ones(1, prompt_len, dtype=torch.long), "responses": responses,
                 "attention_mask": attention},
        non_tensors={"data_source": np.array(["synrl/test"], dtype=object),
                     "reward_model": np.array([{"style": "rule", "ground_truth": json.dumps(truth)}], dtype=object),
                     "extra_info": np.array([{"index": 0}], dtype=object)})


@pytest.fixture(scope="module")
def tokenizer(tiny_model: Path):
    return AutoTokenizer.from_pretrained(tiny_model)


def test_the_documented_key_is_the_one_verl_reads(tmp_path: Path) -> None:
    path = synrl_verl.__file__
    good = _config(tmp_path, [f"reward.custom_reward_function.path={path}",
                              "reward.custom_reward_function.name=compute_score"])
    assert get_custom_reward_fn(good) is not None
    # the key older docs gave: verl 0.9.1's loader does not see it
    old = _config(tmp_path, [f"custom_reward_function.path={path}", "custom_reward_function.name=compute_score"])
    assert get_custom_reward_fn(old) is None


def test_naive_manager_scores_like_synrl(tokenizer, tmp_path: Path) -> None:
    config = _config(tmp_path, [f"reward.custom_reward_function.path={synrl_verl.__file__}",
                                "reward.custom_reward_function.name=compute_score",
                                "+reward.custom_reward_function.reward_kwargs.weights.accuracy=1.0",
                                "+reward.custom_reward_function.reward_kwargs.weights.format=0.5"])
    manager = load_reward_manager(config, tokenizer)
    seen = set()
    for completion, truth in CASES:
        out = manager.loop.run_until_complete(manager.run_single(_batch(tokenizer, completion, truth)))
        direct = synrl_verl.compute_score("synrl/test", completion, truth, {"index": 0},
                                          weights={"accuracy": 1.0, "format": 0.5})
        assert out["reward_score"] == pytest.approx(direct["score"]), completion
        assert out["reward_extra_info"] == pytest.approx(direct)
        seen.add(truth["answer_type"])
    assert len(seen) == 9
    scores = [manager.loop.run_until_complete(manager.run_single(_batch(tokenizer, c, t)))["reward_score"] for c, t in CASES]
    assert len(set(scores)) > 3  # right, wrong and partial answers differ


def test_length_reward_counts_with_the_configured_tokenizer(tokenizer, tiny_model: Path, tmp_path: Path) -> None:
    # verl passes no response length; reward_kwargs.tokenizer gives the exact count
    config = _config(tmp_path, [f"reward.custom_reward_function.path={synrl_verl.__file__}",
                                "reward.custom_reward_function.name=compute_score",
                                "+reward.custom_reward_function.reward_kwargs.weights.length=1.0",
                                "+reward.custom_reward_function.reward_kwargs.params.length.l_min=1",
                                "+reward.custom_reward_function.reward_kwargs.params.length.l_max=12",
                                f"+reward.custom_reward_function.reward_kwargs.tokenizer={tiny_model}"])
    manager = load_reward_manager(config, tokenizer)
    short = "<answer>3</answer>"
    long = "<think>" + " step" * 40 + "</think><answer>3</answer>"
    truth = {"answer_type": "number", "answer": 3}
    assert len(tokenizer(short, add_special_tokens=False)["input_ids"]) <= 12 < len(
        tokenizer(long, add_special_tokens=False)["input_ids"])
    assert manager.loop.run_until_complete(manager.run_single(_batch(tokenizer, short, truth)))["reward_score"] == pytest.approx(0.2)
    assert manager.loop.run_until_complete(manager.run_single(_batch(tokenizer, long, truth)))["reward_score"] == 0.0
