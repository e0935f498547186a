#!/usr/bin/env bash
# Debian's Chromium for the browser tests (tests/browse/test_browser.py), which Playwright
# (the `browser` extra) drives as the system executable: never `playwright install`, which
# downloads a browser of its own.
set -euo pipefail
if ! command -v chromium >/dev/null 2>&1; then
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -q
    apt-get install -y -q chromium
fi
