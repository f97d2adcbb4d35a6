"""Export formats of stored documents (one function per format)."""

from __future__ import annotations

import polars as pl

EXPORT_FORMATS = ("tsv",)

TSV_COLUMNS = [
    "doc_id", "seg_id", "para_id", "src_lang", "tgt_lang", "src_text", "tgt_text",
    "origin", "score", "status", "review",
]


def _clean(value: object) -> str:
    text = "" if value is None else str(value)
    return text.replace("\t", " ").replace("\r", " ").replace("\n", "\\n")


def to_tsv(frame: pl.DataFrame) -> str:
    """One row per segment and target; tabs and newlines inside text are escaped."""
    lines = ["\t".join(TSV_COLUMNS)]
    for row in frame.select(TSV_COLUMNS).iter_rows():
        lines.append("\t".join(_clean(v) for v in row))
    return "\n".join(lines) + "\n"


def export_frame(frame: pl.DataFrame, fmt: str) -> str | bytes:
    if fmt == "tsv":
        return to_tsv(frame)
    raise ValueError(fmt)
