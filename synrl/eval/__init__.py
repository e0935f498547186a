"""Evaluation: the synthetic suite and real video benchmarks, scored with synrl's one parser.

``synrl eval run`` (see :mod:`synrl.cli.eval`) loads a benchmark (:mod:`synrl.eval.benchmarks`),
asks a backend (:mod:`synrl.eval.backends`) for completions, appends them to a resumable
predictions file (:mod:`synrl.eval.runner`), scores them (:mod:`synrl.eval.scoring`,
:mod:`synrl.eval.metrics`) and writes metrics, a markdown table and charts
(:mod:`synrl.eval.report`). docs/evaluation.md is the user guide.
"""
