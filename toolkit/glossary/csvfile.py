"""CSV exchange format: the same columns as the TSV, RFC 4180 quoting, no comment lines."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from toolkit.errors import GlossaryError
from toolkit.glossary.base import Concept, Glossary, GlossaryFormat, Line
from toolkit.glossary.tsv import check_header, decode_text


def parse(text: str, name: str, path: Path | None = None) -> Glossary:
    try:
        rows = list(csv.reader(io.StringIO(text, newline=""), strict=True))
    except csv.Error as exc:
        raise GlossaryError(f"{name}: malformed CSV ({exc})") from None
    rows = [r for r in rows if any(cell.strip() for cell in r)]
    if not rows:
        raise GlossaryError(f"{name}: no header row (expected columns such as id, type, en, ...)")
    columns = [c.strip() for c in rows[0]]
    check_header(columns, name, 1)
    glossary = Glossary(columns=columns, lines=[Line(header=True)], path=path)
    for number, cells in enumerate(rows[1:], start=2):
        if len(cells) != len(columns):
            raise GlossaryError(
                f"{name}:{number}: malformed row: {len(cells)} cells, the header has {len(columns)}"
            )
        glossary.lines.append(Line(concept=Concept(dict(zip(columns, cells, strict=True)), number)))
    return glossary


def dumps(glossary: Glossary) -> str:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(glossary.columns)
    for concept in glossary.concepts:
        writer.writerow([concept.cells.get(c, "") for c in glossary.columns])
    return buffer.getvalue()


class CsvFormat(GlossaryFormat):
    """Spreadsheet exchange: the TSV's columns, RFC 4180 quoting."""

    name = "csv"
    extensions = (".csv",)

    def read(self, data: bytes, name: str, path: Path | None = None) -> Glossary:
        return parse(decode_text(data, name), name, path)

    def write(self, glossary: Glossary) -> str:
        return dumps(glossary)
