"""Classes of "right term in context", in all five languages as source (sentences written here):
gender variants, foreign-qualified bodies, historical names holding a forbidden variant,
country names that are also given names or common syllables, spelling variants, jurisdiction
detection, and lint of the shipped base against a planted neighbouring-script letter."""

from __future__ import annotations

from pathlib import Path

import pytest

from toolkit.errors import GlossaryError
from toolkit.glossary import Glossary, load_glossary
from toolkit.glossary.lint import lint
from toolkit.glossary.scope import detect_jurisdiction

ROOT = Path(__file__).resolve().parent.parent
SHIPPED = ROOT / "glossaries" / "legal-institutional.tsv"
COLS = "id\ttype\ten\tkm\tlo\tth\tvi\tscope\tlevel\tcontext\tgender\tstatus\tsource"


@pytest.fixture(scope="module")
def shipped() -> Glossary:
    return load_glossary(SHIPPED)


def found(glossary: Glossary, text: str, lang: str, jurisdiction: str | None = None) -> dict:
    return {h.term_id: h.level for h in glossary.match(text, lang, jurisdiction)}


def small(tmp_path: Path, *rows: str) -> Path:
    path = tmp_path / "terms.tsv"
    path.write_text("\n".join([COLS, *rows]) + "\n", encoding="utf-8")
    return path


# -- gender variants -------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("lang", "text", "expected"),
    [
        ("en", "H.E. Sok Chenda opened the session.", ("title-he", "check")),
        ("th", "ฯพณฯ สมชาย วงศ์ดี เดินทางมาถึงแล้ว", ("title-he", "check")),
        ("lo", "ພະນະທ່ານ ສົມສັກ ພົມມະຈັນ ໄດ້ມາຮອດ.", ("title-he", "check")),
        ("en", "H.E. Ms. Sok Chenda opened the session.", ("title-he-f", "force")),
        ("en", "Her Excellency Sok Chenda opened the session.", ("title-he-f", "force")),
        ("km", "ឯកឧត្តម សុខ ចិន្ដា បានបើកកិច្ចប្រជុំ។", ("title-he", "force")),
        ("km", "លោកជំទាវ សុខ ចិន្ដា បានបើកកិច្ចប្រជុំ។", ("title-he-f", "force")),
        ("vi", "Ngài Nguyễn Văn An khai mạc phiên họp.", ("title-he", "force")),
    ],
)
def test_a_gendered_title_is_forced_only_when_the_source_tells_the_gender(
    shipped, lang, text, expected
):
    hits = [h for h in shipped.match(text, lang) if h.term_id.startswith("title-he")]
    assert [(h.term_id, h.level) for h in hits] == [expected]


def test_an_unknown_gender_accepts_either_form_and_forces_none(shipped):
    hits = shipped.match("H.E. Sok Chenda opened the session.", "en")
    assert hits[0].as_dict()["counterpart"] == "title-he-f"
    assert "title-he" not in {c.term_id for c in shipped.constraints(hits, "km")}
    for km in ("ឯកឧត្តម សុខ ចិន្ដា", "លោកជំទាវ សុខ ចិន្ដា"):
        check = shipped.verify(km, hits, "km")[0]
        assert check.found and check.level == "check"
    assert not shipped.verify("សុខ ចិន្ដា", hits, "km")[0].found


@pytest.mark.parametrize("value", ["m:nobody", "m:he", "x:she", "f"])
def test_a_gender_variant_without_its_counterpart_names_file_and_row(tmp_path, value):
    path = small(
        tmp_path,
        f"he\ttitle\tH.E.\tឯកឧត្តម\tພະນະທ່ານ\tฯพณฯ\tNgài\t\t\t\t{value}\tproposed\ts",
        "she\ttitle\tH.E.\tលោកជំទាវ\tພະນະທ່ານ\tฯพณฯ\tBà\t\t\t\tm:he\tproposed\ts",
    )
    g = load_glossary(path)
    problems = [p for p in lint(g) if p.column == "gender" and not p.warning]
    assert problems and problems[0].row == 2
    with pytest.raises(GlossaryError, match=r"terms.tsv:2: gender: "):
        g.match("H.E. Dara spoke.", "en")


