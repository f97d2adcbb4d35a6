"""The interface every exchange format implements, and what the formats share.

A format turns a document frame (one or more targets) into bytes and, for formats a reviewer
edits (TMX, XLIFF, XLSX), reads such a file back into `ImportedRow`s keyed by doc_id/seg_id/
tgt_lang. Review states map onto each format's own vocabulary here, in one place.
"""

from __future__ import annotations

import re
from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import Any, ClassVar

import polars as pl

from toolkit import __version__
from toolkit.errors import InputError

TOOL = "Mekong"
TOOL_VERSION = __version__
TEST_MODEL_NOTE = (
    "TEST MODEL: rows marked test_model were produced by a random-weight test model; "
    "their translations are meaningless."
)

# XML 1.0 cannot carry these characters at all; they are dropped on export.
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def xml_text(value: object) -> str:
    return _XML_ILLEGAL.sub("", "" if value is None else str(value))


@dataclass(frozen=True)
class ImportedRow:
    """One target segment as found in a reviewed file (review None: the file has no state)."""

    doc_id: str
    seg_id: int
    tgt_lang: str
    tgt_text: str
    review: str | None = None
    src_text: str | None = None  # to detect a file of another version of the document


def flags_of(row: dict[str, Any]) -> list[str]:
    signals = row.get("signals") or {}
    return [str(f) for f in (signals.get("flags") or [])]


def term_summary(row: dict[str, Any]) -> str:
    """`src → tgt` per glossary term, missing ones marked, for notes and spreadsheet cells."""
    parts = []
    for t in row.get("terms") or []:
        mark = "" if t.get("found") else " (MISSING)"
        parts.append(f"{t.get('src')} → {t.get('tgt')}{mark}")
    return "; ".join(parts)


def row_notes(row: dict[str, Any]) -> list[tuple[str, str]]:
    """The `mekong-*` notes of one row, in file order: both XLIFF versions write these."""
    score = row["score"]
    notes = [
        ("mekong-score", f"{score:.4f}" if score is not None else ""),
        ("mekong-status", row["status"]),
        ("mekong-origin", row["origin"]),
    ]
    if row.get("test_model"):
        notes.append(("mekong-test-model", "true"))
    if flags_of(row):
        notes.append(("mekong-flags", " ".join(flags_of(row))))
    if row.get("terms"):
        notes.append(("mekong-terms", term_summary(row)))
    return notes


def ordered_rows(frame: pl.DataFrame) -> list[dict[str, Any]]:
    """Rows in document order, target by target (stable output for diffs)."""
    return frame.sort(["tgt_lang", "seg_id"]).to_dicts()


def single_value(frame: pl.DataFrame, column: str, default: str = "*all*") -> str:
    values = frame[column].unique().to_list() if frame.height else []
    return str(values[0]) if len(values) == 1 else default


def parse_seg_id(value: object, where: str) -> int:
    try:
        number = float(str(value).strip())
    except ValueError:
        raise InputError(f"{where}: segment id {value!r} is not a number") from None
    if not number.is_integer():
        raise InputError(f"{where}: segment id {value!r} is not a whole number")
    return int(number)


class ExportFormat(ABC):
    """One exchange format. `per_target` formats hold a single target language per file."""

    name: ClassVar[str]
    extension: ClassVar[str]
    binary: ClassVar[bool] = False
    per_target: ClassVar[bool] = False
    importable: ClassVar[bool] = False

    @abstractmethod
    def export(self, frame: pl.DataFrame) -> bytes:
        """The file's bytes for these rows."""

    def read(self, data: bytes, where: str) -> list[ImportedRow]:
        raise InputError(f"{where}: {self.name} files cannot be imported")


def parse_xml(data: bytes, where: str):  # noqa: ANN201  (an ElementTree element)
    """Parse untrusted XML (`toolkit.xmlsafe`): an external DOCTYPE line is fine, no entities."""
    from toolkit import xmlsafe

    return xmlsafe.parse_or_raise(
        data,
        lambda exc: InputError(
            f"{where}: refused: {exc} (a DOCTYPE subset, entities or external references "
            "are not allowed in TMX/XLIFF)"
        ),
        lambda exc: InputError(f"{where}: {exc}"),
    )
