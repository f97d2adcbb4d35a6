"""Exchange with translate-toolkit (a dev dependency, GPL: only tests import it).

translate-toolkit reads Mekong's TMX, XLIFF 1.2, XLIFF 2.0 and TBX v2 with the same content as
the store, and Mekong reads what translate-toolkit writes (edits and approvals in those files,
a TBX glossary). Review states survive export -> import -> export in both XLIFF versions.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from tests.reviewdata import DOC_ID, make_stored_doc
from toolkit.glossary import load_glossary
from toolkit.review.changes import ReviewChange, update_store

pytest.importorskip("translate.storage.tmx", reason="translate-toolkit (dev extra)")
from translate.storage import tbx, tmx, xliff, xliff2  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
SHIPPED = ROOT / "glossaries" / "legal-institutional.tsv"


@pytest.fixture
def stored(fake_engine, workdir: Path) -> Path:
    return make_stored_doc(fake_engine, workdir / "aligned")


def _pairs(path: Path, tgt: str) -> list[tuple[str, str]]:
    frame = pl.read_parquet(path).filter(pl.col("tgt_lang") == tgt).sort("seg_id")
    return list(zip(frame["src_text"], frame["tgt_text"], strict=True))


def _row(path: Path, seg_id: int, tgt: str) -> dict:
    frame = pl.read_parquet(path)
    return frame.filter((pl.col("seg_id") == seg_id) & (pl.col("tgt_lang") == tgt)).row(
        0, named=True
    )


def test_translate_toolkit_reads_mekong_tmx(mekong, stored, workdir):
    assert mekong("export", DOC_ID, "-f", "tmx", "-o", "all.tmx").code == 0
    memory = tmx.tmxfile.parsefile(str(workdir / "all.tmx"))
    # one unit per segment; the first target variant is km (targets sorted), vi is in the unit
    assert [(u.source, u.target) for u in memory.units] == _pairs(stored, "km")
    vi = dict(_pairs(stored, "vi"))
    for unit in memory.units:
        langs = [
            n.get("{http://www.w3.org/XML/1998/namespace}lang") for n in unit.getlanguageNodes()
        ]
        assert langs == ["en", "km", "vi"]
        assert unit.gettarget(lang="vi") == vi[unit.source]
    assert mekong("export", DOC_ID, "-f", "tmx", "--tgt", "vi", "-o", "vi.tmx").code == 0
    bilingual = tmx.tmxfile.parsefile(str(workdir / "vi.tmx"))
    assert [(u.source, u.target) for u in bilingual.units] == _pairs(stored, "vi")


def test_xliff12_both_ways(mekong, stored, workdir):
    assert mekong("export", DOC_ID, "-f", "xliff12", "-o", "r.xlf").code == 0
    doc = xliff.xlifffile.parsefile(str(workdir / "r.xlf"))
    assert [(u.source, u.target) for u in doc.units] == _pairs(stored, "km") + _pairs(stored, "vi")
    assert doc.getsourcelanguage() == "en"
    # a translator edits and approves segment 1 of km in translate-toolkit, saves
    unit = doc.units[1]
    unit.target = "ការកែប្រែ"
    unit.markapproved(True)
    (workdir / "r.xlf").write_bytes(bytes(doc))
    result = mekong("import-review", "r.xlf")
    assert result.code == 0, result.err
    row = _row(stored, 1, "km")
    assert (row["tgt_text"], row["review"]) == ("ការកែប្រែ", "approved")
    assert "changed 1 of 10" in result.out


def test_xliff2_both_ways(mekong, stored, workdir):
    assert mekong("export", DOC_ID, "-f", "xliff", "--tgt", "km", "-o", "r.xlf").code == 0
    doc = xliff2.Xliff2File.parsefile(str(workdir / "r.xlf"))
    assert (doc.getsourcelanguage(), doc.gettargetlanguage()) == ("en", "km")
    assert [(u.source, u.target) for u in doc.units] == _pairs(stored, "km")
    unit = doc.units[2]
    unit.target = "អត្ថបទថ្មី"
    unit.markapproved(True)  # translate-toolkit writes state="reviewed"
    (workdir / "r.xlf").write_bytes(bytes(doc))
    assert 'state="reviewed"' in (workdir / "r.xlf").read_text(encoding="utf-8")
    assert mekong("import-review", "r.xlf").code == 0
    assert _row(stored, 2, "km")["review"] == "approved"
    # re-export keeps the reviewer's state (it used to come back as "final")
    assert mekong("export", DOC_ID, "-f", "xliff", "--tgt", "km", "-o", "again.xlf").code == 0
    again = xliff2.Xliff2File.parsefile(str(workdir / "again.xlf"))
    assert again.units[2].target == "អត្ថបទថ្មី" and again.units[2].isapproved()
    assert 'id="s2" state="reviewed"' in (workdir / "again.xlf").read_text(encoding="utf-8")


@pytest.mark.parametrize("fmt", ["xliff", "xliff12"])
def test_every_review_state_survives_a_round_trip(mekong, stored, workdir, fmt):
    update_store(
        stored,
        [
            ReviewChange(0, "km", review="approved"),
            ReviewChange(1, "km", tgt_text="edited text"),
            ReviewChange(2, "km", review="rejected"),
        ],
    )
    before = pl.read_parquet(stored).sort(["seg_id", "tgt_lang"])["review"].to_list()
    assert mekong("export", DOC_ID, "-f", fmt, "--tgt", "km", "-o", "one.xlf").code == 0
    first = (workdir / "one.xlf").read_bytes()
    # a tool that rewrites the file (translate-toolkit, unchanged) must not change a state
    parser = xliff2.Xliff2File if fmt == "xliff" else xliff.xlifffile
    (workdir / "tt.xlf").write_bytes(bytes(parser.parsefile(str(workdir / "one.xlf"))))
    result = mekong("import-review", "tt.xlf")
    assert result.code == 0 and "changed 0 of" in result.out, result.out
    assert pl.read_parquet(stored).sort(["seg_id", "tgt_lang"])["review"].to_list() == before
    assert mekong("export", DOC_ID, "-f", fmt, "--tgt", "km", "-o", "two.xlf").code == 0
    assert (workdir / "two.xlf").read_bytes() == first


def test_tbx2_both_ways(mekong, workdir):
    out = mekong("glossary", "export", "-g", SHIPPED, "-f", "tbx2", "-o", "g.tbx")
    assert out.code == 0, out.err
    text = (workdir / "g.tbx").read_text(encoding="utf-8")
    assert "<martif" in text and "<!DOCTYPE martif SYSTEM" in text
    read = tbx.tbxfile.parsefile(str(workdir / "g.tbx"))
    shipped = load_glossary(SHIPPED)
    assert len(read.units) == len(shipped.concepts)
    for unit, concept in zip(read.units, shipped.concepts, strict=True):
        assert unit.getid() == concept.id
        assert unit.source == concept.cells["en"].split(" | ")[0]
        assert unit.target == concept.cells["km"].split(" | ")[0]
    # the other way: a TBX v2 that translate-toolkit writes (with its DOCTYPE line)
    terms = tbx.tbxfile(sourcelanguage="en", targetlanguage="km")
    for n, concept in enumerate(shipped.concepts[:5]):
        unit = terms.addsourceunit(concept.cells["en"].split(" | ")[0])
        unit.target = concept.cells["km"].split(" | ")[0]
        if n:
            unit.setid(concept.id)
    (workdir / "tt.tbx").write_bytes(bytes(terms))
    assert b"<!DOCTYPE martif" in (workdir / "tt.tbx").read_bytes()
    imported = mekong("glossary", "import", "tt.tbx", "-g", "new.tsv", "--force")
    assert imported.code == 0, imported.err
    got = load_glossary(workdir / "new.tsv").concepts
    assert [(c.cells["en"], c.cells["km"]) for c in got] == [
        (c.cells["en"].split(" | ")[0], c.cells["km"].split(" | ")[0]) for c in shipped.concepts[:5]
    ]
    assert [c.id for c in got][1:] == [c.id for c in shipped.concepts[1:5]]
    assert got[0].id  # an entry without an id gets one from its English term
