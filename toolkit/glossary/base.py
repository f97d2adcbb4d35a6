"""The term base model: concepts with one cell per language, plus the file's layout.

A glossary file is kept as an ordered list of lines (comments, blank lines and concept rows)
so that editing one concept and saving rewrites nothing else: row order and comments survive.
Matching and verification live in `toolkit.glossary.match` (what they return: `hits`); checks
in `toolkit.glossary.lint`.
"""

from __future__ import annotations

import hashlib
import unicodedata
from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from pathlib import Path
from typing import ClassVar

from toolkit.errors import GlossaryError
from toolkit.glossary.cells import check_value
from toolkit.glossary.hits import TermCheck, TermConstraint, TermHit

LANGS: tuple[str, ...] = ("en", "km", "lo", "th", "vi")
TYPES: tuple[str, ...] = ("institution", "title", "law", "place", "acronym", "other")
STATUSES: tuple[str, ...] = ("verified", "proposed")
# Where a concept applies (a jurisdiction; empty = anywhere), how hard it is enforced (empty =
# force) and where a title counts as a title (empty = anywhere): see README, "Glossary".
SCOPES: tuple[str, ...] = ("kh", "la", "th", "vn", "intl")
LEVELS: tuple[str, ...] = ("force", "check")
CONTEXTS: tuple[str, ...] = ("any", "before-name", "address")
# `gender`: m:ID or f:ID on the two rows of a title whose form depends on the person
# (toolkit.glossary.gender).
REQUIRED_COLUMNS: tuple[str, ...] = ("id", "type", "status", "source")
# The canonical column order used when a new file is written.
DEFAULT_COLUMNS: tuple[str, ...] = (
    "id",
    "type",
    *LANGS,
    "dnt",
    "scope",
    "level",
    "context",
    "gender",
    *(f"forbidden_{lang}" for lang in LANGS),
    "status",
    "source",
    "note",
)
KNOWN_COLUMNS = frozenset(DEFAULT_COLUMNS)
VARIANT_SEP = " | "
TRUE_VALUES = ("yes", "true", "1", "x", "y")


def split_variants(cell: str) -> list[str]:
    """' | '-separated variants of a cell, the first preferred; empty parts are kept for lint."""
    if not cell.strip():
        return []
    return [part.strip() for part in cell.split("|")]


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


@dataclass
class Concept:
    """One row of the term base: the cells as written, keyed by column name."""

    cells: dict[str, str]
    row: int = 0  # 1-based line number in the file it came from (0 = added in memory)

    @property
    def id(self) -> str:
        return self.cells.get("id", "")

    @property
    def type(self) -> str:
        return self.cells.get("type", "")

    @property
    def status(self) -> str:
        return self.cells.get("status", "")

    @property
    def dnt(self) -> bool:
        return self.cells.get("dnt", "").strip().lower() in TRUE_VALUES

    @property
    def scope(self) -> str:
        return self.cells.get("scope", "").strip() or "intl"

    @property
    def scopes(self) -> tuple[str, ...]:
        """The jurisdictions a scoped concept belongs to ("kh la vn": a name several share)."""
        return tuple(self.scope.split())

    @property
    def level(self) -> str:
        return self.cells.get("level", "").strip() or "force"

    @property
    def context(self) -> str:
        return self.cells.get("context", "").strip() or "any"

    def column_problem(self) -> tuple[str, str] | None:
        """(column, message) for an unknown scope, level or context value, else None."""
        for column, allowed in (("scope", SCOPES), ("level", LEVELS), ("context", CONTEXTS)):
            value = self.cells.get(column, "").strip()
            parts = value.split() if column == "scope" and "intl" not in value.split() else [value]
            bad = next((p for p in parts if p and p not in allowed), None)
            if bad is not None:
                hint = " (several countries: separated by spaces)" if column == "scope" else ""
                return column, f"'{bad}' is not one of {', '.join(allowed)}{hint}"
        return None

    def terms(self, lang: str) -> list[str]:
        """Variants in `lang`, preferred first, NFC, empty ones dropped."""
        return [nfc(t) for t in split_variants(self.cells.get(lang, "")) if t]

    def forbidden(self, lang: str) -> list[str]:
        return [nfc(t) for t in split_variants(self.cells.get(f"forbidden_{lang}", "")) if t]

    def preferred(self, lang: str) -> str:
        terms = self.terms(lang)
        return terms[0] if terms else ""


@dataclass
class Line:
    """A physical line of the file: a comment/blank line (`raw`) or a concept."""

    raw: str | None = None
    concept: Concept | None = None
    header: bool = False


