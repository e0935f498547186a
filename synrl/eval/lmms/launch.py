"""``python -m synrl.eval.lmms.launch <lmms-eval arguments>``: lmms-eval's own CLI with the
``synrl`` model registered. Run with the python of the venv that has lmms-eval installed.

``SYNRL_LMMS_PRELUDE=module:function`` names a function to call first (e.g. an environment
workaround that must run before torch-dependent imports).
"""

from __future__ import annotations

import importlib
import os
import runpy
import sys


def main(argv: list[str] | None = None) -> None:
    prelude = os.environ.get("SYNRL_LMMS_PRELUDE")
    if prelude:
        module, _, function = prelude.partition(":")
        getattr(importlib.import_module(module), function)()
    from synrl.eval.lmms.model import register

    register()
    sys.argv = ["lmms_eval", *(sys.argv[1:] if argv is None else argv)]
    runpy.run_module("lmms_eval", run_name="__main__", alter_sys=True)


if __name__ == "__main__":
    main()
