#!/usr/bin/env bash
# One-time set-up: a virtual environment with CPU PyTorch and Mekong (editable, with extras).
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -m venv .venv
# CPU build first: an unpinned torch pulls gigabytes of CUDA wheels.
.venv/bin/pip install --quiet "torch==2.13.0"
.venv/bin/pip install --quiet -e ".[dev,ct2]"