@dataclass
class Glossary:
    """An ordered term base. `columns` is the header as in the file; `lines` keeps comments."""

    columns: list[str] = field(default_factory=lambda: list(DEFAULT_COLUMNS))
    lines: list[Line] = field(default_factory=lambda: [Line(header=True)])
    path: Path | None = None
    _matchers: dict[str, object] = field(default_factory=dict, repr=False, compare=False)

    # -- content --------------------------------------------------------------------------
    @property
    def concepts(self) -> list[Concept]:
        return [ln.concept for ln in self.lines if ln.concept is not None]

    @property
    def langs(self) -> list[str]:
        return [c for c in self.columns if c in LANGS]

    def get(self, concept_id: str) -> Concept | None:
        return next((c for c in self.concepts if c.id == concept_id), None)

    def require(self, concept_id: str) -> Concept:
        concept = self.get(concept_id)
        if concept is None:
            raise GlossaryError(f"{self.name}: no concept with id '{concept_id}'")
        return concept

    @property
    def name(self) -> str:
        return str(self.path) if self.path else "glossary"

    @property
    def version(self) -> str:
        """Short hash of the concepts' content: identifies the glossary a translation used."""
        digest = hashlib.sha256()
        for concept in self.concepts:
            for col in sorted(concept.cells):
                digest.update(f"{col}\x1f{concept.cells[col]}\x1e".encode())
            digest.update(b"\x1d")
        return digest.hexdigest()[:12]

    # -- editing (callers save with toolkit.glossary.fileio.save) -----------------------
    def add(self, concept: Concept) -> None:
        if not concept.id:
            raise GlossaryError(f"{self.name}: a concept needs an id")
        if self.get(concept.id) is not None:
            raise GlossaryError(f"{self.name}: id '{concept.id}' already exists")
        self.check_columns(list(concept.cells))
        self.lines.append(Line(concept=concept))
        self._matchers.clear()

    def set(self, concept_id: str, column: str, value: str) -> None:
        self.check_columns([column])
        check_value(value, column, f"{self.name}: concept {concept_id!r}")
        if column == "id" and value != concept_id and self.get(value) is not None:
            raise GlossaryError(f"{self.name}: id '{value}' already exists")
        if column not in self.columns:
            self.columns = [c for c in DEFAULT_COLUMNS if c in self.columns or c == column]
        self.require(concept_id).cells[column] = value
        self._matchers.clear()

    def remove(self, concept_id: str) -> Concept:
        concept = self.require(concept_id)
        self.lines = [ln for ln in self.lines if ln.concept is not concept]
        self._matchers.clear()
        return concept

    def check_columns(self, columns: list[str]) -> None:
        unknown = [c for c in columns if c not in KNOWN_COLUMNS]
        if unknown:
            raise GlossaryError(f"{self.name}: {unknown_column_message(unknown[0])}")

    # -- matching, constraints and verification (toolkit.glossary.match) -----------------
    def match(self, text: str, lang: str, jurisdiction: str | None = None) -> list[TermHit]:
        """Terms of `lang` found in `text`, longest match first wins, in text order.

        `jurisdiction` (kh, la, th, vn) resolves generic names of scoped concepts; without it
        such names are hit at level `check` (verified, never forced)."""
        from toolkit.glossary.match import matcher_for

        return matcher_for(self, lang).find(text, jurisdiction)

    def constraints(self, hits: list[TermHit], tgt: str) -> list[TermConstraint]:
        """What the engine must produce in `tgt` for these hits (one per concept)."""
        from toolkit.glossary.match import constraints_for

        return constraints_for(self, hits, tgt)

    def verify(self, tgt_text: str, hits: list[TermHit], tgt: str) -> list[TermCheck]:
        """One check per concept hit: is a target form present in the translation?"""
        from toolkit.glossary.match import verify

        return verify(self, tgt_text, hits, tgt)


def unknown_column_message(column: str) -> str:
    base = column.removeprefix("forbidden_")
    if len(base) in (2, 3) and base.isalpha() and base not in LANGS:
        return f"unknown language column '{column}' (languages are {', '.join(LANGS)})"
    return f"unknown column '{column}' (known: {', '.join(DEFAULT_COLUMNS)})"


class GlossaryFormat(ABC):
    """One glossary file format (registered in `toolkit.glossary.formats`).

    `read` turns a file's bytes into a Glossary or raises GlossaryError naming the file (and
    row); `write` gives the file's text. tests/test_formats_contract.py runs the same suite over
    every registered format.
    """

    name: ClassVar[str]
    # file suffixes that select this format when none is named (empty: only by its name)
    extensions: ClassVar[tuple[str, ...]] = ()
    # comment lines and the file's own column order survive a load and save
    keeps_layout: ClassVar[bool] = False

    @abstractmethod
    def read(self, data: bytes, name: str, path: Path | None = None) -> Glossary:
        """The glossary in `data` (`name`: how messages call the file)."""

    @abstractmethod
    def write(self, glossary: Glossary) -> str:
        """The file text of `glossary` (its cells already checked by the caller)."""
