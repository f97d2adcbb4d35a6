#!/usr/bin/env bash
# Set-up (idempotent): a virtual environment with CPU PyTorch and Mekong (editable, with extras),
# every package at the exact version of requirements/lock.txt (refresh: bash scripts/lock.sh).
# LOCK=none installs the newest versions the ranges in pyproject.toml allow (into VENV).
set -euo pipefail
cd "$(dirname "$0")/.."
VENV="${VENV:-.venv}"
LOCK="${LOCK:-requirements/lock.txt}"
[ -x "$VENV/bin/python" ] || python3 -m venv "$VENV"
pip=("$VENV/bin/pip" install --quiet --disable-pip-version-check)
# CPU build first: an unpinned torch pulls gigabytes of CUDA wheels.
"${pip[@]}" "torch==2.13.0"
if [ "$LOCK" = none ]; then
    "${pip[@]}" --upgrade --upgrade-strategy eager -e ".[dev,ct2,embed,words]"
else
    "${pip[@]}" --constraint "$LOCK" -e ".[dev,ct2,embed,words]"
fi
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
