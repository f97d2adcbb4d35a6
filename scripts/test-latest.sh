#!/usr/bin/env bash
# The test suite against the newest upstream releases the ranges in pyproject.toml allow (not the
# lock file), in its own environment: an upstream change shows up here as a failing test before a
# user meets it. Run by .ci/run after the locked run.
set -euo pipefail
cd "$(dirname "$0")/.."
VENV=.venv-latest LOCK=none bash scripts/setup.sh
echo "newest versions: $(.venv-latest/bin/pip list --format=freeze 2>/dev/null | grep -iE '^(typer|click|polars|transformers|tokenizers|ctranslate2)==' | tr '\n' ' ')"
# The layer contracts, as scripts/test.sh checks them: a newer import-linter must agree too.
.venv-latest/bin/lint-imports --no-cache
.venv-latest/bin/python -m pytest "$@"
