"""Issue 15: review files keep every byte: long XLSX cells, duplicate rows, control characters."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest
import xlsxwriter

from tests.reviewdata import DOC_ID, make_stored_doc
from toolkit import store
from toolkit.store.formats.xlsx import MAX_CELL, cell_chunks

LONG_TGT = ("ព្រះរាជាណាចក្រកម្ពុជា 😀 " * 3000).strip()  # about 75,000 UTF-16 units
LONG_SRC = "The Kingdom of Cambodia welcomes you. " * 1100  # about 42,000 characters


@pytest.fixture
def stored(fake_engine, workdir: Path) -> Path:
    return make_stored_doc(fake_engine, workdir / "aligned")


def _set(path: Path, seg_id: int, **cells: str) -> None:
    frame = pl.read_parquet(path)
    hit = pl.col("seg_id") == seg_id
    frame = frame.with_columns(
        pl.when(hit).then(pl.lit(v)).otherwise(pl.col(k)).alias(k) for k, v in cells.items()
    )
    store.write_frame(frame, path)


def _row(path: Path, seg_id: int, tgt: str) -> dict:
    frame = pl.read_parquet(path)
    return frame.filter((pl.col("seg_id") == seg_id) & (pl.col("tgt_lang") == tgt)).to_dicts()[0]


def test_cell_chunks_respect_the_limit_in_utf16_units():
    chunks = cell_chunks(LONG_TGT)
    assert "".join(chunks) == LONG_TGT
    assert all(len(c.encode("utf-16-le")) // 2 <= MAX_CELL for c in chunks)
    assert len(chunks) == 3


def test_long_xlsx_texts_round_trip_untouched(mekong, stored, workdir):
    _set(stored, 1, tgt_text=LONG_TGT, src_text=LONG_SRC)
    before = stored.read_bytes()
    assert mekong("export", DOC_ID, "-f", "xlsx", "-o", "r.xlsx").code == 0
    result = mekong("import-review", "r.xlsx")
    assert result.code == 0, result.err
    assert f"{DOC_ID}: changed 0 of" in result.out
    assert stored.read_bytes() == before


def test_an_edit_in_a_continuation_cell_reaches_the_store(mekong, stored, workdir):
    _set(stored, 1, tgt_text=LONG_TGT, src_text=LONG_SRC)
    assert mekong("export", DOC_ID, "-f", "xlsx", "-o", "r.xlsx").code == 0
    sheets = pl.read_excel(workdir / "r.xlsx", sheet_id=0, infer_schema_length=0)
    km = sheets["km"]
    assert {"tgt_text.2", "tgt_text.3", "src_text.2"} <= set(km.columns)
    hit = pl.col("seg_id") == "1"
    km = km.with_columns(
        pl.when(hit).then(pl.col("tgt_text.3") + " END").otherwise(pl.col("tgt_text.3"))
    )
    with xlsxwriter.Workbook(workdir / "edited.xlsx") as book:
        km.write_excel(book, worksheet="km")
    result = mekong("import-review", "edited.xlsx")
    assert result.code == 0, result.err
    assert _row(stored, 1, "km")["tgt_text"] == LONG_TGT + " END"


def test_two_different_rows_for_one_segment_are_refused(mekong, stored, workdir):
    assert mekong("export", DOC_ID, "-f", "xlsx", "-o", "r.xlsx").code == 0
    km = pl.read_excel(workdir / "r.xlsx", sheet_id=0, infer_schema_length=0)["km"]
    first = km.filter(pl.col("seg_id") == "1").with_columns(tgt_text=pl.lit("first edit"))
    second = first.with_columns(tgt_text=pl.lit("second edit"))
    before = stored.read_bytes()
    with xlsxwriter.Workbook(workdir / "dup.xlsx") as book:
        pl.concat([km, first, second]).write_excel(book, worksheet="km")
    result = mekong("import-review", "dup.xlsx")
    assert result.code != 0
    assert "appears twice" in result.err and "segment 1 (km)" in result.err
    assert stored.read_bytes() == before


def test_an_exact_repeat_of_a_row_is_reported(mekong, stored, workdir):
    assert mekong("export", DOC_ID, "-f", "xlsx", "-o", "r.xlsx").code == 0
    km = pl.read_excel(workdir / "r.xlsx", sheet_id=0, infer_schema_length=0)["km"]
    edit = km.filter(pl.col("seg_id") == "1").with_columns(tgt_text=pl.lit("one edit"))
    with xlsxwriter.Workbook(workdir / "dup.xlsx") as book:
        pl.concat([km.filter(pl.col("seg_id") != "1"), edit, edit]).write_excel(
            book, worksheet="km"
        )
    result = mekong("import-review", "dup.xlsx")
    assert result.code == 0, result.err
    assert "duplicate row ignored" in result.out + result.err
    assert _row(stored, 1, "km")["tgt_text"] == "one edit"


@pytest.mark.parametrize(
    ("fmt", "name"), [("tmx", "r.tmx"), ("xliff", "r.xlf"), ("xliff12", "r.xlf")]
)
def test_control_characters_do_not_make_an_untouched_file_a_change(
    mekong, stored, workdir, fmt, name
):
    _set(stored, 1, tgt_text="text\x01with\x0bcontrols")
    before = stored.read_bytes()
    args = ["--tgt", "km"] if fmt.startswith("xliff") else []
    assert mekong("export", DOC_ID, "-f", fmt, "-o", name, *args).code == 0
    result = mekong("import-review", name)
    assert result.code == 0, result.err
    assert f"{DOC_ID}: changed 0 of" in result.out
    assert stored.read_bytes() == before


def test_an_edit_with_control_characters_is_stored_without_them(mekong, stored, workdir):
    assert mekong("export", DOC_ID, "-f", "xlsx", "-o", "r.xlsx").code == 0
    km = pl.read_excel(workdir / "r.xlsx", sheet_id=0, infer_schema_length=0)["km"]
    km = km.with_columns(
        tgt_text=pl.when(pl.col("seg_id") == "1")
        .then(pl.lit("pasted\x0bfrom\x07Word"))
        .otherwise(pl.col("tgt_text"))
    )
    with xlsxwriter.Workbook(workdir / "edited.xlsx") as book:
        km.write_excel(book, worksheet="km")
    assert mekong("import-review", "edited.xlsx").code == 0
    assert _row(stored, 1, "km")["tgt_text"] == "pastedfromWord"
    # and the stored text now survives an XML export untouched
    assert mekong("export", DOC_ID, "-f", "tmx", "-o", "r.tmx").code == 0
    assert "changed 0 of" in mekong("import-review", "r.tmx").out
