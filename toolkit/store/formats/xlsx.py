"""XLSX for spreadsheet reviewers: one sheet per target language, plus an `about` sheet.

Frozen header, wrapped text, a red-to-green scale on scores, a drop-down for the review state.
Reviewers edit `tgt_text` and/or `review`; `import-review` reads the sheets back by
doc_id/seg_id/tgt_lang. Text cells are always written as strings, so a sentence starting with
"=" never becomes a formula.
"""

from __future__ import annotations

import io
from datetime import UTC, datetime
from typing import Any

import polars as pl

from toolkit.errors import InputError
from toolkit.files import check_zip
from toolkit.store import REVIEWS
from toolkit.store.formats.base import (
    TEST_MODEL_NOTE,
    TOOL,
    TOOL_VERSION,
    ExportFormat,
    ImportedRow,
    flags_of,
    parse_seg_id,
    term_summary,
)

# (header, width, wrapped)
COLUMNS: list[tuple[str, int, bool]] = [
    ("seg_id", 7, False),
    ("src_text", 60, True),
    ("tgt_text", 60, True),
    ("review", 11, False),
    ("score", 7, False),
    ("status", 8, False),
    ("flags", 16, True),
    ("terms", 30, True),
    ("origin", 8, False),
    ("test_model", 11, False),
    ("mt_text", 40, True),
    ("doc_id", 16, False),
    ("tgt_lang", 9, False),
]
KEY_COLUMNS = ("doc_id", "seg_id", "tgt_lang", "tgt_text")
MAX_CELL = 32767  # Excel's limit on one cell's text (in UTF-16 units)
# A longer text continues in extra columns at the right: tgt_text.2, tgt_text.3, ...
CONTINUED = ("src_text", "tgt_text", "mt_text")


def cell_chunks(text: str, limit: int = MAX_CELL) -> list[str]:
    """`text` in pieces of at most `limit` UTF-16 units (a character is never split)."""
    if 2 * len(text) <= limit:  # every character takes at most two units: no need to count
        return [text]
    chunks, start, units = [], 0, 0
    for i, char in enumerate(text):
        width = 2 if ord(char) > 0xFFFF else 1
        if units + width > limit:
            chunks.append(text[start:i])
            start, units = i, 0
        units += width
    chunks.append(text[start:])
    return chunks


def _continuations(rows: list[dict[str, Any]]) -> list[tuple[str, int]]:
    """(column, n) for every continuation column these rows need, in sheet order."""
    extra = []
    for name in CONTINUED:
        most = max((len(cell_chunks(str(r.get(name) or ""))) for r in rows), default=1)
        extra += [(name, n) for n in range(2, most + 1)]
    return extra


def _joined_cell(rec: dict[str, Any], name: str) -> str | None:
    """A text read back with its continuation cells."""
    parts = [rec.get(name)]
    n = 2
    while f"{name}.{n}" in rec:
        parts.append(rec[f"{name}.{n}"])
        n += 1
    if parts[0] is None and not any(parts[1:]):
        return None
    return "".join(p or "" for p in parts)


def _cell(row: dict[str, Any], name: str) -> object:
    if name == "flags":
        return " ".join(flags_of(row))
    if name == "terms":
        return term_summary(row)
    if name == "test_model":
        return "TEST MODEL" if row.get("test_model") else ""
    return row.get(name)