def test_gender_problems_in_the_cli_are_one_line_and_leave_files_unchanged(mekong, tmp_path):
    path = small(
        tmp_path,
        "he\ttitle\tH.E.\tឯកឧត្តម\tພະນະທ່ານ\tฯพณฯ\tNgài\t\t\t\tm:she\tproposed\ts",
        "she\ttitle\tH.E.\tលោកជំទាវ\tພະນະທ່ານ\tฯพณฯ\tBà\t\t\t\tf:he\tproposed\ts",
    )
    doc = tmp_path / "speech.txt"
    doc.write_text("H.E. Dara spoke.\n", encoding="utf-8")
    assert mekong("glossary", "find", doc, "--lang", "en", "--glossary", path).code == 0
    before = path.read_bytes()
    refused = mekong("glossary", "set", "she", "gender", "", "--glossary", path)
    assert refused.code == 3 and refused.err.strip().count("\n") == 0
    assert "gender variant without its counterpart" in refused.err
    assert path.read_bytes() == before
    path.write_text(before.decode().replace("f:he", "f:nobody"), encoding="utf-8")
    before = path.read_bytes()
    linted = mekong("glossary", "lint", path)
    assert linted.code == 1 and "terms.tsv:3: gender: " in linted.out
    find = mekong("glossary", "find", doc, "--lang", "en", "--glossary", path)
    assert find.code == 3 and find.err.strip().count("\n") == 0
    assert "terms.tsv:2: gender: gender variant without its counterpart" in find.err
    assert path.read_bytes() == before


# -- foreign-qualified bodies, in five source languages -------------------------------------
@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("en", "The U.S. Senate passed the bill."),
        ("vi", "Thượng viện Hoa Kỳ đã thông qua dự luật."),
        ("km", "ព្រឹទ្ធសភាអាមេរិកបានអនុម័តច្បាប់។"),
        ("th", "วุฒิสภาสหรัฐผ่านร่างกฎหมายแล้ว"),
        ("lo", "ສະພາສູງສະຫະລັດໄດ້ຮັບຮອງເອົາກົດໝາຍ."),
    ],
)
def test_another_countrys_senate_is_not_cambodias(shipped, lang, text):
    assert "kh-senate" not in found(shipped, text, lang, "kh")
    assert "country-us" in found(shipped, text, lang)  # the country itself is a hit


# -- historical names holding a forbidden variant --------------------------------------------
@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("km", "កម្ពុជា និងសាធារណរដ្ឋប្រជាមានិតកម្ពុជា ក្នុងឆ្នាំ ១៩៨០។"),
        ("lo", "ກຳປູເຈຍ ແລະ ສາທາລະນະລັດປະຊາຊົນກຳປູເຈຍ ໃນປີ 1980."),
        ("th", "กัมพูชาและสาธารณรัฐประชาชนกัมพูชาในปี 1980"),
        ("vi", "Campuchia và Cộng hòa Nhân dân Campuchia năm 1980."),
    ],
)
def test_a_forbidden_variant_inside_a_historical_name_stays_allowed(shipped, lang, text):
    hits = shipped.match(text, lang)
    assert {"country-kh", "kh-prk"} <= {h.term_id for h in hits}
    cons = {c.term_id: c for c in shipped.constraints(hits, "en")}
    assert "Kampuchea" not in cons["country-kh"].forbidden
    short = shipped.require("country-kh").preferred(lang)
    alone = shipped.constraints(shipped.match(f"{short} 1980", lang), "en")
    assert "Kampuchea" in alone[0].forbidden


def test_an_english_historical_name_is_its_own_concept(shipped):
    assert found(shipped, "The People's Republic of Kampuchea was founded in 1979.", "en") == {
        "kh-prk": "force"
    }


# -- country names that are also names, syllables or currencies ------------------------------
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Ông Đức và chị Nga đến Bộ Tư pháp.", {"title-mr": "check", "min-justice": "force"}),
        ("Anh ấy nói về pháp luật.", {}),
        (
            "Tôi sang Anh, Nga và Mỹ.",
            {"country-uk": "force", "country-ru": "force", "country-us": "force"},
        ),  # fmt: skip
    ],
)
def test_vietnamese_country_names_are_not_given_names_or_pronouns(shipped, text, expected):
    assert found(shipped, text, "vi") == expected


def test_a_currency_is_not_the_country(shipped):
    assert found(shipped, "It cost US$5 million.", "en") == {}
    assert found(shipped, "It cost the US five million.", "en") == {"country-us": "force"}


