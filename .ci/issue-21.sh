#!/usr/bin/env bash
# The browser tests (tests/browse/test_browser.py) need Debian's Chromium and Playwright.
# Usage: bash .ci/issue-21.sh VENV_PYTHON   (before pytest; the tests skip without them).
# Playwright drives the system executable: never `playwright install` (it downloads a browser).
set -euo pipefail
python="${1:?usage: $0 VENV_PYTHON}"
if ! command -v chromium >/dev/null 2>&1; then
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -q
    apt-get install -y -q chromium
fi
"$python" -m pip install -q 'playwright==1.65.2'
