"""Run ``synrl.cli.train`` as a user would, after the test-environment torchvision workaround.
"""

import os
import sys

sys.path.insert(0, os.path.dirname(__file__))

from _tv_workaround import register_torchvision_schemas  # noqa: E402

register_torchvision_schemas()


from synrl.cli.train import main  # noqa: E402

main()
