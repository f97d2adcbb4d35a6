"""Exporting stored documents: picks the format module and splits per-target formats.

The formats themselves live in `toolkit.store.formats` (one module each).
"""

from __future__ import annotations

from pathlib import Path

import polars as pl

from toolkit.errors import UsageError
from toolkit.store.formats import EXPORT_FORMATS, get_format

__all__ = ["EXPORT_FORMATS", "export_files", "export_frame", "select_rows"]


def select_rows(
    frame: pl.DataFrame, tgt: str | None = None, review: str | None = None
) -> pl.DataFrame:
    """Rows of one target and/or review state (`tgt`, `review`)."""
    if tgt:
        frame = frame.filter(pl.col("tgt_lang") == tgt)
    if review:
        frame = frame.filter(pl.col("review") == review)
    return frame


def export_frame(frame: pl.DataFrame, fmt: str) -> bytes:
    """One file's bytes; a per-target format (XLIFF) needs a single target language here."""
    spec = get_format(fmt)
    if frame.is_empty():
        raise UsageError("nothing to export: no rows match")
    if spec.per_target and frame["tgt_lang"].n_unique() > 1:
        raise UsageError(
            f"{fmt} holds one target language per file: pass {{tgt}} or {{output}}",
            options=["tgt", "output"],
        )
    return spec.export(frame)


def export_files(frame: pl.DataFrame, fmt: str, out: Path) -> dict[Path, bytes]:
    """Files to write for the output `out`: one, or one per target (`out.km.xlf`) for XLIFF."""
    spec = get_format(fmt)
    if frame.is_empty():
        raise UsageError("nothing to export: no rows match")
    targets = sorted(set(frame["tgt_lang"].to_list()))
    if not spec.per_target or len(targets) == 1:
        return {out: export_frame(frame, fmt)}
    return {
        out.with_name(f"{out.stem}.{tgt}{out.suffix or spec.extension}"): spec.export(
            frame.filter(pl.col("tgt_lang") == tgt)
        )
        for tgt in targets
    }
