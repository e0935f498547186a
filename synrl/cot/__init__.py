"""Chain-of-thought for synrl samples (SynRL section 2.2).

* Grounded (no model): :func:`grounded_cot` writes reasoning from a record's timeline,
  states and tracks; :func:`write_grounded_cot` does a whole dataset folder (``cot.jsonl``).
* Checker: :func:`check_cot`, run on every chain whoever wrote it.
* Model path: :func:`synrl.cot.loop.run_model_cot` (generate, verify, reflect, polish over
  OpenAI-compatible endpoints).
"""

from synrl.cot.check import CheckConfig, CheckResult, check_cot
from synrl.cot.dataset import GROUNDED_COT, GroundedSummary, load_cot, write_grounded_cot
from synrl.cot.grounded import MissingWriterError, grounded_cot, register_writer, writer_ids

__all__ = [
    "GROUNDED_COT",
    "CheckConfig",
    "CheckResult",
    "GroundedSummary",
    "MissingWriterError",
    "check_cot",
    "grounded_cot",
    "load_cot",
    "register_writer",
    "write_grounded_cot",
    "writer_ids",
]