# -- spelling variants -----------------------------------------------------------------------
def test_khmer_da_ta_and_lao_ro_lo_spellings_match(shipped):
    assert found(shipped, "នាយករដ្ឋមន្ដ្រី បានថ្លែង។", "km") == {"title-prime-minister": "force"}
    assert found(shipped, "ສະຫະລັດອາເມຣິກາ ແລະ ຣັດເຊຍ", "lo") == {
        "country-us": "force",
        "country-ru": "force",
    }
    hits = shipped.match("The Prime Minister spoke.", "en")
    assert shipped.verify("នាយករដ្ឋមន្ដ្រី", hits, "km")[0].found


# -- jurisdiction: detected with every language as source -----------------------------------
@pytest.mark.parametrize(
    ("lang", "text", "country"),
    [
        ("en", "Thailand hosts the forum. Thai judges and the Supreme Court attend.", "th"),
        ("km", "កម្ពុជារៀបចំវេទិកា។ ចៅក្រមកម្ពុជា និងតុលាការកំពូលចូលរួម។", "kh"),
        ("lo", "ສປປ ລາວ ເປັນເຈົ້າພາບ. ຜູ້ພິພາກສາລາວ ແລະ ສານສູງສຸດ ເຂົ້າຮ່ວມ.", "la"),
        ("th", "ประเทศไทยเป็นเจ้าภาพ ผู้พิพากษาไทยและศาลฎีกาเข้าร่วม", "th"),
        ("vi", "Việt Nam đăng cai diễn đàn. Thẩm phán Việt Nam và Tòa án tối cao dự.", "vn"),
    ],
)
def test_jurisdiction_is_detected_in_every_source_language(shipped, lang, text, country):
    assert detect_jurisdiction(text, lang) == country


def test_translate_preflight_matches_with_the_jurisdiction(mekong, workdir, tiny_model):
    """A generic scoped name is forced only with its jurisdiction, so only then can a form the
    model cannot produce stop the run before any work."""
    (workdir / "odd.tsv").write_text(
        "id\ttype\ten\tkm\tscope\tstatus\tsource\n"
        "court\tinstitution\tSupreme Court\tតុលាការកំពូល ŋ\tkh\tproposed\ts\n",
        encoding="utf-8",
    )
    (workdir / "speech.txt").write_text("The Supreme Court met today.\n", encoding="utf-8")
    args = ["translate", "speech.txt", "--src", "en", "--tgt", "km", "--model", tiny_model]
    args += ["--glossary", "odd.tsv", "--threads", "1", "--no-adequacy"]
    unscoped = mekong(*args)
    assert unscoped.code == 0, unscoped.err
    assert "jurisdiction: - (none" in unscoped.err
    scoped = mekong(*args, "--jurisdiction", "kh", "--doc-id", "kh")
    assert scoped.code == 3 and "cannot be enforced" in scoped.err.strip().splitlines()[-1]
    assert not (workdir / "aligned" / "kh.parquet").exists()


# -- lint of the shipped base ---------------------------------------------------------------
def test_lint_passes_the_shipped_base_and_finds_a_planted_neighbouring_letter(mekong, tmp_path):
    ok = mekong("glossary", "lint", SHIPPED)
    assert ok.code == 0, ok.out + ok.err
    planted = tmp_path / "planted.tsv"
    text = SHIPPED.read_text(encoding="utf-8")
    lao, thai = "ສະຫະປະຊາຊາດ", "ສະຫະປະຊาຊາດ"  # one Thai SARA AA (U+0E32) in the Lao UN name
    assert lao in text
    planted.write_text(text.replace(lao, thai, 1), encoding="utf-8")
    row = next(n for n, line in enumerate(text.splitlines(), 1) if lao in line)
    result = mekong("glossary", "lint", planted)
    assert result.code == 1
    assert f"planted.tsv:{row}: lo: " in result.out and "U+0E32" in result.out


