"""How a reviewer's action changes a stored row: the one place shared by the page and imports.

`review` becomes edited | approved | rejected (or back to new); `tgt_text` takes the edit while
`mt_text` keeps the machine output; each glossary term's `found` is re-checked on the new text and
the row is rescored with the translation's rules (`rescore`), so the page and exports never show
a stale "missing term", score or status. `row_version` names a row's reviewable state: the page
sends it back with a save, and a save over a newer state is refused.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import polars as pl

from toolkit import store
from toolkit.errors import InputError
from toolkit.review.rescore import rescore_row

REVIEWS = store.REVIEWS
Key = tuple[int, str]


@dataclass(frozen=True)
class ReviewChange:
    """One requested change; `tgt_text=None` keeps the text, `review=None` derives it."""

    seg_id: int
    tgt_lang: str
    review: str | None = None
    tgt_text: str | None = None


@dataclass(frozen=True)
class Applied:
    """A change that altered the store (for reports): the row key, old and new state and text."""

    seg_id: int
    tgt_lang: str
    old_review: str
    new_review: str
    old_text: str
    new_text: str

    @property
    def text_changed(self) -> bool:
        return self.old_text != self.new_text

    def as_dict(self) -> dict[str, Any]:
        return {
            "seg_id": self.seg_id,
            "tgt_lang": self.tgt_lang,
            "old_review": self.old_review,
            "review": self.new_review,
            "text_changed": self.text_changed,
        }


VERSION_FIELDS = ("src_text", "tgt_text", "review", "status")


def row_version(row: dict[str, Any]) -> str:
    """A short hash of what a reviewer sees and changes in a row: any save, import or re-run
    that changes it gives a new version (derived, so the store needs no extra column)."""
    data = json.dumps([row.get(k) for k in VERSION_FIELDS], ensure_ascii=False)
    return hashlib.sha256(data.encode("utf-8")).hexdigest()[:16]


def term_found(tgt_text: str, expected: str | None) -> bool:
    """Whether any ` | `-separated variant of the expected target form occurs in the text."""
    from toolkit.glossary.match import term_present

    variants = [v.strip() for v in (expected or "").split("|") if v.strip()]
    return not variants or term_present(tgt_text, variants)


def recheck_terms(terms: list[dict[str, Any]] | None, tgt_text: str) -> list[dict[str, Any]]:
    return [{**t, "found": term_found(tgt_text, t.get("tgt"))} for t in (terms or [])]


def apply_changes(
    frame: pl.DataFrame, changes: Iterable[ReviewChange]
) -> tuple[pl.DataFrame, list[Applied]]:
    """Apply changes to a document frame; returns the same frame object if nothing changed."""
    index: dict[Key, int] = {
        (int(s), str(t)): i
        for i, (s, t) in enumerate(zip(frame["seg_id"], frame["tgt_lang"], strict=True))
    }
    texts = frame["tgt_text"].to_list()
    reviews = frame["review"].to_list()
    mt = frame["mt_text"].to_list() if "mt_text" in frame.columns else list(texts)
    terms = frame["terms"].to_list()
    applied: list[Applied] = []
    for change in changes:
        key = (int(change.seg_id), change.tgt_lang)
        if key not in index:
            raise InputError(
                f"segment {change.seg_id} ({change.tgt_lang}) is not in document "
                f"{frame['doc_id'][0] if frame.height else '?'}"
            )
        i = index[key]
        review, text = store.next_review(reviews[i], texts[i], change.review, change.tgt_text)
        if review == reviews[i] and text == texts[i]:
            continue
        applied.append(Applied(key[0], key[1], reviews[i], review, texts[i], text))
        if text != texts[i]:
            if mt[i] is None:
                mt[i] = texts[i]
            texts[i] = text
            terms[i] = recheck_terms(terms[i], text)
        reviews[i] = review
    if not applied:
        return frame, applied
    updated = frame.with_columns(  # replaces columns in place, keeps the column order
        pl.Series("tgt_text", texts, dtype=pl.String),
        pl.Series("review", reviews, dtype=pl.String),
        pl.Series("mt_text", mt, dtype=pl.String),
        pl.Series("terms", terms, dtype=frame["terms"].dtype),
    )
    todo = [index[(a.seg_id, a.tgt_lang)] for a in applied]
    return _rescored(frame, updated, sorted(set(todo)), texts, mt, terms), applied


def _rescored(
    frame: pl.DataFrame,
    updated: pl.DataFrame,
    rows: list[int],
    texts: list[str],
    mt: list[str | None],
    terms: list[Any],
) -> pl.DataFrame:
    """Score, status and signals of the changed rows measured again on their current text.

    A row whose text is still the machine output it was scored on keeps its score (approving
    it changes nothing the score measures); an edited text, or an earlier edit whose score was
    never updated, is scored like a fresh translation.
    """
    scores, statuses = updated["score"].to_list(), updated["status"].to_list()
    signals = updated["signals"].to_list()
    old_texts = frame["tgt_text"].to_list()
    changed = False
    for i in rows:
        machine = mt[i] is None or texts[i] == mt[i]
        if machine and texts[i] == old_texts[i]:
            continue
        scores[i], statuses[i], signals[i] = rescore_row(updated, texts, i, terms[i], machine)
        changed = True
    if not changed:
        return updated
    return updated.with_columns(
        pl.Series("score", scores, dtype=pl.Float64),
        pl.Series("status", statuses, dtype=pl.String),
        pl.from_dicts(signals, infer_schema_length=None).to_struct("signals"),
    )


def update_store(path: Path, changes: Iterable[ReviewChange]) -> list[Applied]:
    """Apply changes to a stored document atomically (locked read, modify, atomic rename)."""
    changes = list(changes)
    return store.update_doc(path, lambda frame: apply_changes(frame, changes))
