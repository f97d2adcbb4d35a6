"""`import-review`: bring a reviewed TMX/XLIFF/XLSX export back into the store.

Rows are matched by doc_id/seg_id/tgt_lang and checked against the stored source text, so a
file of another document (or of an older version whose segments moved) is refused instead of
landing edits on the wrong sentences. Only real changes are applied: an untouched export
changes nothing, a "new" state in a file never undoes a newer approval, and a file target equal
to the machine text never overwrites a newer edit made in the store.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from toolkit import store
from toolkit.documents import entering_text
from toolkit.errors import InputError, StoreError, UsageError
from toolkit.review.changes import Applied, ReviewChange, apply_changes
from toolkit.store.formats import FORMATS, IMPORT_SUFFIXES, ImportedRow

VERDICTS = ("approved", "rejected")  # states a file can set without changing the text
MAX_IMPORT_BYTES = 200 * 1024 * 1024


@dataclass
class ImportReport:
    doc_id: str
    path: Path
    rows: int
    applied: list[Applied] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)  # rows where the store's newer work was kept
    dry_run: bool = False


def detect_format(path: Path, data: bytes) -> str:
    """By suffix, else by content (a zip is XLSX, XML by its root element)."""
    fmt = IMPORT_SUFFIXES.get(path.suffix.lower())
    if fmt:
        return fmt
    head = data[:2048].lstrip()
    if data.startswith(b"PK"):
        return "xlsx"
    if b"<tmx" in head:
        return "tmx"
    if b"<xliff" in head:
        return "xliff"
    raise InputError(f"{path}: unknown review file (use .xlsx, .xlf/.xliff or .tmx)")


def read_review_file(path: Path) -> list[ImportedRow]:
    path = Path(path)
    if not path.is_file():
        raise InputError(f"{path}: no such file")
    if path.stat().st_size > MAX_IMPORT_BYTES:
        raise InputError(f"{path}: file too large to be a review export")
    data = path.read_bytes()
    rows = FORMATS[detect_format(path, data)].read(data, str(path))
    if not rows:
        raise InputError(f"{path}: no segments in file")
    return rows


def _norm(text: str | None) -> str | None:
    """Unix line ends and no control characters, as every text that enters the store."""
    return None if text is None else entering_text(text)


def _unique(rows: list[ImportedRow], where: str) -> tuple[list[ImportedRow], list[str]]:
    """One row per segment: an exact repeat is reported, two different edits are refused."""
    first: dict[tuple[int, str], ImportedRow] = {}
    notes: list[str] = []
    for row in rows:
        key = (row.seg_id, row.tgt_lang)
        seen = first.setdefault(key, row)
        if seen is row:
            continue
        if (_norm(seen.tgt_text), seen.review) != (_norm(row.tgt_text), row.review):
            raise InputError(
                f"{where}: segment {row.seg_id} ({row.tgt_lang}) appears twice with different "
                "text or review: keep one of the rows; nothing was changed"
            )
        notes.append(f"segment {row.seg_id} ({row.tgt_lang}): duplicate row ignored (same content)")
    return list(first.values()), notes


def plan_changes(
    frame: pl.DataFrame, rows: list[ImportedRow], where: str
) -> tuple[list[ReviewChange], list[str]]:
    """The changes an imported file asks for, relative to the stored frame."""
    stored = {(int(r["seg_id"]), r["tgt_lang"]): r for r in frame.to_dicts()}
    changes: list[ReviewChange] = []
    rows, kept = _unique(rows, where)
    for row in rows:
        old = stored.get((row.seg_id, row.tgt_lang))
        if old is None:
            raise InputError(
                f"{where}: segment {row.seg_id} ({row.tgt_lang}) is not in stored document "
                f"{row.doc_id}: the file is of another version; nothing was changed"
            )
        src = _norm(row.src_text)
        if src is not None and src.strip() != (old["src_text"] or "").strip():
            raise InputError(
                f"{where}: segment {row.seg_id} has another source text than stored document "
                f"{row.doc_id}: the file is of another version; nothing was changed"
            )
        if row.review is not None and row.review not in store.REVIEWS:
            raise InputError(
                f"{where}: segment {row.seg_id} ({row.tgt_lang}): review {row.review!r} is not "
                f"one of {', '.join(store.REVIEWS)}"
            )
        text = _norm(row.tgt_text)
        # an older store may hold control characters that the file format could not carry
        new_text = text if text != _norm(old["tgt_text"]) else None
        if new_text is not None and not new_text.strip():
            kept.append(f"segment {row.seg_id} ({row.tgt_lang}): empty target ignored")
            new_text = None
        stale = (
            new_text is not None
            and old["review"] in ("edited", "approved")
            and new_text == old.get("mt_text")
        )
        if stale:
            kept.append(f"segment {row.seg_id} ({row.tgt_lang}): kept the store's newer edit")
            new_text = None
        verdict = row.review if row.review in VERDICTS else None
        if new_text is None and (verdict is None or verdict == old["review"]):
            continue
        changes.append(ReviewChange(row.seg_id, row.tgt_lang, review=verdict, tgt_text=new_text))
    return changes, kept


def import_review(
    path: Path, store_dir: Path = Path("aligned"), doc: str | None = None, dry_run: bool = False
) -> ImportReport:
    """Apply a reviewed file to its stored document (atomically), or only report (dry run)."""
    path = Path(path)
    rows = read_review_file(path)
    doc_ids = sorted({r.doc_id for r in rows})
    if len(doc_ids) != 1:
        raise InputError(f"{path}: rows of several documents ({', '.join(doc_ids)}): import one")
    doc_id = doc_ids[0]
    if doc is not None:
        wanted = Path(doc).stem if doc.endswith(".parquet") else doc
        if wanted != doc_id:
            raise InputError(f"{path}: the file is of document {doc_id!r}, not {wanted!r}")
    try:
        target = store.doc_path(store_dir, doc_id)
    except UsageError as exc:  # a doc_id in the file that is not a safe file name
        raise InputError(f"{path}: bad document id in file ({exc})") from None
    if not target.exists():
        raise StoreError(f"{path}: document {doc_id!r} is not in {store_dir}/")
    report = ImportReport(doc_id, target, len(rows), dry_run=dry_run)

    def change(frame: pl.DataFrame) -> tuple[pl.DataFrame, list[Applied]]:
        changes, report.kept = plan_changes(frame, rows, str(path))
        new, applied = apply_changes(frame, changes)
        return (frame if dry_run else new), applied

    report.applied = store.update_doc(target, change)
    return report


# `export-tm` rows: the exchange columns less the paragraph, plus the date of each row
TM_COLUMNS = [c for c in store.EXCHANGE_COLUMNS if c != "para_id"] + ["created_at"]


def tm_frame(
    store_dir: Path = Path("aligned"),
    tgt: str | None = None,
    reviews: tuple[str, ...] = ("approved", "edited"),
) -> pl.DataFrame:
    """Reviewed segments of every stored document (for `export-tm`)."""
    parts = []
    for file in sorted(Path(store_dir).glob("*.parquet")):
        frame = store.read_doc(file)
        cols = [c for c in TM_COLUMNS if c in frame.columns]
        part = frame.select(cols).filter(pl.col("review").is_in(list(reviews)))
        if tgt:
            part = part.filter(pl.col("tgt_lang") == tgt)
        if part.height:
            parts.append(part)
    if not parts:
        raise StoreError(f"{store_dir}: no {' or '.join(reviews)} segments in the store")
    return pl.concat(parts, how="diagonal_relaxed")
