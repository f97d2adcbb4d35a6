"""Reading and writing glossary files in any supported format, atomically."""

from __future__ import annotations

from pathlib import Path

from toolkit.errors import GlossaryError, InputError, UsageError
from toolkit.files import atomic_write_bytes, display_name, is_stdio, read_input_bytes
from toolkit.glossary.base import Glossary
from toolkit.glossary.cells import check_concepts
from toolkit.glossary.formats import NAMES, format_for, get_format

FORMATS = NAMES  # tsv, csv, tbx (TBX v3), tbx2 (TBX v2, martif)
MAX_BYTES = 20 * 1024 * 1024


def format_of(path: Path, fmt: str | None = None) -> str:
    """The name of the format `fmt`, else of the one the file suffix selects."""
    return format_for(path, fmt).name


def load_glossary(path: str | Path, fmt: str | None = None) -> Glossary:
    """Load a glossary (`-`: stdin, needs `fmt`); a problem is a GlossaryError naming file, row."""
    p = Path(path)
    name = display_name(path)
    if is_stdio(path) and not fmt:
        raise UsageError(
            f"a glossary on standard input needs {{format}} ({', '.join(NAMES)})",
            options=["format"],
        )
    kind = format_for(p, fmt)
    try:
        data = read_input_bytes(path, MAX_BYTES, "glossary file")
    except InputError as exc:
        raise GlossaryError(exc.message, options=exc.options) from None
    return kind.read(data, name, None if is_stdio(path) else p)


def dumps(glossary: Glossary, fmt: str) -> str:
    """The file text; refused (GlossaryError) when a cell holds a tab or control character."""
    kind = get_format(fmt)
    check_concepts(glossary.concepts, glossary.name)
    return kind.write(glossary)


def save(glossary: Glossary, path: str | Path, fmt: str | None = None) -> Path:
    """Write atomically (temp file + rename): a failed write leaves the old file as it was.

    A file that is replaced keeps its layout: a UTF-8 BOM and CRLF line ends (as Windows
    editors write them) stay, so a one-cell edit does not show as a change of every line.
    """
    p = Path(path)
    bom, crlf = _layout_of(p)
    text = dumps(glossary, format_of(p, fmt))
    if crlf:
        text = text.replace("\r\n", "\n").replace("\n", "\r\n")
    return atomic_write_bytes(p, (b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8"))


def _layout_of(path: Path) -> tuple[bool, bool]:
    """(has a UTF-8 BOM, first line ends in CRLF) of an existing file; (False, False) if new."""
    try:
        with open(path, "rb") as fh:
            head = fh.read(64 * 1024)
    except OSError:
        return False, False
    first_line = head.split(b"\n", 1)
    return head.startswith(b"\xef\xbb\xbf"), len(first_line) > 1 and first_line[0].endswith(b"\r")


def default_path() -> Path | None:
    """The shipped glossary: next to the package (source checkout), else in the working folder."""
    here = Path(__file__).resolve().parent.parent.parent / "glossaries" / "legal-institutional.tsv"
    for candidate in (here, Path.cwd() / "glossaries" / "legal-institutional.tsv"):
        if candidate.is_file():
            return candidate
    return None


def require_default() -> Path:
    path = default_path()
    if path is None:
        raise GlossaryError(
            "the shipped glossary glossaries/legal-institutional.tsv was not found; "
            "name a glossary file ({glossary}) or use none ({no_glossary})",
            options={"glossary": "glossary=PATH", "no_glossary": "glossary=None"},
        )
    return path


__all__ = [
    "FORMATS",
    "GlossaryError",
    "default_path",
    "dumps",
    "format_of",
    "load_glossary",
    "save",
]
