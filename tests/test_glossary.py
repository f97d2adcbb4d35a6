"""The term base: loading, matching per language, lint, formats, constraints and checks."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest

from toolkit.errors import GlossaryError
from toolkit.glossary import Glossary, load_glossary, save
from toolkit.glossary.base import LANGS
from toolkit.glossary.fileio import dumps
from toolkit.glossary.lint import lint

ROOT = Path(__file__).resolve().parent.parent
SHIPPED = ROOT / "glossaries" / "legal-institutional.tsv"
HEADER = "id\ttype\ten\tkm\tlo\tth\tvi\tdnt\tforbidden_en\tstatus\tsource\tnote"


@pytest.fixture(scope="module")
def shipped() -> Glossary:
    return load_glossary(SHIPPED)


def write(path: Path, *rows: str, header: str = HEADER) -> Path:
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    return path


def row(*cells: str) -> str:
    """A data row for HEADER: id, type, five languages, then dnt, forbidden_en, status..."""
    cid, kind, *langs = cells[:7]
    forbidden = cells[7] if len(cells) > 7 else ""
    return "\t".join([cid, kind, *langs, "", forbidden, "proposed", "s", ""])


MOJ = ("Ministry of Justice", "ក្រសួងយុត្តិធម៌", "ກະຊວງຍຸຕິທຳ", "กระทรวงยุติธรรม", "Bộ Tư pháp")


def ids(hits) -> list[str]:  # noqa: ANN001
    return [h.term_id for h in hits]


# -- the shipped term base -------------------------------------------------------------------
def test_shipped_glossary_is_complete_and_clean(shipped):
    concepts = shipped.concepts
    assert len(concepts) >= 80
    assert [p for p in lint(shipped) if not p.warning] == []
    for c in concepts:
        assert all(c.preferred(lang) for lang in LANGS), c.id
        assert c.status in ("verified", "proposed") and c.cells["source"].strip()
    for needed in ("UNODC", "UNICEF", "INTERPOL", "ASEAN", "AIPA", "ASEAN Economic Community"):
        assert shipped.match(needed, "en"), needed
    for c in concepts:
        if c.type == "acronym" and c.preferred("km") == c.preferred("en"):
            assert c.dnt, c.id  # an acronym kept as written is marked dnt
    forbidden_en = {f for c in concepts for f in c.forbidden("en")}
    assert {"Vietnam", "Laos"} <= forbidden_en


# -- matching ----------------------------------------------------------------------------------
def test_english_matching_rules(shipped):
    text = (
        "H.E Khiev and H. E. Mr. Ang met Unodc staff, not UNODC's. The Ministries of Health "
        "and the Ministry of Foreign Affairs and International Cooperation; who asked WHO?"
    )
    hits = shipped.match(text, "en")
    assert all(text[h.start : h.end] == h.text for h in hits)
    by_text = {h.text: h.term_id for h in hits}
    assert by_text["H.E"] == "title-he" and by_text["H. E."] == "title-he"
    assert by_text["UNODC's"] == "unodc"
    assert "Unodc" not in by_text  # acronyms are case-sensitive
    assert by_text["Ministries of Health"] == "min-health"
    # longest match wins over the shorter "Ministry of Foreign Affairs"
    longest = "Ministry of Foreign Affairs and International Cooperation"
    assert by_text[longest] == "kh-mfaic"
    assert "min-foreign-affairs" not in ids(hits)
    assert ids(hits).count("who") == 1 and "who" not in {h.text for h in hits}
    assert shipped.match("the ministry of justice", "en")[0].term_id == "min-justice"
    assert shipped.match("a ministry-of-justicex", "en") == []  # word boundaries


def test_vietnamese_tone_placement_nfc_and_case(shipped):
    new_style = "Cộng hòa Xã hội Chủ nghĩa Việt Nam"
    old_style = "Cộng hoà Xã hội Chủ nghĩa Việt Nam"
    decomposed = unicodedata.normalize("NFD", "Đại diện bộ văn hoá, thể thao và du lịch")
    assert ids(shipped.match(new_style, "vi")) == ["country-vn-full"]
    assert ids(shipped.match(old_style, "vi")) == ["country-vn-full"]
    hits = shipped.match(decomposed, "vi")
    assert ids(hits) == ["vn-mcst"]
    assert hits[0].text == decomposed[hits[0].start : hits[0].end]
    assert unicodedata.normalize("NFC", hits[0].text).lower() == "bộ văn hoá, thể thao và du lịch"


@pytest.mark.parametrize(
    ("lang", "text", "expected"),
    [
        ("km", "ក្រសួង\u200bយុត្តិធម៌ និង ក្រសួងការបរទេស និងសហប្រតិបត្តិការអន្តរជាតិ", ["min-justice", "kh-mfaic"]),
        ("km", "ក្រសួងការបរទេសនិងសហប្រតិបត្តិការអន្តរជាតិ", ["kh-mfaic"]),
        ("lo", "ຜູ້ແທນກະຊວງ\u200bຍຸຕິທຳ ແລະ ສປປລາວ", ["min-justice", "country-la"]),
        ("th", "ผู้แทนกระทรวง ยุติธรรม\u200bและสปป.ลาว", ["min-justice", "country-la"]),
    ],
)
def test_no_space_scripts_ignore_spaces_and_zero_width(shipped, lang, text, expected):
    hits = shipped.match(text, lang)
    assert ids(hits) == expected
    assert all(text[h.start : h.end] == h.text for h in hits)


# -- constraints and verification ------------------------------------------------------------
def test_constraints_and_verify(shipped):
    hits = shipped.match("UNODC's report on Viet Nam", "en")
    cons = {c.term_id: c for c in shipped.constraints(hits, "km")}
    assert cons["unodc"].required[0] == "UNODC"  # dnt: the source form itself
    assert cons["country-vn"].required == ("វៀតណាម",)
    en = shipped.constraints(shipped.match("Việt Nam", "vi"), "en")[0]
    assert en.required == ("Viet Nam",) and "Vietnam" in en.forbidden
    checks = shipped.verify("របាយការណ៍ UNODC ស្តីពី វៀត\u200bណាម", hits, "km")
    assert [c.as_dict() for c in checks] == [
        {"term_id": "unodc", "src": "UNODC's", "tgt": "UNODC", "found": True, "level": "force"},
        {
            "term_id": "country-vn",
            "src": "Viet Nam",
            "tgt": "វៀតណាម",
            "found": True,
            "level": "force",
        },
    ]
    missing = shipped.verify("UNODC", hits, "km")
    assert [c.found for c in missing] == [True, False]


# -- loading errors ----------------------------------------------------------------------------
def test_bad_files_name_file_and_row(tmp_path):
    ok = row("moj", "institution", *MOJ)
    bad_row = write(tmp_path / "bad.tsv", "# comment", ok, "x\tinstitution\tonly three")
    with pytest.raises(GlossaryError, match=r"bad\.tsv:4: malformed row"):
        load_glossary(bad_row)
    no_status = write(tmp_path / "nostatus.tsv", header="id\ttype\ten\tsource")
    with pytest.raises(GlossaryError, match=r"nostatus\.tsv:1: missing required column 'status'"):
        load_glossary(no_status)
    french = write(tmp_path / "fr.tsv", header=HEADER + "\tfr")
    with pytest.raises(GlossaryError, match="unknown language column 'fr'"):
        load_glossary(french)
    doctype = tmp_path / "evil.tbx"
    doctype.write_text(
        '<?xml version="1.0"?><!DOCTYPE tbx [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        "<tbx><text><body/></text></tbx>",
        encoding="utf-8",
    )
    with pytest.raises(GlossaryError, match="evil.tbx: unsafe XML refused"):
        load_glossary(doctype)
    broken = tmp_path / "broken.tbx"
    broken.write_text("<tbx>\n<text>\n</tbx>", encoding="utf-8")
    with pytest.raises(GlossaryError, match=r"broken\.tbx:3: not well-formed"):
        load_glossary(broken)


# -- lint --------------------------------------------------------------------------------------
def test_lint_reports_planted_errors_with_rows(tmp_path):
    good = row("moj", "institution", *MOJ)
    rows = [
        "# planted errors, one per row",
        good,  # row 3
        good.replace("moj", "moj-copy", 1),  # 4: the same terms in a second concept
        row(
            "moh", "institution", "", "ក្រសួងសុខាភិបាល", "ກະຊວງສາທາລະນະສຸກ", "กระทรวงสาธารณสุข", "Bộ Y tế"
        ),
        row(
            "mfa",
            "institution",
            "Foreign Ministry",
            "Ministry",
            "ກະຊວງການຕ່າງປະເທດ",
            "การต่างประเทศ",
            "Bộ",
        ),
        "vn\tplace\tViet Nam\tវៀតណាម\tຫວຽດນາມ\tเวียดนาม\t"
        + unicodedata.normalize("NFD", "Việt Nam")
        + "\t\t\tproposed\ts\t",
        "la\tplace\tLao PDR \tឡាវ\tສປປ ລາວ\tสปป.ลาว\tLào\t\t\tproposed\ts\t",
        "th\tplace\tThailand\tថៃ\tໄທ\tไทย\tThái Lan\t\tthailand\tproposed\ts\t",
        "la\tplace\tLaos\tឡាវ\tລາວ\tลาว\tLào\t\t\tproposed\ts\t",  # 10: duplicate id
    ]
    g = load_glossary(write(tmp_path / "planted.tsv", *rows))
    problems = lint(g)
    assert any(
        p.row == 10 and p.column == "id" and "duplicate id 'la'" in p.message for p in problems
    )
    assert any(p.row == 5 and p.column == "en" and "empty preferred" in p.message for p in problems)
    messages: dict[int, list[str]] = {p.row: [] for p in problems}
    for p in problems:
        messages[p.row].append(p.message)
    assert any("also a term of 'moj'" in m for m in messages[4])
    assert any("not written in the Khmer script" in m for m in messages[6])
    assert any("not NFC" in m for m in messages[7])
    assert any("leading or trailing spaces" in m for m in messages[8])
    assert any("equals a preferred form" in m for m in messages[9])
    assert 3 not in messages  # the first, correct row has no problem


# -- formats and editing -----------------------------------------------------------------------
def test_tbx_and_csv_round_trips(shipped, tmp_path):
    for fmt in ("tbx", "csv"):
        path = tmp_path / f"export.{fmt}"
        save(shipped, path)
        back = load_glossary(path)
        assert [c.id for c in back.concepts] == [c.id for c in shipped.concepts]
        for a, b in zip(shipped.concepts, back.concepts, strict=True):
            for column in shipped.columns:
                assert a.cells[column] == b.cells.get(column, ""), (fmt, a.id, column)
        assert back.version == load_glossary(path).version
    tbx = (tmp_path / "export.tbx").read_text(encoding="utf-8")
    assert "conceptEntry" in tbx and "deprecatedTerm-admn-sts" in tbx
    assert "<!DOCTYPE" not in tbx


def test_edits_keep_comments_and_row_order(shipped, tmp_path):
    path = tmp_path / "g.tsv"
    path.write_bytes(SHIPPED.read_bytes())
    g = load_glossary(path)
    g.set("country-vn", "note", "changed")
    removed = g.remove("title-samdech")
    save(g, path)
    before = SHIPPED.read_text(encoding="utf-8").splitlines()
    after = path.read_text(encoding="utf-8").splitlines()
    changed = [i for i, line in enumerate(before) if line.startswith("country-vn\t")]
    dropped = before.index(next(line for line in before if line.startswith("title-samdech\t")))
    expected = list(before)
    expected[changed[0]] = expected[changed[0]].rsplit("\t", 1)[0] + "\tchanged"
    del expected[dropped]
    assert after == expected
    assert removed.id == "title-samdech"
    assert dumps(load_glossary(path), "tsv") == path.read_text(encoding="utf-8")
    assert load_glossary(path).version != shipped.version


def test_script_change_is_a_word_boundary_but_glued_latin_is_not(shipped):
    ladies = shipped.match("ladies and gentlemen", "en")
    assert [c.found for c in shipped.verify("xin chào quý ông, quý bàฬา", ladies, "vi")] == [True]
    assert [c.found for c in shipped.verify("xin chào quý ông, quý bàish", ladies, "vi")] == [False]
