"""Reading and writing glossary files in any supported format, atomically."""

from __future__ import annotations

from pathlib import Path

from toolkit.errors import GlossaryError, InputError, UsageError
from toolkit.files import atomic_write_bytes, display_name, is_stdio, read_input_bytes
from toolkit.glossary import csvfile, tbx, tsv
from toolkit.glossary.base import Glossary
from toolkit.glossary.cells import check_concepts

FORMATS = ("tsv", "csv", "tbx", "tbx2")  # tbx: TBX v3; tbx2: TBX v2 (martif)
MAX_BYTES = 20 * 1024 * 1024


def format_of(path: Path, fmt: str | None = None) -> str:
    """The format named by `fmt`, else by the file suffix (.tsv .csv .tbx/.xml)."""
    if fmt:
        if fmt not in FORMATS:
            raise UsageError(f"--format {fmt}: choose one of {', '.join(FORMATS)}")
        return fmt
    suffix = path.suffix.lower().lstrip(".")
    if suffix in ("tsv", "txt", "tab"):
        return "tsv"
    if suffix == "csv":
        return "csv"
    if suffix in ("tbx", "xml"):
        return "tbx"
    raise UsageError(f"{path}: unknown glossary format '.{suffix}' (use .tsv, .csv or .tbx)")


def load_glossary(path: str | Path, fmt: str | None = None) -> Glossary:
    """Load a glossary (`-`: stdin, needs `fmt`); a problem is a GlossaryError naming file, row."""
    p = Path(path)
    name = display_name(path)
    if is_stdio(path) and not fmt:
        raise UsageError("a glossary on stdin needs --format (tsv, csv or tbx)")
    kind = format_of(p, fmt)
    try:
        data = read_input_bytes(path, MAX_BYTES, "glossary file")
    except InputError as exc:
        raise GlossaryError(str(exc)) from None
    origin = None if is_stdio(path) else p
    if kind in ("tbx", "tbx2"):  # the version is detected from the root element
        return tbx.parse(data, name, origin)
    text = tsv.decode_text(data, name)
    return (tsv if kind == "tsv" else csvfile).parse(text, name, origin)


def dumps(glossary: Glossary, fmt: str) -> str:
    """The file text; refused (GlossaryError) when a cell holds a tab or control character."""
    check_concepts(glossary.concepts, glossary.name)
    if fmt == "tsv":
        return tsv.dumps(glossary)
    if fmt == "csv":
        return csvfile.dumps(glossary)
    if fmt in ("tbx", "tbx2"):
        return tbx.dumps(glossary, version=2 if fmt == "tbx2" else 3)
    raise UsageError(f"--format {fmt}: choose one of {', '.join(FORMATS)}")


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
            "pass --glossary FILE or --no-glossary"
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
