"""The native format: UTF-8 TSV, one concept a row, '#' comment lines kept in place."""

from __future__ import annotations

from pathlib import Path

from toolkit.errors import GlossaryError
from toolkit.glossary.base import (
    LANGS,
    REQUIRED_COLUMNS,
    Concept,
    Glossary,
    GlossaryFormat,
    Line,
    unknown_column_message,
)


def decode_text(data: bytes, name: str) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise GlossaryError(f"{name}: not UTF-8 (undecodable byte at offset {exc.start})") from None


def check_header(columns: list[str], name: str, row: int) -> None:
    """Refuse a header with unknown, duplicate or missing columns (before any row is read)."""
    from toolkit.glossary.base import KNOWN_COLUMNS

    where = f"{name}:{row}"
    for col in columns:
        if col not in KNOWN_COLUMNS:
            raise GlossaryError(f"{where}: {unknown_column_message(col)}")
    dupes = sorted({c for c in columns if columns.count(c) > 1})
    if dupes:
        raise GlossaryError(f"{where}: column '{dupes[0]}' appears twice in the header")
    missing = [c for c in REQUIRED_COLUMNS if c not in columns]
    if missing:
        raise GlossaryError(f"{where}: missing required column '{missing[0]}'")
    if not any(c in LANGS for c in columns):
        raise GlossaryError(f"{where}: no language column (one of {', '.join(LANGS)})")


def parse(text: str, name: str, path: Path | None = None) -> Glossary:
    glossary = Glossary(columns=[], lines=[], path=path)
    columns: list[str] | None = None
    raw_lines = text.split("\n")
    if raw_lines and raw_lines[-1] == "":
        raw_lines.pop()  # the final newline ends the last row; it is not an empty line
    for number, raw in enumerate(raw_lines, start=1):
        line = raw.rstrip("\r")
        if line.startswith("#") or not line.strip():
            glossary.lines.append(Line(raw=line))
            continue
        cells = line.split("\t")
        if columns is None:
            columns = [c.strip() for c in cells]
            check_header(columns, name, number)
            glossary.columns = columns
            glossary.lines.append(Line(header=True))
            continue
        if len(cells) != len(columns):
            raise GlossaryError(
                f"{name}:{number}: malformed row: {len(cells)} cells, the header has "
                f"{len(columns)} (cells are separated by tabs)"
            )
        glossary.lines.append(Line(concept=Concept(dict(zip(columns, cells, strict=True)), number)))
    if columns is None:
        raise GlossaryError(f"{name}: no header row (expected columns such as id, type, en, ...)")
    return glossary


def dumps(glossary: Glossary) -> str:
    out: list[str] = []
    for line in glossary.lines:
        if line.header:
            out.append("\t".join(glossary.columns))
        elif line.concept is not None:
            out.append("\t".join(line.concept.cells.get(c, "") for c in glossary.columns))
        else:
            out.append(line.raw or "")
    return "\n".join(out) + "\n"


class TsvFormat(GlossaryFormat):
    """The native format; comments, blank lines and the column order are kept."""

    name = "tsv"
    extensions = (".tsv", ".txt", ".tab")
    keeps_layout = True

    def read(self, data: bytes, name: str, path: Path | None = None) -> Glossary:
        return parse(decode_text(data, name), name, path)

    def write(self, glossary: Glossary) -> str:
        return dumps(glossary)
