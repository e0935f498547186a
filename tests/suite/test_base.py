"""The plan (synrl.suite.base): seeded, exactly balanced blocks; yes/no as two options."""

from collections import Counter

import numpy as np

import pytest

from synrl.stats import build_records
from synrl.suite import get_task, task_ids


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("per_task", [8, 16])
def test_letters_are_balanced_for_every_seed_on_small_runs(seed, per_task):
    records = build_records(task_ids(), per_task, seed=seed, difficulties=(1,))
    by_k: dict[int, Counter] = {}
    for r in records:
        if r["answer_type"] == "multiple_choice":
            by_k.setdefault(len(r["options"]), Counter())[r["answer"]] += 1
    four = by_k[4]
    total = sum(four.values())
    assert total >= 60
    # Every task's letters are exact per block of four, and the tasks' partial last blocks
    # take the letters in turn (synrl.suite.registry.letter_offsets): within 3 points.
    for letter in "ABCD":
        assert abs(four[letter] / total - 0.25) <= 0.03, four
    if per_task == 8:  # the run the offsets tile: within one question of even
        assert max(four.values()) - min(four.values()) <= 1, four
    # Two- and three-option questions are few in such a run (14-37; one question is 3-7
    # points): within 10 points or two questions of even.
    for k in (2, 3):
        counter = by_k[k]
        n = sum(counter.values())
        for letter in "ABC"[:k]:
            assert abs(counter[letter] - n / k) <= max(2, 0.1 * n), (k, counter)


def test_letter_offsets_do_not_depend_on_which_task_module_was_imported_first():
    # Importing a task's module registers it ahead of the others (the registry keeps
    # insertion order); the offsets, and so every record, must not notice.
    import json
    import subprocess
    import sys

    script = ("import json, {first}; from synrl.suite.registry import letter_offsets, task_ids; "
              "print(json.dumps([task_ids()[0], letter_offsets(4, ('mc',))]))")
    runs = [json.loads(subprocess.run([sys.executable, "-c", script.format(first=module)],
                                      capture_output=True, text=True, check=True).stdout)
            for module in ("synrl.suite", "synrl.suite.velocity_rank.task")]
    assert runs[1][0] == "velocity_rank" != runs[0][0]
    assert runs[0][1] == runs[1][1]


def test_the_order_depends_on_the_seed_and_every_block_is_exact():
    task = get_task("rotation")
    a = [task.plan(i, 3, stream="train|0") for i in range(240)]
    b = [task.plan(i, 3, stream="train|5") for i in range(240)]
    assert [(p.value, p.letter_index) for p in a] != [(p.value, p.letter_index) for p in b]
    for plans in (a, b):
        template = plans[0].template
        mine = [p for p in plans if p.template == template]
        values = list(task.values(template, 3))
        v = len(values)
        for start in range(0, len(mine) - v + 1, v):
            assert sorted(map(str, (p.value for p in mine[start:start + v]))) == \
                sorted(map(str, values))


def test_yes_no_questions_are_also_two_option_choices():
    records = build_records(["speed_change"], 48, difficulties=(2,))
    choices = [r for r in records if r["query"]["kind"] == "faster_at_end"
               and r["answer_type"] == "multiple_choice"]
    opens = [r for r in records if r["query"]["kind"] == "faster_at_end"
             and r["answer_type"] == "yes_no"]
    assert choices and opens
    for r in choices:
        assert r["options"] == {"A": "Yes", "B": "No"}
        assert r["answer"] == ("A" if r["answer_value"] == "yes" else "B")
        assert r["answer_text"] == r["options"][r["answer"]]
    assert len(choices) == 16  # trend, faster_at_end and its choice twin: 48 / 3
    assert Counter(r["answer"] for r in choices) == {"A": 8, "B": 8}


def test_only_multiple_choice_keeps_the_yes_no_choice():
    task = get_task("speed_change")
    names = [(t.name, t.answer_type) for t in task.available_templates(("mc",))]
    assert ("faster_at_end", "multiple_choice") in names
    assert all(kind == "multiple_choice" for _, kind in names)


def test_count_windows_make_every_offered_count_right_one_time_in_k():
    from synrl.suite.base import count_window, count_window_values

    rng = np.random.default_rng(0)
    counts = range(1, 7)
    planned = count_window_values(list(counts), 4)
    # Edge counts are planned less often: they fit in fewer windows.
    assert Counter(planned) == {1: 1, 2: 2, 3: 3, 4: 3, 5: 2, 6: 1}
    offered, right, ranks = Counter(), Counter(), Counter()
    for _ in range(40):
        for value in planned:
            others = count_window(value, counts, 4, rng)
            options = sorted(int(c) for c in others + [str(value)])
            assert options == list(range(options[0], options[0] + 4))
            assert 1 <= options[0] and options[-1] <= 6
            offered.update(options)
            right[value] += 1
            ranks[options.index(value)] += 1
    for c in counts:
        assert abs(right[c] / offered[c] - 0.25) < 0.03, (c, right[c], offered[c])
    assert all(abs(ranks[r] / sum(ranks.values()) - 0.25) < 0.03 for r in range(4))
    # A range narrower than the options: one window, starting at the smallest count.
    assert sorted(count_window(0, range(0, 2), 4, rng)) == ["1", "2", "3"]