class XlsxFormat(ExportFormat):
    name = "xlsx"
    extension = ".xlsx"
    binary = True
    importable = True

    def export(self, frame: pl.DataFrame) -> bytes:
        import xlsxwriter

        buffer = io.BytesIO()
        book = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False})
        book.set_properties({"title": "Mekong review export", "comments": f"{TOOL} {TOOL_VERSION}"})
        header = book.add_format({"bold": True, "bg_color": "#DDDDDD", "border": 1})
        wrap = book.add_format({"text_wrap": True, "valign": "top"})
        top = book.add_format({"valign": "top"})
        score_fmt = book.add_format({"valign": "top", "num_format": "0.00"})
        warn = book.add_format({"bold": True, "font_color": "#9C0006", "bg_color": "#FFC7CE"})
        test_model = "test_model" in frame.columns and bool(frame["test_model"].any())

        about = book.add_worksheet("about")
        about.set_column(0, 0, 18)
        about.set_column(1, 1, 90)
        info = [
            ("document", ", ".join(sorted(set(frame["doc_id"].to_list())))),
            ("exported", datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")),
            ("tool", f"{TOOL} {TOOL_VERSION}"),
            (
                "how to review",
                "edit tgt_text and/or set review (approved, rejected), then run "
                "`mekong import-review FILE`",
            ),
            (
                "long texts",
                f"a text over {MAX_CELL:,} characters continues in the columns "
                "tgt_text.2, tgt_text.3, ... at the right (read back joined)",
            ),
        ]
        for r, (key, value) in enumerate(info):
            about.write_string(r, 0, key, header)
            about.write_string(r, 1, value)
        if test_model:
            about.write_string(len(info), 0, "WARNING", warn)
            about.write_string(len(info), 1, TEST_MODEL_NOTE, warn)

        names = [c[0] for c in COLUMNS]
        for tgt in sorted(set(frame["tgt_lang"].to_list())):
            rows = frame.filter(pl.col("tgt_lang") == tgt).sort("seg_id").to_dicts()
            sheet = book.add_worksheet(tgt[:31])
            for c, (name, width, wrapped) in enumerate(COLUMNS):
                sheet.write_string(0, c, name, header)
                sheet.set_column(c, c, width, wrap if wrapped else top)
            sheet.freeze_panes(1, 0)
            extra = _continuations(rows)
            for c, (name, n) in enumerate(extra, start=len(COLUMNS)):
                sheet.write_string(0, c, f"{name}.{n}", header)
                sheet.set_column(c, c, 30, wrap)
            for r, row in enumerate(rows, start=1):
                for c, name in enumerate(names):
                    value = _cell(row, name)
                    if value is None:
                        continue
                    if name == "score":
                        sheet.write_number(r, c, float(value), score_fmt)
                    elif name == "seg_id":
                        sheet.write_number(r, c, int(value), top)
                    else:
                        fmt = wrap if COLUMNS[c][2] else top
                        sheet.write_string(r, c, cell_chunks(str(value))[0], fmt)
                for c, (name, n) in enumerate(extra, start=len(COLUMNS)):
                    chunks = cell_chunks(str(row.get(name) or ""))
                    if n <= len(chunks):
                        sheet.write_string(r, c, chunks[n - 1], wrap)
            last = max(1, len(rows))
            sheet.autofilter(0, 0, last, len(COLUMNS) - 1)
            score_col = names.index("score")
            sheet.conditional_format(
                1,
                score_col,
                last,
                score_col,
                {
                    "type": "3_color_scale",
                    "min_type": "num",
                    "min_value": 0,
                    "min_color": "#F8696B",
                    "mid_type": "num",
                    "mid_value": 0.6,
                    "mid_color": "#FFEB84",
                    "max_type": "num",
                    "max_value": 1,
                    "max_color": "#63BE7B",
                },
            )
            review_col = names.index("review")
            sheet.data_validation(
                1, review_col, last, review_col, {"validate": "list", "source": list(REVIEWS)}
            )
            if test_model:
                col = names.index("test_model")
                sheet.conditional_format(1, col, last, col, {"type": "no_blanks", "format": warn})
        book.close()
        return buffer.getvalue()

    def read(self, data: bytes, where: str) -> list[ImportedRow]:
        check_zip(data, where, "XLSX file")  # before calamine inflates it: a zip bomb fails here
        try:
            sheets = pl.read_excel(io.BytesIO(data), sheet_id=0, infer_schema_length=0)
        except Exception as exc:  # fastexcel raises its own error classes for broken files
            kind = exc.__class__.__name__
            raise InputError(f"{where}: not a readable XLSX file ({kind})") from None
        rows: list[ImportedRow] = []
        for name, sheet in sheets.items():
            if not set(KEY_COLUMNS) <= set(sheet.columns):
                continue  # the `about` sheet, or one the reviewer added
            has_review = "review" in sheet.columns
            for n, rec in enumerate(sheet.iter_rows(named=True), start=2):
                if rec["seg_id"] is None and rec["tgt_text"] is None:
                    continue
                review = (rec.get("review") or "").strip() if has_review else ""
                rows.append(
                    ImportedRow(
                        doc_id=str(rec["doc_id"] or ""),
                        seg_id=parse_seg_id(rec["seg_id"], f"{where}, sheet {name}, row {n}"),
                        tgt_lang=str(rec["tgt_lang"] or name),
                        tgt_text=_joined_cell(rec, "tgt_text") or "",
                        review=review or None,
                        src_text=_joined_cell(rec, "src_text"),
                    )
                )
        if not rows:
            raise InputError(f"{where}: no sheet with columns {', '.join(KEY_COLUMNS)}")
        return rows
