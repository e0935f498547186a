"""synrl inside lmms-eval: a model wrapper and task overlays, run in lmms-eval's own venv.

- :mod:`synrl.eval.lmms.model`: the ``synrl`` lmms-eval model. It wraps any lmms-eval model
  (``base=qwen2_5_vl`` ...), sends synrl's system prompt and think/answer instruction, and
  filters each response through synrl's answer extraction (:func:`synrl.answers.extract_answer`)
  before the task's own scorer reads it.
- :mod:`synrl.eval.lmms.tasks`: writes the ``--include_path`` folder: for each lmms-eval task
  of the suite, a YAML that includes lmms-eval's own task file unchanged and only points its
  ``dataset_path`` at the local copy of the benchmark (plus synrl's CVBench task).
- :mod:`synrl.eval.lmms.launch`: ``python -m synrl.eval.lmms.launch <lmms-eval args>``:
  registers the model, then runs lmms-eval's own CLI.

Only :mod:`synrl.eval.lmms.model` and :mod:`synrl.eval.lmms.launch` import lmms-eval.
"""
