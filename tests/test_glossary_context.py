"""Terms right in context: scope, levels, word boundaries, titles, spelling variants, lint.

Sentences written for these tests, in all five languages as source.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from toolkit.errors import GlossaryError, UsageError
from toolkit.glossary import Glossary, load_glossary
from toolkit.glossary.lint import lint
from toolkit.glossary.match import contains, term_present
from toolkit.glossary.scope import detect_jurisdiction, resolve_jurisdiction
from toolkit.review.changes import term_found

ROOT = Path(__file__).resolve().parent.parent
COLS = "id\ttype\ten\tkm\tlo\tth\tvi\tscope\tlevel\tcontext\tstatus\tsource"


@pytest.fixture(scope="module")
def shipped() -> Glossary:
    return load_glossary(ROOT / "glossaries" / "legal-institutional.tsv")


def ids(glossary: Glossary, text: str, lang: str, jurisdiction: str | None = None) -> dict:
    return {h.term_id: h.level for h in glossary.match(text, lang, jurisdiction)}


def small(tmp_path: Path, *rows: str, header: str = COLS) -> Path:
    path = tmp_path / "terms.tsv"
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    return path


# -- scope ---------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("en", "Yesterday the U.S. Supreme Court heard the case."),
        ("en", "The Supreme Court of the United States heard the case."),
        ("vi", "Tòa án tối cao Hoa Kỳ đã xét xử vụ án."),
        ("th", "ศาลฎีกาสหรัฐตัดสินคดีนี้แล้ว"),
        ("km", "តុលាការកំពូលអាមេរិកបានសម្រេចក្តី។"),
        ("lo", "ສານສູງສຸດສະຫະລັດໄດ້ຕັດສິນຄະດີ."),
    ],
)
def test_a_scoped_court_qualified_by_another_country_is_not_matched(shipped, lang, text):
    assert "supreme-court" not in ids(shipped, text, lang, "kh")
    assert "supreme-court" not in ids(shipped, text, lang)


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("en", "The Supreme Court will hear the appeal next month."),
        ("vi", "Tòa án tối cao sẽ xét xử phúc thẩm vào tháng tới."),
        ("km", "តុលាការកំពូល នឹងជំនុំជម្រះនៅខែក្រោយ។"),
    ],
)
def test_a_generic_name_resolves_by_jurisdiction(shipped, lang, text):
    assert ids(shipped, text, lang, "kh")["supreme-court"] == "force"
    assert ids(shipped, text, lang)["supreme-court"] == "check"  # no jurisdiction: checked
    assert "supreme-court" not in ids(shipped, text, lang, "th")


def test_qualification_by_another_country_and_own_name(shipped):
    assert "kh-national-police" not in ids(
        shipped, "Viet Nam's National Police arrested two.", "en"
    )
    assert ids(shipped, "The Cambodian National Police arrested two.", "en") == {
        "kh-national-police": "force"
    }
    assert "title-secretary-of-state" not in ids(
        shipped, "The U.S. Secretary of State spoke.", "en"
    )
    assert "kh-senate" not in ids(shipped, "The Senate in Washington voted.", "en", "kh")


def test_jurisdiction_declared_detected_or_refused():
    text = "Cambodia hosts the meeting. Cambodian judges and the Supreme Court of Cambodia attend."
    assert detect_jurisdiction(text, "en") == "kh"
    assert resolve_jurisdiction(None, text, "en")[0] == "kh"
    assert resolve_jurisdiction("VN", text, "en") == ("vn", "declared")
    assert resolve_jurisdiction(None, "Thailand and Cambodia met.", "en")[0] is None
    with pytest.raises(UsageError, match="^jurisdiction xx: choose one of") as refused:
        resolve_jurisdiction("xx", text, "en")
    assert "jurisdiction" in refused.value.options  # the CLI spells it --jurisdiction


# -- levels ----------------------------------------------------------------------------------
def test_checked_hits_carry_their_level_and_are_never_forced(shipped):
    hits = shipped.match("Mr. Dara met the Minister of Justice in Phnom Penh.", "en")
    levels = {h.term_id: h.level for h in hits}
    assert levels["title-mr"] == "check" and levels["title-minister-of-justice"] == "force"
    forced = {c.term_id for c in shipped.constraints(hits, "km")}
    assert "title-mr" not in forced and "title-minister-of-justice" in forced
    checks = {c.term_id: c.as_dict() for c in shipped.verify("លោក ដារា", hits, "km")}
    assert checks["title-mr"]["level"] == "check" and checks["title-mr"]["found"]
    assert hits[0].as_dict()["level"] == "check"


def test_a_file_without_the_new_columns_still_works(tmp_path):
    moj = "moj\tinstitution\tMinistry of Justice\tក\tກ\tก\tBộ\tproposed\ts"
    g = load_glossary(small(tmp_path, moj, header="id\ttype\ten\tkm\tlo\tth\tvi\tstatus\tsource"))
    hits = g.match("The Ministry of Justice met.", "en")
    assert [(h.term_id, h.level) for h in hits] == [("moj", "force")]
    assert [c.term_id for c in g.constraints(hits, "km")] == ["moj"]


@pytest.mark.parametrize(("column", "value"), [("scope", "mars"), ("level", "maybe"),
                                                ("context", "after-lunch")])  # fmt: skip
def test_unknown_scope_level_or_context_names_file_and_row(tmp_path, column, value):
    cells = {"scope": "", "level": "", "context": ""} | {column: value}
    path = small(tmp_path, f"moj\tinstitution\tMinistry\tក\tກ\tก\tBộ\t{cells['scope']}\t"
                           f"{cells['level']}\t{cells['context']}\tproposed\ts")  # fmt: skip
    g = load_glossary(path)
    assert any(p.column == column and value in p.message and p.row == 2 for p in lint(g))
    with pytest.raises(GlossaryError, match=rf"terms.tsv:2: {column}: '{value}'"):
        g.match("The Ministry met.", "en")


# -- word boundaries and titles --------------------------------------------------------------
@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("th", "นายกรัฐมนตรีกล่าวเปิดการประชุม"),  # นาย inside นายกรัฐมนตรี
        ("km", "ពិភពលោកទាំងមូលកំពុងមើល។"),  # លោក inside ពិភពលោក (world)
        ("km", "លោកបាននិយាយថា គាត់នឹងមក។"),  # លោក as "he"
        ("lo", "ທ່ານໄດ້ກ່າວວ່າ ຈະມາອີກ."),  # ທ່ານ as "he"
        ("vi", "Ông ấy nói rằng sẽ đến sau."),  # ông as "he"
        ("vi", "Tôi gặp bà ngoại của tôi."),  # bà as grandmother
        ("en", "The award for the best Mr. and Ms. costume went to a child."),
    ],
)
def test_titles_do_not_match_inside_words_or_as_pronouns(shipped, lang, text):
    found = ids(shipped, text, lang)
    assert "title-mr" not in found and "title-ms" not in found


@pytest.mark.parametrize(
    ("lang", "text", "concept"),
    [
        ("th", "นายสมชาย ใจดี เดินทางมาถึง", "title-mr"),
        ("km", "លោក សុខ សំណាង បានមកដល់។", "title-mr"),
        ("lo", "ທ່ານ ສົມສັກ ພົມມະຈັນ ໄດ້ມາຮອດ.", "title-mr"),
        ("vi", "Ông Nguyễn Văn An phát biểu.", "title-mr"),
        ("en", "Ms. Chanthy opened the workshop.", "title-ms"),
    ],
)
def test_titles_before_a_name_match(shipped, lang, text, concept):
    assert concept in ids(shipped, text, lang)


def test_a_country_name_inside_a_language_name_is_not_a_hit(tmp_path):
    g = load_glossary(small(tmp_path, "lao\tplace\tLaos\tឡាវ\tລາວ\tลาว\tLào\t\t\t\tproposed\ts"))
    assert ids(g, "ຂ້ອຍເວົ້າພາສາລາວໄດ້ດີ", "lo") == {}
    assert ids(g, "ลาว และ ไทย", "th") == {"lao": "force"}
    assert ids(g, "ผมพูดภาษาลาวได้", "th") == {}
    assert ids(g, "Tôi nói tiếng Lào và gặp người Lào.", "vi") == {}
    assert ids(g, "ខ្ញុំនិយាយភាសាឡាវ។", "km") == {}
    assert ids(g, "Tôi đến Lào.", "vi") == {"lao": "force"}


# -- spelling variants and the shared "term present" rule ----------------------------------
def test_khmer_da_ta_and_lao_thai_am_are_equal():
    assert contains("ក្រសួងយុត្ដិធម៌", "ក្រសួងយុត្តិធម៌", "km")
    assert contains("ລັດຖະທໍາມະນູນ", "ລັດຖະທຳມະນູນ", "lo")
    assert contains("สํานักงาน", "สำนักงาน", "th")
    assert term_present("ក្រសួងយុត្ដិធម៌", ["ក្រសួងយុត្តិធម៌"])
    assert term_found("Bộ Tư pháp hoà giải", "hòa giải")  # the review page uses the same rule
    assert not term_found("ពិភពលោក", "ក្រសួង")


def test_a_forbidden_variant_is_allowed_inside_a_longer_name_the_segment_needs(shipped):
    both = shipped.match("Việt Nam và Hội Liên hiệp Phụ nữ Việt Nam hợp tác.", "vi")
    cons = {c.term_id: c for c in shipped.constraints(both, "en")}
    assert cons["country-vn"].forbidden == ()
    alone = shipped.match("Việt Nam hợp tác.", "vi")
    assert shipped.constraints(alone, "en")[0].forbidden == ("Vietnam",)


# -- lint --------------------------------------------------------------------------------------
def test_lint_finds_one_neighbouring_letter_and_warns_on_shared_forms(tmp_path):
    thai_in_lao = "ເສียມລາບ"  # Lao with two Thai letters (U+0E35, U+0E22)
    path = small(
        tmp_path,
        f"sr\tplace\tSiem Reap\tសៀមរាប\t{thai_in_lao}\tเสียมราฐ\tXiêm Riệp\t\t\t\tproposed\ts",
        "a\tinstitution\tMinistry A\tក\tກ\tก\tBộ Nội vụ\t\t\t\tproposed\ts",
        "b\tinstitution\tMinistry B\tខ\tຂ\tข\tBộ Nội vụ\t\t\t\tproposed\ts",
    )
    problems = lint(load_glossary(path))
    script = [p for p in problems if p.row == 2 and p.column == "lo"]
    assert script and "U+0E35" in script[0].message and not script[0].warning
    shared = [p for p in problems if p.row == 4 and p.column == "vi"]
    assert shared and shared[0].warning


def test_shipped_base_lints_clean(shipped):
    assert [p for p in lint(shipped) if not p.warning] == []


def test_check_jsonl_reports_each_terms_level(mekong, tmp_path):
    gloss = small(
        tmp_path,
        "moj\tinstitution\tMinistry of Justice\tក្រសួងយុត្តិធម៌\tກ\tก\tBộ Tư pháp\t\t\t\tproposed\ts",
        "mr\ttitle\tMr.\tលោក\tທ່ານ\tนาย\tÔng\t\tcheck\tbefore-name\tproposed\ts",
    )
    src = tmp_path / "src.en"
    src.write_text("Mr. Dara visited the Ministry of Justice.\n", encoding="utf-8")
    hyp = tmp_path / "hyp.km"
    hyp.write_text("លោក ដារា បានទៅក្រសួងយុត្តិធម៌។\n", encoding="utf-8")
    args = ("check", src, hyp, "--src", "en", "--tgt", "km", "--glossary", gloss, "-f", "jsonl")
    result = mekong(*args)
    assert result.code == 0, result.err
    terms = {t["term_id"]: t["level"] for t in json.loads(result.out.splitlines()[0])["terms"]}
    assert terms == {"mr": "check", "moj": "force"}


def test_an_unknown_jurisdiction_is_one_clear_line(mekong, tmp_path):
    speech = tmp_path / "speech.txt"
    speech.write_text("The Supreme Court met.\n", encoding="utf-8")
    result = mekong("translate", speech, "--src", "en", "--tgt", "km", "--jurisdiction", "xx")
    assert result.code == 2
    assert result.err.strip().splitlines() == [
        "error: --jurisdiction xx: choose one of kh, la, th, vn"
    ]
