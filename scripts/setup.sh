#!/usr/bin/env bash
# Set-up (idempotent): a virtual environment with CPU PyTorch and Mekong (editable, with extras).
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x .venv/bin/python ] || python3 -m venv .venv
# CPU build first: an unpinned torch pulls gigabytes of CUDA wheels.
.venv/bin/pip install --quiet --disable-pip-version-check "torch==2.13.0"
.venv/bin/pip install --quiet --disable-pip-version-check -e ".[dev,ct2]"
