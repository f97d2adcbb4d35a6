"""TSV: one row per segment and target, for scripts and quick looks (export only)."""

from __future__ import annotations

import polars as pl

from toolkit.store import EXCHANGE_COLUMNS
from toolkit.store.formats.base import ExportFormat

COLUMNS = EXCHANGE_COLUMNS


def _clean(value: object) -> str:
    text = "" if value is None else str(value)
    return text.replace("\t", " ").replace("\r", " ").replace("\n", "\\n")


class TsvFormat(ExportFormat):
    name = "tsv"
    extension = ".tsv"

    def export(self, frame: pl.DataFrame) -> bytes:
        """Tabs and newlines inside text are escaped so every row stays one line."""
        columns = [c for c in COLUMNS if c in frame.columns]
        lines = ["\t".join(columns)]
        for row in frame.sort(["seg_id", "tgt_lang"]).select(columns).iter_rows():
            lines.append("\t".join(_clean(v) for v in row))
        return ("\n".join(lines) + "\n").encode("utf-8")
