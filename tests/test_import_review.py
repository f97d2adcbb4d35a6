"""`mekong import-review`: reviewed XLSX/XLIFF/TMX files back into the store, safely."""

from __future__ import annotations

import io
from pathlib import Path

import polars as pl
import pytest
import xlsxwriter

from tests.reviewdata import DOC_ID, make_stored_doc
from toolkit.review.changes import ReviewChange, update_store


@pytest.fixture
def stored(fake_engine, workdir: Path) -> Path:
    return make_stored_doc(fake_engine, workdir / "aligned")


def _row(path: Path, seg_id: int, tgt: str) -> dict:
    frame = pl.read_parquet(path)
    return frame.filter((pl.col("seg_id") == seg_id) & (pl.col("tgt_lang") == tgt)).to_dicts()[0]


@pytest.mark.parametrize(
    ("fmt", "name"), [("xlsx", "r.xlsx"), ("tmx", "r.tmx"), ("xliff", "r.xlf")]
)
def test_untouched_export_changes_nothing(mekong, stored, workdir, fmt, name):
    update_store(
        stored,
        [
            ReviewChange(0, "km", review="approved"),
            ReviewChange(1, "km", tgt_text="edited text"),
            ReviewChange(2, "km", review="rejected"),
        ],
    )
    before = stored.read_bytes()
    args = ["--tgt", "km"] if fmt == "xliff" else []
    assert mekong("export", DOC_ID, "--format", fmt, "-o", name, *args).code == 0
    result = mekong("import-review", name)
    assert result.code == 0, result.err
    assert f"{DOC_ID}: changed 0 of" in result.out
    assert stored.read_bytes() == before


def _edit_xlsx(src: Path, dst: Path, edits: dict[tuple[str, int], dict[str, str]]) -> None:
    """What a reviewer does in a spreadsheet: change cells, save (here via polars/xlsxwriter)."""
    sheets = pl.read_excel(io.BytesIO(src.read_bytes()), sheet_id=0, infer_schema_length=0)
    with xlsxwriter.Workbook(dst) as book:
        for name, sheet in sheets.items():
            for (tgt, seg_id), cells in edits.items():
                if name == tgt:
                    hit = pl.col("seg_id") == str(seg_id)
                    sheet = sheet.with_columns(
                        pl.when(hit).then(pl.lit(v)).otherwise(pl.col(k)).alias(k)
                        for k, v in cells.items()
                    )
            sheet.write_excel(book, worksheet=name)


def test_xlsx_edit_reaches_store_and_next_export(mekong, stored, workdir):
    old = _row(stored, 1, "km")
    assert mekong("export", DOC_ID, "--format", "xlsx", "-o", "r.xlsx").code == 0
    _edit_xlsx(
        workdir / "r.xlsx",
        workdir / "edited.xlsx",
        {
            ("km", 1): {"tgt_text": "ក្រសួងយុត្តិធម៌ សូមស្វាគមន៍"},
            ("km", 3): {"review": "approved"},
            ("vi", 2): {"review": "rejected"},
            ("vi", 3): {"tgt_text": ""},  # a cleared cell never blanks a translation
        },
    )
    dry = mekong("import-review", "edited.xlsx", "--dry-run")
    assert dry.code == 0 and "would change 3 of" in dry.out
    assert _row(stored, 1, "km")["review"] == "new"
    result = mekong("import-review", "edited.xlsx", "--doc", DOC_ID)
    assert result.code == 0, result.err
    assert "segment 1 (km): text edited, new -> edited" in result.out
    assert "segment 3 (km): new -> approved" in result.out
    assert "segment 2 (vi): new -> rejected" in result.out
    assert "changed 3 of" in result.out and "segment 3 (vi): empty target ignored" in result.out
    row = _row(stored, 1, "km")
    assert row["tgt_text"] == "ក្រសួងយុត្តិធម៌ សូមស្វាគមន៍" and row["review"] == "edited"
    assert row["mt_text"] == old["mt_text"] == old["tgt_text"]
    # the missing term is now present: its `found` is re-checked on the edited text
    assert {t["term_id"]: t["found"] for t in row["terms"]}["moj"] is True
    assert _row(stored, 3, "km")["review"] == "approved"
    tsv = mekong("export", DOC_ID, "--format", "tsv", "--tgt", "km", "--status", "edited")
    assert "ក្រសួងយុត្តិធម៌ សូមស្វាគមន៍" in tsv.out
    again = mekong("import-review", "edited.xlsx")
    assert "changed 0 of" in again.out


