"""Export the synthetic suite as an lmms-eval task (YAML + hooks).

:func:`export_task` writes into a folder: ``synrl_suite.jsonl`` (one flat row per sample:
absolute video path, prompt, answer fields as JSON strings, so Arrow can type every
column), ``synrl_suite.yaml`` (the task) and ``utils.py`` (a shim re-exporting the hooks of
:mod:`synrl.export.lmms_eval.utils`, which score with synrl's own parser and rewards).
Run it with ``python -m lmms_eval --include_path FOLDER --tasks synrl_suite ...``.
"""

from __future__ import annotations

import json
from pathlib import Path

TASK_NAME = "synrl_suite"

_YAML = """\
# The synrl synthetic suite (held-out split) as an lmms-eval task; written by
# `synrl eval export-lmms-eval`. Scored with synrl's parser: failed, empty or unparseable
# answers score 0 and are counted (see the *_rate metrics).
task: {task}
dataset_path: json
dataset_kwargs:
  data_files:
    test: {data_file}
test_split: test
output_type: generate_until
doc_to_visual: !function utils.doc_to_visual
doc_to_text: !function utils.doc_to_text
doc_to_target: !function utils.doc_to_target
generation_kwargs:
  max_new_tokens: 1024
  temperature: 0
  top_p: 1.0
  num_beams: 1
  do_sample: false
process_results: !function utils.process_results
metric_list:
  - metric: accuracy
    aggregation: !function utils.aggregate_accuracy
    higher_is_better: true
  - metric: unparseable_rate
    aggregation: mean
    higher_is_better: false
metadata:
  version: 0.1
"""

_SHIM = '''"""lmms-eval hooks of the synrl suite; the logic lives in the installed synrl package."""

from synrl.export.lmms_eval.utils import (  # noqa: F401
    aggregate_accuracy,
    doc_to_target,
    doc_to_text,
    doc_to_visual,
    process_results,
)
'''


def flat_row(record: dict, folder: Path) -> dict[str, str | bool]:
    """One manifest record as lmms-eval's row: strings only (answer/options as JSON)."""
    from synrl.dataset import is_ordered
    from synrl.qa import user_prompt

    return {
        "id": record["id"], "task": record["task"], "family": record["family"], "primitive": record["primitive"],
        "video": str((folder / record["video"]["path"]).resolve()),
        "question": record["question"], "prompt": user_prompt(record), "answer_type": record["answer_type"],
        "answer_json": json.dumps(record["answer"]), "options_json": json.dumps(record.get("options")),
        "answer_ordered": is_ordered(record),
        "answer_tolerance_json": json.dumps(record.get("answer_tolerance")),
    }


def export_task(data: Path, out: Path) -> list[Path]:
    """Write the lmms-eval task for the dataset folder ``data`` into ``out``."""
    from synrl.dataset import MANIFEST, load_dataset

    data, out = Path(data), Path(out)
    if not (data / MANIFEST).is_file():
        raise FileNotFoundError(f"{data} has no {MANIFEST}: generate the suite with `synrl generate --split test`")
    out.mkdir(parents=True, exist_ok=True)
    rows = out / f"{TASK_NAME}.jsonl"
    with rows.open("w", encoding="utf-8") as handle:
        for record in load_dataset(data):
            handle.write(json.dumps(flat_row(record, data), ensure_ascii=False) + "\n")
    task = out / f"{TASK_NAME}.yaml"
    task.write_text(_YAML.format(task=TASK_NAME, data_file=json.dumps(str(rows.resolve()))))
    utils = out / "utils.py"
    utils.write_text(_SHIM)
    return [rows, task, utils]
