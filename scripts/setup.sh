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
# System packages for the review page: Debian's chromium (its browser tests) and Noto fonts for
# Khmer, Lao and Thai (fonts-noto-core). Installed where we can (root or password-less sudo and
# apt-get); otherwise one line says what to install. Never fails the set-up.
wanted=()
command -v chromium >/dev/null 2>&1 || wanted+=(chromium)
fc-list 2>/dev/null | grep -qi "Noto Sans Khmer" || wanted+=(fonts-noto-core)
if [ ${#wanted[@]} -gt 0 ]; then
    sudo=()
    [ "$(id -u)" = 0 ] || sudo=(sudo -n)
    if command -v apt-get >/dev/null 2>&1 && "${sudo[@]}" true 2>/dev/null; then
        { "${sudo[@]}" apt-get update -qq &&
          DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq "${wanted[@]}" >/dev/null; } ||
            echo "note: could not install ${wanted[*]} (apt-get failed); the review page needs them" >&2
    else
        echo "note: install ${wanted[*]} (e.g. sudo apt-get install ${wanted[*]}) for the review" \
             "page's Khmer/Lao/Thai glyphs and its browser tests" >&2
    fi
fi
