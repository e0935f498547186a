#!/usr/bin/env bash
# The verl tests in their own venv (called by .ci/run): tests/verl must run, not skip.
set -euo pipefail
cd "$(dirname "$0")/.."
source .ci/envs.sh
verl_env .venv-verl .ci/constraints-verl.txt
SYNRL_REQUIRE_VERL=1 FORCE_QWENVL_VIDEO_READER=decord .venv-verl/bin/python -m pytest -q -p no:cacheprovider tests/verl
