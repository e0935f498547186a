"""Property-based fuzzing: no reward raises, leaves its range or runs model text as code.

The main test draws 10,000 completions (arbitrary unicode, template-shaped text built from
answer-like fragments, nested and repeated tags, empty and huge strings) and runs every
registered reward on each one, so every reward sees 10,000 strings. They are drawn ten
per Hypothesis example, which keeps the engine's per-example overhead from dominating
the run. ``FUZZ_STRINGS`` (default 10,000) changes the count for quicker local loops.
"""

from __future__ import annotations

import ast
import builtins
import os
import pathlib
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import synrl.answers
import synrl.rewards
from synrl.rewards import TRLReward, compute_score
from synrl.rewards.registry import reward_names, reward_spec

FUZZ_STRINGS = int(os.environ.get("FUZZ_STRINGS", "10000"))
STRINGS_PER_EXAMPLE = 10

_CANARY = pathlib.Path(tempfile.gettempdir()) / "synrl_reward_fuzz_canary"
# Text that would do something if any reward evaluated it.
_PAYLOADS = [
    f"__import__('pathlib').Path({str(_CANARY)!r}).touch()",
    f"exec(\"open({str(_CANARY)!r}, 'w')\")",
    "{{7*7}}",
    "${7*7}",
    "`rm -rf /`",
]
_FRAGMENTS = [
    "<think>", "</think>", "<answer>", "</answer>", "<ANSWER>", "<answer", "answer>", "</",
    "A", "B", "(B)", "B.", "B) text", "Answer: B", "The answer is", "A or B", "Clockwise",
    "yes", "no", "Yes, no", "3", "three", "twenty-one", "3/4", "1/0", "1,000", "-2.5", "1e999",
    "3.2 to 7.5", "00:03-00:07", "01:02:03", "[3.2, 7.5]", "[10, 20, 110, 220]", "10 of Diamonds",
    "->", ",", " and ", " then ", "\n", "-", ":", ".", " ", "9" * 500, "\u0663", "\u2460", "\u01c5",
    "\u0130", "\u202e", "\x00", "\ud800", "\U0001f600", "\u2212", "\uff11", "\u00b2", "\u2155",
    *_PAYLOADS,
]  # fmt: skip

