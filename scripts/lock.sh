#!/usr/bin/env bash
# Refresh requirements/lock.txt: exact versions of everything `scripts/setup.sh` installs,
# resolved by pip-tools (pip-compile) from the ranges in pyproject.toml. Commit the result.
# Run it after changing a dependency or to take newer upstream releases on purpose:
#   bash scripts/lock.sh
set -euo pipefail
cd "$(dirname "$0")/.."
tools=.venv-lock
[ -x "$tools/bin/pip-compile" ] || { python3 -m venv "$tools" && "$tools/bin/pip" install --quiet "pip-tools==7.7.0"; }
"$tools/bin/pip-compile" --quiet --upgrade --strip-extras --allow-unsafe --no-emit-find-links \
    --no-emit-index-url --extra dev --extra ct2 --extra embed --extra words \
    --output-file requirements/lock.txt pyproject.toml
echo "wrote requirements/lock.txt"
