"""Carry reviewed work over when a document is translated again.

A reviewer's approved or edited rows must survive a re-run even if paragraphs were inserted or
removed: rows are matched by (target language, source text, occurrence of that text), not by
segment number. Reviewed rows that no longer match any segment (a changed sentence) are kept in
the document's memory file, with their review state, where the translation memory finds them.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import polars as pl

from toolkit.errors import UsageError

KEPT_REVIEWS = ("approved", "edited")

Key = tuple[str, str, int]


def occurrence_keys(texts: Iterable[str]) -> list[tuple[str, int]]:
    """(text, n) where n counts earlier segments with the same text, so repeats stay distinct."""
    seen: Counter[str] = Counter()
    keys = []
    for text in texts:
        keys.append((text, seen[text]))
        seen[text] += 1
    return keys


def reviewed_rows(old: pl.DataFrame | None) -> dict[Key, dict[str, Any]]:
    """Approved/edited rows of a stored document, keyed for matching against new segments."""
    if old is None or old.is_empty():
        return {}
    kept: dict[Key, dict[str, Any]] = {}
    for tgt in old["tgt_lang"].unique().to_list():
        part = old.filter(pl.col("tgt_lang") == tgt).sort("seg_id")
        rows = part.to_dicts()
        for (text, n), row in zip(occurrence_keys(r["src_text"] for r in rows), rows, strict=True):
            if row["review"] in KEPT_REVIEWS:
                kept[(tgt, text, n)] = row
    return kept


# -- reviewed rows that a re-run no longer places: kept, never dropped ------------------------

SUPERSEDED_DIR = "superseded"  # <store>/superseded/<doc_id>.parquet: the document's memory
_CONTENT = ["src_lang", "tgt_lang", "src_text", "tgt_text"]


def superseded_path(out_dir: Path, doc_id: str) -> Path:
    return Path(out_dir) / SUPERSEDED_DIR / f"{doc_id}.parquet"


def dropped_reviewed(previous: pl.DataFrame | None, new: pl.DataFrame) -> pl.DataFrame | None:
    """Approved/edited rows of `previous` whose text and translation are not in `new`."""
    if previous is None or previous.is_empty():
        return None
    reviewed = previous.filter(pl.col("review").is_in(KEPT_REVIEWS))
    if reviewed.is_empty():
        return None
    gone = reviewed.join(new.select(_CONTENT).unique(), on=_CONTENT, how="anti", nulls_equal=True)
    return None if gone.is_empty() else gone


def keep_superseded(out_dir: Path, doc_id: str, rows: pl.DataFrame) -> tuple[int, Path]:
    """Add `rows` (with their review state) to the document's memory file; how many were new.

    The file is outside `<store>/*.parquet`, so exports and reviews do not see these rows,
    but the translation memory reads it (a changed sentence reuses its approved translation).
    """
    from toolkit import store

    path = superseded_path(out_dir, doc_id)
    old = store.read_doc(path) if path.exists() else None
    path.parent.mkdir(parents=True, exist_ok=True)
    if old is None:
        merged, added = rows, rows.height
    else:
        fresh = rows.join(old.select(_CONTENT).unique(), on=_CONTENT, how="anti", nulls_equal=True)
        merged = pl.concat([old, fresh], how="diagonal_relaxed")
        added = fresh.height
    if added:
        store.write_frame(merged, path)
    return added, path


# -- a different source file under an existing doc id ----------------------------------------


@dataclass(frozen=True)
class SourceStamp:
    """Where a stored document's text came from: the file (absolute path) and its text's hash."""

    path: str | None
    sha256: str

    @classmethod
    def of(cls, text: str, path: str | None) -> SourceStamp:
        digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
        real = None if path is None or path in ("-", "<stdin>") else str(Path(path).resolve())
        return cls(real, digest)

    def columns(self) -> dict[str, str | None]:
        return {"source_path": self.path, "source_sha256": self.sha256}


def stored_stamp(previous: pl.DataFrame | None) -> SourceStamp | None:
    """The stamp of a stored document; None for files written before stamps existed."""
    if previous is None or previous.is_empty() or "source_sha256" not in previous.columns:
        return None
    sha = previous["source_sha256"].drop_nulls()
    if sha.is_empty():
        return None
    paths = previous["source_path"].drop_nulls() if "source_path" in previous.columns else sha[:0]
    return SourceStamp(paths[0] if len(paths) else None, sha[0])


def check_same_source(
    previous: pl.DataFrame | None, stamp: SourceStamp, doc_id: str, replace: bool
) -> None:
    """Refuse another file's text under a stored doc id (an edited file at its path is fine)."""
    old = stored_stamp(previous)
    if replace or old is None or old.sha256 == stamp.sha256:
        return
    if old.path and stamp.path and old.path != stamp.path:
        raise UsageError(
            f"document '{doc_id}' in the store was translated from {old.path}, not "
            f"{stamp.path}: pass {{doc_id}} with a new id to keep both, or {{replace}} to "
            "translate this file in its place (its reviewed rows are kept in the document's "
            "memory)",
            options={"doc_id": "doc_id", "replace": "replace=True"},
        )