_fragment = st.sampled_from(_FRAGMENTS)
_small_text = st.text(max_size=8)
_structured = st.lists(st.one_of(_fragment, _small_text), max_size=40).map("".join)
_nested = st.recursive(
    st.one_of(_fragment, _small_text),
    lambda inner: st.one_of(
        st.builds(lambda tag, body: f"<{tag}>{body}</{tag}>", st.sampled_from(["think", "answer"]), inner),
        st.lists(inner, max_size=4).map("".join),
    ),
    max_leaves=12,
)
_template = st.builds(lambda think, answer: f"<think>{think}</think><answer>{answer}</answer>", st.text(max_size=30), _structured)
_huge = st.builds(
    lambda unit, size: (unit * (size // len(unit) + 1))[:size],
    st.one_of(_fragment, st.text(min_size=1, max_size=4)),
    st.integers(10_000, 300_000),
)

COMPLETIONS = st.one_of(st.just(""), st.text(), st.text(min_size=200, max_size=2000), _structured, _nested, _template, _huge)

GROUND_TRUTHS: list[dict[str, Any]] = [
    {"answer_type": "multiple_choice", "answer": "B", "options": {"A": "Clockwise", "B": "Counter-clockwise", "C": "3"}},
    {"answer_type": "number", "answer": 3},
    {"answer_type": "number", "answer": 2.5, "answer_tolerance": 0.1},
    {"answer_type": "yes_no", "answer": "yes"},
    {"answer_type": "list", "answer": ["10D", "5S"], "answer_ordered": True},
    {"answer_type": "list", "answer": ["/src/a.py", "/src/b.py"], "answer_ordered": False},
    {"answer_type": "interval", "answer": [3.2, 7.5]},
    {"answer_type": "box", "answer": [[10, 20, 110, 220], [12, 20, 112, 220]]},
    {"answer_type": "free_form", "answer": "the red ball bounces twice off the left wall"},
    {"answer_type": "ocr", "answer": "EXIT 12 north"},
    {"answer_type": "regression", "answer": 42.0},
]
# Rewards that read one particular answer type get only ground truths of that type; the
# format reward ignores the ground truth and the length bonus needs one binary and one
# continuous accuracy.
_TYPED = {
    "format": {"yes_no"},
    "length": {"number", "interval"},
    "multiple_choice": {"multiple_choice"},
    "number": {"number"},
    "yes_no": {"yes_no"},
    "list": {"list"},
    "temporal_iou": {"interval"},
    "box_iou": {"box"},
    "rouge": {"free_form", "ocr"},
    "wer": {"free_form", "ocr"},
    "regression": {"number", "regression"},
}


def _truths_for(name: str) -> list[dict[str, Any]]:
    types = _TYPED.get(name)
    return [gt for gt in GROUND_TRUTHS if types is None or gt["answer_type"] in types]


CALLS = [(name, gt) for name in reward_names() for gt in _truths_for(name)]
LENGTH_CONTEXTS = [{}, {"num_tokens": 400}]


def _refuse(*_: Any, **__: Any) -> None:
    raise AssertionError("a reward evaluated text as code")


@contextmanager
def no_code_evaluation() -> Iterator[None]:
    """Make eval/exec fail loudly for the duration of a reward call."""
    saved = builtins.eval, builtins.exec
    builtins.eval, builtins.exec = _refuse, _refuse  # type: ignore[assignment]
    try:
        yield
    finally:
        builtins.eval, builtins.exec = saved


def _check(name: str, func: Callable[..., float], completion: Any, gt: dict[str, Any], **kwargs: Any) -> None:
    spec = reward_spec(name)
    value = func(completion, gt, **kwargs)
    assert isinstance(value, float), (name, type(value))
    assert spec.low <= value <= spec.high, (name, value, completion[:200])


FUZZ = settings(
    max_examples=max(1, FUZZ_STRINGS // STRINGS_PER_EXAMPLE),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    database=None,
)


@FUZZ
@given(st.lists(COMPLETIONS, min_size=STRINGS_PER_EXAMPLE, max_size=STRINGS_PER_EXAMPLE))
def test_every_reward_on_arbitrary_strings(completions: list[str]) -> None:
    with no_code_evaluation():
        for completion in completions:
            for name, gt in CALLS:
                func = reward_spec(name).func
                if name == "length":
                    for context in LENGTH_CONTEXTS:
                        _check(name, func, completion, gt, **context)
                else:
                    _check(name, func, completion, gt)
    assert not _CANARY.exists()


@settings(FUZZ, max_examples=max(1, FUZZ_STRINGS // 100))
@given(st.lists(COMPLETIONS, min_size=STRINGS_PER_EXAMPLE, max_size=STRINGS_PER_EXAMPLE))
def test_adapters_on_arbitrary_strings(completions: list[str]) -> None:
    n = len(completions)
    trl = TRLReward({"accuracy": 1.0, "format": 0.5, "length": 1.0})
    gt = GROUND_TRUTHS[0]
    columns = {key: [value] * n for key, value in gt.items()}
    with no_code_evaluation():
        scores = trl(completions=[[{"role": "assistant", "content": c}] for c in completions], completion_ids=[[0] * 400] * n, **columns)
        assert all(0.0 <= s <= 1.7 for s in scores)
        for completion in completions:
            result = compute_score(data_source="fuzz", solution_str=completion, ground_truth=gt, extra_info=None)
            assert set(result) == {"score", "accuracy", "format"}
            assert 0.0 <= result["score"] <= 2.0


def test_payloads_are_not_executed() -> None:
    _CANARY.unlink(missing_ok=True)
    with no_code_evaluation():
        for payload in _PAYLOADS:
            for completion in (payload, f"<think>{payload}</think><answer>{payload}</answer>"):
                for name, gt in CALLS:
                    reward_spec(name).func(completion, gt)
    assert not _CANARY.exists()


_SOURCES = sorted(pathlib.Path(synrl.rewards.__file__).parent.glob("*.py")) + [pathlib.Path(synrl.answers.__file__)]
# Builtins that run text as code, and deserialisers that can.
_FORBIDDEN_BUILTINS = {"eval", "exec", "compile", "__import__"}
_FORBIDDEN_ATTRIBUTES = {"literal_eval", "import_module", "exec_module"}
_UNSAFE_LOADERS = {"pickle", "marshal", "yaml", "dill", "shelve"}


@pytest.mark.parametrize("path", _SOURCES, ids=lambda p: p.name)
def test_no_code_evaluation_in_source(path: pathlib.Path) -> None:
    calls = []
    for node in ast.walk(ast.parse(path.read_text())):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        if isinstance(func, ast.Name) and func.id in _FORBIDDEN_BUILTINS:
            calls.append(func.id)
        elif isinstance(func, ast.Attribute):
            owner = func.value.id if isinstance(func.value, ast.Name) else ""
            if func.attr in _FORBIDDEN_ATTRIBUTES or owner in _UNSAFE_LOADERS:
                calls.append(f"{owner}.{func.attr}")
    assert calls == []
