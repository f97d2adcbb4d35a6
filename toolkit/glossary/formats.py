"""The glossary file formats by name and by file suffix: one class each (`GlossaryFormat`).

Adding a format is one class in its own module and one entry here; `fileio` (load, save) and
the `mekong glossary` commands find it through `get_format` / `format_for`, and
tests/test_formats_contract.py runs the shared suite over it.
"""

from __future__ import annotations

from pathlib import Path

from toolkit.errors import UsageError, choices_error
from toolkit.glossary.base import GlossaryFormat
from toolkit.glossary.csvfile import CsvFormat
from toolkit.glossary.tbx import Tbx2Format, TbxFormat
from toolkit.glossary.tsv import TsvFormat

FORMATS: dict[str, GlossaryFormat] = {
    f.name: f for f in (TsvFormat(), CsvFormat(), TbxFormat(), Tbx2Format())
}
NAMES: tuple[str, ...] = tuple(FORMATS)
BY_SUFFIX: dict[str, GlossaryFormat] = {
    suffix: f for f in FORMATS.values() for suffix in f.extensions
}


def get_format(name: str) -> GlossaryFormat:
    """The format called `name`; a usage error lists the others."""
    if name not in FORMATS:
        raise choices_error("format", name, NAMES)
    return FORMATS[name]


def format_for(path: Path, name: str | None = None) -> GlossaryFormat:
    """The format `name`, else the one the file's suffix selects (.tsv .csv .tbx ...)."""
    if name:
        return get_format(name)
    suffix = path.suffix.lower()
    if suffix in BY_SUFFIX:
        return BY_SUFFIX[suffix]
    known = ", ".join(BY_SUFFIX)
    raise UsageError(
        f"{path}: unknown glossary format '{suffix or '(no suffix)'}' (the suffixes are {known}; "
        f"or name one with {{format}}: {', '.join(NAMES)})",
        options=["format"],
    )


__all__ = ["BY_SUFFIX", "FORMATS", "NAMES", "GlossaryFormat", "format_for", "get_format"]