def test_xliff_and_tmx_edits(mekong, stored, workdir):
    assert mekong("export", DOC_ID, "--format", "xliff", "--tgt", "vi", "-o", "r.xlf").code == 0
    old = _row(stored, 2, "vi")["tgt_text"]
    text = (workdir / "r.xlf").read_text(encoding="utf-8")
    escaped = old.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    unit = text.index('<unit id="u2"')
    head, tail = text[:unit], text[unit:]
    tail = tail.replace('state="initial"', 'state="final"', 1)
    tail = tail.replace(f"<target>{escaped}</target>", "<target>Quốc hội &amp; luật</target>", 1)
    (workdir / "r.xlf").write_text(head + tail, encoding="utf-8")
    result = mekong("import-review", "r.xlf")
    assert result.code == 0, result.err
    row = _row(stored, 2, "vi")
    assert (row["tgt_text"], row["review"], row["mt_text"]) == ("Quốc hội & luật", "approved", old)

    assert mekong("export", DOC_ID, "--format", "tmx", "--tgt", "km", "-o", "r.tmx").code == 0
    tmx = (workdir / "r.tmx").read_text(encoding="utf-8")
    new, approved = '<prop type="x-review">new</prop>', '<prop type="x-review">approved</prop>'
    tmx = tmx.replace(new, approved, 1).replace('xml:lang="km"', 'xml:lang="km-KH"')
    (workdir / "r.tmx").write_text(tmx, encoding="utf-8")
    result = mekong("import-review", "r.tmx")
    assert result.code == 0 and "segment 0 (km): new -> approved" in result.out


def test_refuses_other_documents_and_versions(mekong, stored, workdir):
    assert mekong("export", DOC_ID, "--format", "tmx", "-o", "r.tmx").code == 0
    before = stored.read_bytes()
    wrong_doc = mekong("import-review", "r.tmx", "--doc", "other-speech")
    assert wrong_doc.code == 3 and "not 'other-speech'" in wrong_doc.err
    text = (workdir / "r.tmx").read_text(encoding="utf-8")
    (workdir / "other.tmx").write_text(text.replace(f">{DOC_ID}<", ">elsewhere<"), "utf-8")
    missing = mekong("import-review", "other.tmx")
    assert missing.code == 5 and "'elsewhere' is not in" in missing.err
    (workdir / "moved.tmx").write_text(
        text.replace("We thank our partners", "We thank our friends"), "utf-8"
    )
    moved = mekong("import-review", "moved.tmx")
    assert moved.code == 3 and "another source text" in moved.err
    assert stored.read_bytes() == before
    for result in (wrong_doc, missing, moved):
        assert len(result.err.strip().splitlines()) == 1 and "Traceback" not in result.err


@pytest.mark.parametrize(
    "prolog",
    [
        '<!DOCTYPE tmx [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]>',
        '<!DOCTYPE tmx [<!ENTITY x SYSTEM "file:///etc/passwd">]>',
        '<!DOCTYPE tmx [<!ENTITY % p SYSTEM "http://127.0.0.1:9/p.dtd"> %p;]>',
        "<!DOCTYPE tmx [<!ELEMENT tmx ANY>]>",
    ],
)
def test_xml_with_doctype_or_entities_refused(mekong, stored, workdir, prolog):
    assert mekong("export", DOC_ID, "--format", "tmx", "-o", "r.tmx").code == 0
    text = (workdir / "r.tmx").read_text(encoding="utf-8")
    first, rest = text.split("\n", 1)
    (workdir / "evil.tmx").write_text(f"{first}\n{prolog}\n{rest}", encoding="utf-8")
    before = stored.read_bytes()
    result = mekong("import-review", "evil.tmx")
    assert result.code == 3 and "DOCTYPE" in result.err
    assert stored.read_bytes() == before


