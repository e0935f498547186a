"""``python -m synrl.cli ...``: the ``synrl`` command without the installed script."""

import sys

from synrl.cli import main

if __name__ == "__main__":
    sys.exit(main())
