"""The `mekong` command: a thin layer over the library.

Each command group lives in its own module and registers itself on `app`. Library errors
(`toolkit.errors.MekongError`) become one line on stderr and the error's exit code here, in
one place; `--debug` shows the traceback instead.
"""

from __future__ import annotations

import sys

from toolkit.cli.app import app, run

# Command modules register themselves on import; keep this list sorted.
from toolkit.cli import (  # noqa: E402,F401  isort: skip
    align_cmd,
    check_cmd,
    export_cmd,
    glossary_cmd,
    import_cmd,
    models_cmd,
    review_cmd,
    score_cmd,
    segment_cmd,
    tm_cmd,
    translate_cmd,
)


def main(argv: list[str] | None = None) -> None:
    sys.exit(run(argv))


__all__ = ["app", "main", "run"]