@pytest.mark.parametrize(
    "prolog",
    [
        '<!DOCTYPE tmx SYSTEM "tmx14.dtd">',
        '<!DOCTYPE tmx PUBLIC "-//LISA//DTD TMX 1.4//EN" "x.dtd">',
    ],
)
def test_external_doctype_line_accepted(mekong, stored, workdir, prolog):
    """What translate-toolkit and OmegaT write: the DTD is named, never fetched."""
    assert mekong("export", DOC_ID, "--format", "tmx", "-o", "r.tmx").code == 0
    first, rest = (workdir / "r.tmx").read_text(encoding="utf-8").split("\n", 1)
    rest = rest.replace(
        '<prop type="x-review">new</prop>', '<prop type="x-review">approved</prop>', 1
    )
    (workdir / "d.tmx").write_text(f"{first}\n{prolog}\n{rest}", encoding="utf-8")
    result = mekong("import-review", "d.tmx")
    assert result.code == 0, result.err
    assert "new -> approved" in result.out


def test_page_edit_not_undone_by_older_export(mekong, stored, workdir):
    assert mekong("export", DOC_ID, "--format", "xlsx", "-o", "old.xlsx").code == 0
    update_store(stored, [ReviewChange(1, "km", tgt_text="reviewer's text", review="approved")])
    result = mekong("import-review", "old.xlsx")
    assert result.code == 0 and "kept the store's newer edit" in result.out
    row = _row(stored, 1, "km")
    assert (row["tgt_text"], row["review"]) == ("reviewer's text", "approved")


def test_bad_files(mekong, stored, workdir):
    (workdir / "junk.xlsx").write_bytes(b"PK\x03\x04 not really a zip")
    (workdir / "broken.tmx").write_text("<tmx><body><tu>", encoding="utf-8")
    (workdir / "notes.txt").write_text("hello", encoding="utf-8")
    for name, message in [
        ("junk.xlsx", "not a readable XLSX"),
        ("broken.tmx", "well-formed"),
        ("notes.txt", "unknown review file"),
        ("nope.tmx", "no such file"),
    ]:
        result = mekong("import-review", name)
        assert result.code == 3, (name, result.err)
        assert message in result.err and len(result.err.strip().splitlines()) == 1


def test_tmx_of_the_older_shape_still_imports(mekong, stored, workdir):
    """One tu per (segment, target) with x-tgt_lang, as Mekong wrote TMX before."""
    row = _row(stored, 1, "vi")
    escaped = row["src_text"].replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    (workdir / "old.tmx").write_text(
        '<?xml version="1.0" encoding="utf-8"?>\n<tmx version="1.4"><header srclang="en"/><body>'
        f'<tu srclang="en"><prop type="x-doc_id">{DOC_ID}</prop><prop type="x-seg_id">1</prop>'
        '<prop type="x-tgt_lang">vi</prop><prop type="x-review">approved</prop>'
        f'<tuv xml:lang="en"><seg>{escaped}</seg></tuv>'
        '<tuv xml:lang="vi"><seg>Bản dịch cũ.</seg></tuv></tu></body></tmx>\n',
        encoding="utf-8",
    )
    result = mekong("import-review", "old.tmx")
    assert result.code == 0, result.err
    assert (_row(stored, 1, "vi")["tgt_text"], _row(stored, 1, "vi")["review"]) == (
        "Bản dịch cũ.",
        "approved",
    )
    assert _row(stored, 1, "km")["review"] == "new"  # the other target untouched


def test_multi_target_tmx_gives_one_row_per_target(mekong, stored, workdir):
    assert mekong("export", DOC_ID, "--format", "tmx", "-o", "all.tmx").code == 0
    text = (workdir / "all.tmx").read_text(encoding="utf-8")
    new, approved = '<prop type="x-review">new</prop>', '<prop type="x-review">approved</prop>'
    (workdir / "all.tmx").write_text(text.replace(new, approved, 2), encoding="utf-8")
    result = mekong("import-review", "all.tmx")
    assert result.code == 0, result.err
    # the first tu holds km then vi: both of its targets were approved
    assert "segment 0 (km): new -> approved" in result.out
    assert "segment 0 (vi): new -> approved" in result.out
    assert "changed 2 of 10" in result.out
