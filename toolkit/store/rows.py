"""The one builder of store rows: translate, align and carried (reused) rows all come from here.

A row is where it sits in the document (`Placement`) plus what it says (`Content`); a reviewed
row carried over to a re-segmented document keeps its content and takes the new placement.
Keeping the 22 columns in one place means a new column is added once, for every origin.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


@dataclass(frozen=True)
class Placement:
    """Where a row sits: its document, segment numbers and source character span."""

    doc_id: str
    seg_id: int
    para_id: int
    src_ids: Sequence[int]
    tgt_ids: Sequence[int]
    src_start: int | None
    src_end: int | None

    @classmethod
    def one_segment(
        cls, doc_id: str, seg_id: int, para_id: int, start: int | None, end: int | None
    ) -> Placement:
        """A translated segment: one source segment, its target numbered the same."""
        return cls(doc_id, seg_id, para_id, [seg_id], [seg_id], start, end)


@dataclass
class Content:
    """What a row says: the pair, the texts, where the text came from and how good it looks."""

    src_lang: str
    tgt_lang: str
    src_text: str
    tgt_text: str
    origin: str  # one of store.ORIGINS
    engine: str
    score: float
    status: str  # one of store.STATUSES
    signals: Mapping[str, Any]
    created_at: datetime
    glossary_version: str = ""
    terms: list[dict[str, Any]] = field(default_factory=list)
    review: str = "new"
    mt_text: str | None = None
    test_model: bool = False


def build_row(place: Placement, content: Content) -> dict[str, Any]:
    """One store row (a dict in the store's column order; `store.to_frame` types it)."""
    return {
        "doc_id": place.doc_id,
        "seg_id": place.seg_id,
        "para_id": place.para_id,
        "src_lang": content.src_lang,
        "tgt_lang": content.tgt_lang,
        "src_text": content.src_text,
        "tgt_text": content.tgt_text,
        "src_ids": list(place.src_ids),
        "tgt_ids": list(place.tgt_ids),
        "origin": content.origin,
        "engine": content.engine,
        "glossary_version": content.glossary_version,
        "terms": content.terms,
        "score": content.score,
        "status": content.status,
        "review": content.review,
        "created_at": content.created_at,
        "mt_text": content.mt_text,
        "test_model": content.test_model,
        "src_start": place.src_start,
        "src_end": place.src_end,
        "signals": content.signals,
    }


CONTENT_FIELDS = tuple(Content.__dataclass_fields__)


def content_of(row: Mapping[str, Any]) -> Content:
    """The content of a stored row (to build it again at another placement)."""
    return Content(**{name: row[name] for name in CONTENT_FIELDS})


def carried_row(row: Mapping[str, Any], place: Placement) -> dict[str, Any]:
    """A stored (reviewed) row moved to `place`; columns beyond the builder's are kept."""
    return {**row, **build_row(place, content_of(row))}
