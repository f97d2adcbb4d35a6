"""Carry reviewed work over when a document is translated again.

A reviewer's approved or edited rows must survive a re-run even if paragraphs were inserted or
removed: rows are matched by (target language, source text, occurrence of that text), not by
segment number.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from typing import Any

import polars as pl

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
