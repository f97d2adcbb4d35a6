"""The aligned store: one Parquet file per document, written atomically.

Long format, one row per (source segment group, target language); see DESIGN.md. Reading
`aligned/*.parquet` with polars gives the whole corpus (translation memory, statistics).
"""

from __future__ import annotations

import io
import os
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

import polars as pl

from toolkit.errors import StoreError, UsageError
from toolkit.files import atomic_write_bytes, exclusive, own_temp_files
from toolkit.store.review import REVIEWS, next_review  # noqa: F401 - re-exported: the rule

ORIGINS = ("mt", "tm", "aligned", "human")
STATUSES = ("ok", "review", "bad")

TERM_DTYPE = pl.Struct(
    {
        "term_id": pl.String,
        "src": pl.String,
        "tgt": pl.String,
        "found": pl.Boolean,
        "level": pl.String,
    }
)

# Column order and types; `signals` is a struct whose fields come from toolkit.quality.
BASE_SCHEMA: dict[str, pl.DataType] = {
    "doc_id": pl.String(),
    "seg_id": pl.Int64(),
    "para_id": pl.Int64(),
    "src_lang": pl.String(),
    "tgt_lang": pl.String(),
    "src_text": pl.String(),
    "tgt_text": pl.String(),
    "src_ids": pl.List(pl.Int64()),
    "tgt_ids": pl.List(pl.Int64()),
    "origin": pl.String(),
    "engine": pl.String(),
    "glossary_version": pl.String(),
    "terms": pl.List(TERM_DTYPE),
    "score": pl.Float64(),
    "status": pl.String(),
    "review": pl.String(),
    "created_at": pl.Datetime("us", "UTC"),
    # beyond DESIGN.md's required columns
    "mt_text": pl.String(),  # the machine output, kept when a reviewer edits tgt_text
    "test_model": pl.Boolean(),  # produced by the random-weight test model
    "src_start": pl.Int64(),  # character span of the source group in the normalised document
    "src_end": pl.Int64(),
    "source_path": pl.String(),  # the translated file (absolute), None for stdin; see carry.py
    "source_sha256": pl.String(),  # hash of its normalised text: another file is refused
}
REQUIRED = [*list(BASE_SCHEMA)[:17], "signals"]
# What a file for people and scripts shows of a row (the TSV export; `export-tm` adds the date).
EXCHANGE_COLUMNS = [
    "doc_id",
    "seg_id",
    "para_id",
    "src_lang",
    "tgt_lang",
    "src_text",
    "tgt_text",
    "origin",
    "score",
    "status",
    "review",
    "test_model",
]

T = TypeVar("T")

# fullmatch, not match: `$` also matches before a trailing newline
_DOC_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,127}")


def doc_id_from(name: str) -> str:
    """A safe document id from a file name: letters, digits, '.', '_' and '-'."""
    stem = Path(name).stem
    cleaned = re.sub(r"[^A-Za-z0-9._-]+", "-", stem).strip("-._") or "document"
    return cleaned[:128]


def check_doc_id(doc_id: str) -> str:
    if not isinstance(doc_id, str) or not _DOC_ID.fullmatch(doc_id):
        raise UsageError(
            f"{{doc_id}} {doc_id!r}: use letters, digits, '.', '_' or '-' (at most 128, no path)",
            options=["doc_id"],
        )
    return doc_id


def doc_path(out_dir: Path, doc_id: str) -> Path:
    return Path(out_dir) / f"{check_doc_id(doc_id)}.parquet"


def to_frame(rows: Iterable[Mapping[str, Any]]) -> pl.DataFrame:
    """Rows (dicts) to a DataFrame with the store's column order and types."""
    rows = list(rows)
    frame = pl.DataFrame(rows, schema_overrides=BASE_SCHEMA, infer_schema_length=None)
    missing = [c for c in REQUIRED if c not in frame.columns]
    if missing:
        raise StoreError(f"rows lack store columns: {', '.join(missing)}")
    ordered = [c for c in BASE_SCHEMA if c in frame.columns] + ["signals"]
    extra = [c for c in frame.columns if c not in ordered]
    return frame.select(ordered + extra)


