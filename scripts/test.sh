#!/usr/bin/env bash
# The test command: set up (idempotent), check the import layers, run the offline test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
# The layer contracts of docs/architecture.md ([tool.importlinter] in pyproject.toml) first.
.venv/bin/lint-imports --no-cache
.venv/bin/python -m pytest "$@"
