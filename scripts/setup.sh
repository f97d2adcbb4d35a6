#!/usr/bin/env bash
# Set-up (idempotent): a virtual environment with CPU PyTorch and Mekong (editable, with extras).
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x .venv/bin/python ] || python3 -m venv .venv
# CPU build first: an unpinned torch pulls gigabytes of CUDA wheels.
.venv/bin/pip install --quiet --disable-pip-version-check "torch==2.13.0"
.venv/bin/pip install --quiet --disable-pip-version-check -e ".[dev,ct2,embed,words]"
# The review page's browser test drives Debian's chromium with Playwright (no browser download).
if ! command -v chromium >/dev/null 2>&1; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
    else
        echo "note: chromium is not installed; the review browser test will be skipped" \
             "(install it with: sudo apt-get install chromium)" >&2
    fi
fi