def ensure_writable(out_dir: Path) -> None:
    """Fail early (before any translation work) when the output folder cannot be written."""
    out_dir = Path(out_dir)
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StoreError(f"{out_dir}: cannot create output folder ({exc.strerror})") from None
    if not out_dir.is_dir():
        raise StoreError(f"{out_dir}: not a folder")
    if not os.access(out_dir, os.W_OK | os.X_OK):
        raise StoreError(f"{out_dir}: output folder is not writable")


def write_frame(frame: pl.DataFrame, path: Path) -> Path:
    """Write atomically: a temporary file in the same folder, fsync, then rename."""
    path = Path(path)
    ensure_writable(path.parent)
    buffer = io.BytesIO()
    frame.write_parquet(buffer)
    return atomic_write_bytes(path, buffer.getvalue())


def remove_stale_temp_files(path: Path) -> None:
    """Delete temp files a killed writer of `path` left behind (call while holding its lock)."""
    for tmp in own_temp_files(path):
        tmp.unlink(missing_ok=True)


def read_doc(path_or_id: str | Path, out_dir: Path = Path("aligned")) -> pl.DataFrame:
    """Read one stored document by path or by doc id (in `out_dir`)."""
    path = Path(path_or_id)
    if path.suffix != ".parquet":
        path = doc_path(out_dir, str(path_or_id))
    if not path.exists():
        raise StoreError(f"{path}: no such stored document")
    try:
        frame = pl.read_parquet(path)
    except (pl.exceptions.PolarsError, OSError) as exc:
        raise StoreError(f"{path}: not a readable store file ({exc.__class__.__name__})") from None
    missing = [c for c in REQUIRED if c not in frame.columns]
    if missing:
        raise StoreError(f"{path}: not a Mekong store file (missing {', '.join(missing)})")
    return frame


def scan_store(out_dir: Path = Path("aligned")) -> pl.LazyFrame | None:
    """All stored documents as one lazy frame, or None when the store is empty."""
    files = sorted(Path(out_dir).glob("*.parquet"))
    if not files:
        return None
    return _scan(files)


def _scan(files: list[Path]) -> pl.LazyFrame:
    return pl.scan_parquet(
        [str(f) for f in files], missing_columns="insert", extra_columns="ignore"
    )


def collect_store(
    out_dir: Path, query: Callable[[pl.LazyFrame], pl.LazyFrame]
) -> tuple[pl.DataFrame | None, list[str]]:
    """`query` over every stored document, skipping files that cannot be read.

    One scan of the whole store when every file reads; when one does not, each file on its own,
    so one damaged document does not block the others. Returns the frame (None for an empty
    store) and one line per skipped file naming it.
    """
    files = sorted(Path(out_dir).glob("*.parquet"))
    if not files:
        return None, []
    try:
        return query(_scan(files)).collect(), []
    except (pl.exceptions.PolarsError, OSError):
        pass
    parts, skipped = [], []
    for file in files:
        try:
            parts.append(query(_scan([file])).collect())
        except (pl.exceptions.PolarsError, OSError) as exc:
            skipped.append(f"{file}: unreadable store file, skipped ({exc.__class__.__name__})")
    if not parts:
        return None, skipped
    return pl.concat(parts, how="vertical_relaxed"), skipped


@contextmanager
def writing(path: Path) -> Iterator[pl.DataFrame | None]:
    """Hold a stored document's lock for a whole run and give its current rows (None if new).

    Every writer of a document (translate, align, review edits) takes this one lock, so a
    second process writing the same document fails at once instead of losing one run's rows;
    temp files of a writer that was killed are removed first.
    """
    path = Path(path)
    with exclusive(path):
        remove_stale_temp_files(path)
        yield read_doc(path) if path.exists() else None


def update_doc(path: Path, change: Callable[[pl.DataFrame], tuple[pl.DataFrame, T]]) -> T:
    """Read-modify-write one stored document under its lock; the rename keeps it atomic.

    `change` returns the new frame and a result for the caller; when it returns the very same
    frame object nothing is written (an import that changes nothing leaves the file untouched).
    """
    path = Path(path)
    with writing(path) as frame:
        if frame is None:
            raise StoreError(f"{path}: no such stored document")
        new, result = change(frame)
        if new is not frame:
            write_frame(new, path)
    return result