# -- a name several countries share, and forms two concepts share -----------------------------
@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("en", "The National Assembly adopted the law."),
        ("vi", "Quốc hội đã thông qua luật."),
        ("km", "រដ្ឋសភាបានអនុម័តច្បាប់។"),
        ("lo", "ສະພາແຫ່ງຊາດໄດ້ຮັບຮອງເອົາກົດໝາຍ."),
        ("th", "สภาแห่งชาติได้ผ่านกฎหมายแล้ว"),
    ],
)
def test_a_name_of_several_jurisdictions_resolves_to_any_of_them(shipped, lang, text):
    assert found(shipped, text, lang, "vn")["national-assembly"] == "force"
    assert found(shipped, text, lang, "la")["national-assembly"] == "force"
    assert found(shipped, text, lang)["national-assembly"] == "check"
    assert "national-assembly" not in found(shipped, text, lang, "th")


def test_another_countrys_parliament_is_not_the_national_assembly(shipped):
    assert "national-assembly" not in found(shipped, "Quốc hội Pháp đã họp.", "vi", "vn")
    assert "national-assembly" not in found(shipped, "France's National Assembly met.", "en")


def test_a_scope_with_an_unknown_country_names_file_and_row(tmp_path):
    g = load_glossary(
        small(tmp_path, "na\tinstitution\tAssembly\tក\tກ\tก\tQuốc hội\tkh mars\t\t\t\tproposed\ts")
    )
    with pytest.raises(GlossaryError, match=r"terms.tsv:2: scope: 'mars' is not one of"):
        g.match("The Assembly met.", "en")


def test_a_form_two_concepts_share_is_checked_not_forced(shipped):
    assert found(shipped, "Bộ Nội vụ đã họp.", "vi") == {"min-interior": "check"}
    assert found(shipped, "Bà Nguyễn Thị Bình phát biểu.", "vi") == {"title-ms": "check"}


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("en", "Student movements spread across Latin America."),
        ("km", "ចលនានិស្សិតបានរីករាលដាលពាសពេញអាមេរិកឡាទីន។"),
        ("lo", "ການເຄື່ອນໄຫວຂອງນັກສຶກສາໄດ້ແຜ່ຂະຫຍາຍໄປທົ່ວອາເມລິກາລາຕິນ."),
        ("th", "ขบวนการนักศึกษาแพร่กระจายไปทั่วละตินอเมริกา"),
        ("vi", "Phong trào sinh viên lan rộng khắp Mỹ Latinh."),
    ],
)
def test_a_region_holding_a_country_name_is_not_the_country(shipped, lang, text):
    assert found(shipped, text, lang) == {"place-latin-america": "force"}


@pytest.mark.parametrize(
    ("lang", "text", "country"),
    [
        ("km", "កម្ពុជារៀបចំវេទិកា។\n\nចៅក្រមកម្ពុជា និងតុលាការកំពូលចូលរួម។\n", "kh"),
        ("lo", "ສປປ ລາວ ເປັນເຈົ້າພາບ.\n\nຜູ້ພິພາກສາລາວ ແລະ ສານສູງສຸດ ເຂົ້າຮ່ວມ.\n", "la"),
        ("th", "ประเทศไทยเป็นเจ้าภาพ\n\nผู้พิพากษาไทยและศาลฎีกาเข้าร่วม\n", "th"),
        ("vi", "Việt Nam đăng cai diễn đàn.\n\nThẩm phán Việt Nam và Tòa án tối cao dự.\n", "vn"),
    ],
)
def test_translate_prints_the_detected_jurisdiction(mekong, workdir, fake_cli, lang, text,
                                                     country):  # fmt: skip
    (workdir / "doc.txt").write_text(text, encoding="utf-8")
    args = ["translate", "doc.txt", "--src", lang, "--tgt", "en", "--model", "fake"]
    result = mekong(*args, "--threads", "1", "--no-adequacy")
    assert result.code == 0, result.err
    assert f"jurisdiction: {country} (detected from the document)" in result.err


def test_acronyms_match_with_or_without_full_stops():
    from toolkit.glossary.match import contains

    assert contains("ຮຽກຮ້ອງໃຫ້ U.K. ປັບປຸງ", "UK", "lo")  # a Latin form in Lao text
    assert contains("the UK said", "U.K.", "en")
    assert contains("the U. N. said", "UN", "en")
    assert not contains("UKRAINE", "UK", "en")
    assert not contains("It cost US$5.", "U.S.", "en")


def test_russia_is_matched_in_english(shipped):
    assert found(shipped, "Russia and the Russian Federation", "en") == {"country-ru": "force"}
