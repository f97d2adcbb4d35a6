"""Exports of a stored document: TMX 1.4b, XLIFF 2.0, XLSX and TSV read back by standard readers."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from xml.etree import ElementTree as ET

import polars as pl
import pytest

from tests.reviewdata import DOC_ID, make_stored_doc
from toolkit.review.changes import ReviewChange, update_store

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
XLF = "{urn:oasis:names:tc:xliff:document:2.0}"
TMX_HEADER_ATTRS = (
    "creationtool",
    "creationtoolversion",
    "segtype",
    "o-tmf",
    "adminlang",
    "srclang",
    "datatype",
)


@pytest.fixture
def stored(fake_engine, workdir: Path) -> Path:
    return make_stored_doc(fake_engine, workdir / "aligned")


def _props(tu: ET.Element) -> dict[str, str]:
    return {p.get("type"): p.text or "" for p in tu.findall("prop")}


def test_tmx_is_well_formed_with_required_header(mekong, stored, workdir):
    result = mekong("export", DOC_ID, "--format", "tmx", "-o", "out.tmx")
    assert result.code == 0, result.err
    root = ET.parse(workdir / "out.tmx").getroot()
    assert root.tag == "tmx" and root.get("version") == "1.4"
    header = root.find("header")
    for attr in TMX_HEADER_ATTRS:
        assert header.get(attr), attr
    assert header.get("srclang") == "en"
    assert "TEST MODEL" in header.findtext("note")
    frame = pl.read_parquet(stored)
    tus = root.findall("body/tu")
    # one tu per source segment, a tuv for the source and one for each target
    assert len(tus) == frame["seg_id"].n_unique()
    stored_rows = {(r["seg_id"], r["tgt_lang"]): r for r in frame.to_dicts()}
    for tu in tus:
        props = _props(tu)
        assert {"x-doc_id", "x-seg_id"} <= set(props) and "x-tgt_lang" not in props
        seg_id = int(props["x-seg_id"])
        tuvs = tu.findall("tuv")
        assert [t.get(XML_LANG) for t in tuvs] == ["en", "km", "vi"]
        assert tuvs[0].findtext("seg") == stored_rows[(seg_id, "km")]["src_text"]
        assert not tuvs[0].findall("prop")
        for tuv in tuvs[1:]:
            row = stored_rows[(seg_id, tuv.get(XML_LANG))]
            tprops = _props(tuv)
            for name in ("x-score", "x-status", "x-review", "x-origin"):
                assert name in tprops, name
            assert tprops["x-test_model"] == "true"
            assert float(tprops["x-score"]) == pytest.approx(row["score"])
            assert tuv.findtext("seg") == row["tgt_text"]
            assert tuv.get("changedate") is None  # nothing edited yet
    # markup-like text survives as text, not as elements
    assert any("<script>" in (s.text or "") for s in root.iter("seg"))


def test_xliff_one_file_per_target_with_review_states(mekong, stored, workdir):
    update_store(
        stored,
        [
            ReviewChange(0, "km", review="approved"),
            ReviewChange(1, "km", tgt_text="sửa"),
            ReviewChange(2, "km", review="rejected"),
        ],
    )
    result = mekong("export", DOC_ID, "--format", "xliff", "-o", "out.xlf")
    assert result.code == 0, result.err
    frame = pl.read_parquet(stored)
    for tgt in ("km", "vi"):
        root = ET.parse(workdir / f"out.{tgt}.xlf").getroot()
        assert root.tag == f"{XLF}xliff" and root.get("version") == "2.0"
        assert (root.get("srcLang"), root.get("trgLang")) == ("en", tgt)
        file_el = root.find(f"{XLF}file")
        assert file_el.get("original") == DOC_ID and file_el.get("id")
        units = file_el.findall(f"{XLF}unit")
        assert len(units) == frame.filter(pl.col("tgt_lang") == tgt).height
        states = {}
        for unit in units:
            seg = unit.find(f"{XLF}segment")
            states[int(unit.get("name"))] = (seg.get("state"), seg.get("subState"))
            categories = {n.get("category") for n in unit.iter(f"{XLF}note")}
            assert {"mekong-score", "mekong-status", "mekong-test-model"} <= categories
        if tgt == "km":
            assert states[0] == ("reviewed", None)
            assert states[1] == ("translated", None)
            assert states[2] == ("initial", "mekong:rejected")
            assert states[3] == ("initial", None)
        else:
            assert {s for s, _ in states.values()} == {"initial"}
    single = mekong("export", DOC_ID, "--format", "xliff", "--tgt", "vi")
    assert single.code == 0 and 'trgLang="vi"' in single.out
    both = mekong("export", DOC_ID, "--format", "xliff")
    assert both.code == 2 and "--tgt" in both.err


def test_xlsx_sheets_read_back_with_polars(mekong, stored, workdir):
    result = mekong("export", DOC_ID, "--format", "xlsx", "-o", "out.xlsx")
    assert result.code == 0, result.err
    data = (workdir / "out.xlsx").read_bytes()
    sheets = pl.read_excel(io.BytesIO(data), sheet_id=0)
    assert set(sheets) == {"about", "km", "vi"}
    frame = pl.read_parquet(stored)
    for tgt in ("km", "vi"):
        sheet = sheets[tgt]
        part = frame.filter(pl.col("tgt_lang") == tgt).sort("seg_id")
        assert sheet["tgt_text"].to_list() == part["tgt_text"].to_list()
        assert sheet["src_text"].to_list() == part["src_text"].to_list()
        assert sheet["score"].to_list() == pytest.approx(part["score"].to_list())
        assert set(sheet["test_model"]) == {"TEST MODEL"}
    assert "TEST MODEL" in " ".join(str(v) for v in sheets["about"].to_series(1).to_list())
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        sheet_xml = z.read("xl/worksheets/sheet2.xml").decode()
        styles = z.read("xl/styles.xml").decode()
    assert 'state="frozen"' in sheet_xml and 'ySplit="1"' in sheet_xml
    assert "<colorScale>" in sheet_xml  # score colours
    assert 'wrapText="1"' in styles


def test_tsv_and_filters(mekong, stored, workdir):
    frame = pl.read_parquet(stored)
    full = mekong("export", DOC_ID, "--format", "tsv")
    assert full.code == 0
    lines = full.out.splitlines()
    assert lines[0].split("\t")[-1] == "test_model" and len(lines) == frame.height + 1
    update_store(stored, [ReviewChange(1, "vi", review="approved")])
    only = mekong("export", DOC_ID, "--format", "tsv", "--tgt", "vi", "--status", "approved")
    rows = only.out.splitlines()[1:]
    assert len(rows) == 1 and rows[0].split("\t")[1] == "1" and "\tvi\t" in rows[0]
    none = mekong("export", DOC_ID, "--format", "tmx", "--status", "rejected")
    assert none.code == 2 and "nothing to export" in none.err
    binary = mekong("export", DOC_ID, "--format", "xlsx")
    assert binary.code == 2 and "--output" in binary.err
    bad = mekong("export", DOC_ID, "--format", "docx")
    assert bad.code == 2 and len(bad.err.strip().splitlines()) == 1


def test_export_tm_has_only_reviewed_segments(mekong, stored, workdir):
    empty = mekong("export-tm", "--format", "tmx")
    assert empty.code == 5 and "no approved or edited" in empty.err
    update_store(
        stored,
        [
            ReviewChange(0, "km", review="approved"),
            ReviewChange(2, "vi", tgt_text="Cảm ơn."),
            ReviewChange(1, "km", review="rejected"),
        ],
    )
    result = mekong("export-tm", "--format", "tmx", "-o", "tm.tmx")
    assert result.code == 0, result.err
    # segment 0 is reviewed in km only, 2 in vi only: a CAT tool would cross them over
    assert "1 segment lacks km, 1 segment lacks vi" in result.err
    km_only = mekong("export-tm", "--format", "tmx", "--tgt", "km", "-o", "km.tmx")
    assert km_only.code == 0 and "warning" not in km_only.err
    root = ET.parse(workdir / "tm.tmx").getroot()
    for attr in TMX_HEADER_ATTRS:
        assert root.find("header").get(attr), attr
    got = {
        (int(_props(tu)["x-seg_id"]), tuv.get(XML_LANG)): (tu, tuv)
        for tu in root.iter("tu")
        for tuv in tu.findall("tuv")[1:]
    }
    assert set(got) == {(0, "km"), (2, "vi")}
    tu, tuv = got[(2, "vi")]
    assert tuv.findtext("seg") == "Cảm ơn." and _props(tuv)["x-review"] == "edited"
    # edited and approved units say when they changed, and by what
    assert tuv.get("changedate") and tuv.get("changeid") and tu.get("changedate")
    assert mekong("export-tm", "--format", "xliff").code == 2


def _blank(path: Path, blanks: set[tuple[int, str]]) -> None:
    """Empty the stored target text of these (seg_id, tgt_lang) rows."""
    frame = pl.read_parquet(path)
    texts = [
        "" if (row["seg_id"], row["tgt_lang"]) in blanks else row["tgt_text"]
        for row in frame.select("seg_id", "tgt_lang", "tgt_text").to_dicts()
    ]
    frame.with_columns(pl.Series("tgt_text", texts, dtype=pl.String)).write_parquet(path)


def test_tmx_leaves_out_empty_targets_and_warns(mekong, stored, workdir):
    _blank(stored, {(1, "km"), (2, "km"), (2, "vi")})
    result = mekong("export", DOC_ID, "--format", "tmx", "-o", "out.tmx")
    assert result.code == 0, result.err
    warnings = [line for line in result.err.splitlines() if line.startswith("warning")]
    assert len(warnings) == 1, result.err
    assert "1 segment lacks km" in warnings[0] and "vi" not in warnings[0].split(";")[0]
    assert "--tgt" in warnings[0] and "OmegaT" in warnings[0]
    root = ET.parse(workdir / "out.tmx").getroot()
    tus = {int(_props(tu)["x-seg_id"]): tu for tu in root.iter("tu")}
    frame = pl.read_parquet(stored)
    # segment 2 has no target text at all: no tu; segment 1 only its vi tuv
    assert set(tus) == set(frame["seg_id"].to_list()) - {2}
    assert [t.get(XML_LANG) for t in tus[1].findall("tuv")] == ["en", "vi"]
    assert all(tuv.findtext("seg") for tu in tus.values() for tuv in tu.findall("tuv"))
    bilingual = mekong("export", DOC_ID, "--format", "tmx", "--tgt", "km", "-o", "km.tmx")
    assert bilingual.code == 0 and "warning" not in bilingual.err
    km = ET.parse(workdir / "km.tmx").getroot()
    assert {int(_props(tu)["x-seg_id"]) for tu in km.iter("tu")} == set(tus) - {1}
    whole = mekong("export", DOC_ID, "--format", "tsv", "-o", "out.tsv")
    assert whole.code == 0 and "warning" not in whole.err


def test_tmx_warning_counts_each_language(mekong, stored, workdir):
    _blank(stored, {(0, "km"), (1, "km"), (3, "vi")})
    result = mekong("export", DOC_ID, "--format", "tmx")
    assert result.code == 0, result.err
    assert result.err.count("\n") == 1, result.err
    assert "2 segments lack km, 1 segment lacks vi" in result.err
