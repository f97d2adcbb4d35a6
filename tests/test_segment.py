"""Per-language segmentation cases, the speech structure layer and `mekong segment`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from toolkit.documents import from_text
from toolkit.errors import UsageError
from toolkit.segment import restore, segment, split_text


def texts(text: str, lang: str) -> list[str]:
    return [s.text for s in split_text(text, lang)]


@pytest.mark.parametrize(
    "text, expected",
    [
        (
            "We welcome H.E. Mr. Sok and Ms. Lim. The meeting opens at 9 a.m. on Monday.",
            ["We welcome H.E. Mr. Sok and Ms. Lim.", "The meeting opens at 9 a.m. on Monday."],
        ),
        (
            "Dr. J. F. Smith of the U.S. Embassy spoke, e.g. on Law No. 5. We agreed.",
            ["Dr. J. F. Smith of the U.S. Embassy spoke, e.g. on Law No. 5.", "We agreed."],
        ),
        (
            'He said, "No country can do it alone." Why? Because crime has no borders!',
            ['He said, "No country can do it alone."', "Why?", "Because crime has no borders!"],
        ),
        (
            "It rose 3.5 per cent (see p. 4) in 2023. We thank Gen. Tea.",
            ["It rose 3.5 per cent (see p. 4) in 2023.", "We thank Gen. Tea."],
        ),
        ("We met in the U.S. The talks went well.", ["We met in the U.S.", "The talks went well."]),
    ],
)
def test_english_abbreviations_numbers_quotes(text, expected):
    assert texts(text, "en") == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        (
            "PGS.TS. Nguyễn Văn An phát biểu tại TP. Hồ Chí Minh. Hội nghị kết thúc lúc 17 giờ.",
            [
                "PGS.TS. Nguyễn Văn An phát biểu tại TP. Hồ Chí Minh.",
                "Hội nghị kết thúc lúc 17 giờ.",
            ],
        ),
        (
            "GS.TSKH. Trần Bình và ThS. Lê Hoa đã tham dự. Q. Ba Đình có 14 phường.",
            ["GS.TSKH. Trần Bình và ThS. Lê Hoa đã tham dự.", "Q. Ba Đình có 14 phường."],
        ),
        ("Xin cảm ơn! Chúc hội nghị thành công.", ["Xin cảm ơn!", "Chúc hội nghị thành công."]),
    ],
)
def test_vietnamese_titles_and_places(text, expected):
    assert texts(text, "vi") == expected


def test_khmer_marks_that_never_end_a_sentence():
    text = "ក្មេងៗ លេងបាល់។ តម្លៃ ១០០០៛ ក្នុងមួយគីឡូ។ គោលបំណង៖ ច្បាប់ ការងារ ។ល។ ត្រូវពិនិត្យ។ សូមអរគុណ!"
    assert texts(text, "km") == [
        "ក្មេងៗ លេងបាល់។",
        "តម្លៃ ១០០០៛ ក្នុងមួយគីឡូ។",
        "គោលបំណង៖ ច្បាប់ ការងារ ។ល។ ត្រូវពិនិត្យ។",
        "សូមអរគុណ!",
    ]


def test_khmer_sentence_marks_without_spaces():
    assert texts("ទីមួយ។ទីពីរ៕ហេតុអ្វី?", "km") == ["ទីមួយ។", "ទីពីរ៕", "ហេតុអ្វី?"]


def test_lao_abbreviations_and_space_only_boundaries():
    text = (
        "ຂ້າພະເຈົ້າຂໍຕ້ອນຮັບທ່ານ ປອ. ສົມສັກ ແລະ ທ່ານ ດຣ. ບຸນມີ ສູ່ ສ.ປ.ປ. ລາວ. "
        "ກອງປະຊຸມໄດ້ປຶກສາຫາລືກ່ຽວກັບກົດໝາຍຫຼາຍສະບັບ ດັ່ງນັ້ນ ພວກເຮົາຕ້ອງຮ່ວມມືກັນ. ຂໍຂອບໃຈ!"
    )
    assert texts(text, "lo") == [
        "ຂ້າພະເຈົ້າຂໍຕ້ອນຮັບທ່ານ ປອ. ສົມສັກ ແລະ ທ່ານ ດຣ. ບຸນມີ ສູ່ ສ.ປ.ປ. ລາວ.",
        "ກອງປະຊຸມໄດ້ປຶກສາຫາລືກ່ຽວກັບກົດໝາຍຫຼາຍສະບັບ",
        "ດັ່ງນັ້ນ ພວກເຮົາຕ້ອງຮ່ວມມືກັນ.",
        "ຂໍຂອບໃຈ!",
    ]


def test_lao_repetition_mark_and_conjunction_keep_the_sentence():
    text = "ພວກເຮົາໄດ້ຮັບການສະໜັບສະໜູນຈາກປະເທດຕ່າງໆ ແລະ ຂ້າພະເຈົ້າຂໍຂອບໃຈ."
    assert texts(text, "lo") == [text]


def test_thai_splits_at_some_spaces_only():
    text = (
        "รัฐบาลได้อนุมัติงบประมาณ 500 ล้านบาท เพื่อพัฒนาระบบยุติธรรมในปีนี้แล้ว "
        "นอกจากนี้ยังได้จัดการประชุมร่วมกับประเทศเพื่อนบ้านอีกด้วย ขอบคุณครับ"
    )
    segs = texts(text, "th")
    assert 1 < len(segs) < text.count(" ") + 1
    assert "".join(segs) == text.replace(" ", "") or " ".join(segs) == text
    assert segs[-1].endswith("ขอบคุณครับ")


def test_thai_question_mark_ends_and_salutation_line_stays_whole():
    text = (
        "เรียน ท่านรัฐมนตรี ท่านเอกอัครราชทูต และแขกผู้มีเกียรติทุกท่าน\nทำไมเรื่องนี้สำคัญ? เพราะอาชญากรรมไม่มีพรมแดน"
    )
    segs = split_text(text, "th")
    assert segs[0].kind == "salutation"
    assert segs[0].text == text.split("\n")[0]
    assert segs[1].text == "ทำไมเรื่องนี้สำคัญ?"


SPEECH = """# **Opening Remarks** on Legal Cooperation

Phnom Penh, 14 March 2024

Your Excellencies, Ladies and Gentlemen!
Excellencies,
Distinguished guests,

It is an *honour* to be here. **We thank H.E. Mr. Sok.** The work
continues in 2025.

- First, review the laws. Then compare them.
- Second, agree on a plan

---

Thank you!"""


def test_speech_structure_segments_and_kinds():
    segs = split_text(SPEECH, "en")
    got = [(s.kind, s.text) for s in segs]
    assert got == [
        ("heading", "Opening Remarks on Legal Cooperation"),
        ("dateline", "Phnom Penh, 14 March 2024"),
        ("salutation", "Your Excellencies, Ladies and Gentlemen!"),
        ("salutation", "Excellencies,"),
        ("salutation", "Distinguished guests,"),
        ("sentence", "It is an honour to be here."),
        ("sentence", "We thank H.E. Mr. Sok."),
        ("sentence", "The work continues in 2025."),
        ("bullet", "First, review the laws."),
        ("sentence", "Then compare them."),
        ("bullet", "Second, agree on a plan"),
        ("rule", "---"),
        ("sentence", "Thank you!"),
    ]


def test_markup_is_recorded_and_spans_cover_it():
    doc = from_text(SPEECH)
    segs = segment(doc, "en")
    assert segs[0].markup[0] == (0, "# **")
    assert doc.text[segs[0].start : segs[0].end] == "# **Opening Remarks** on Legal Cooperation"
    bold = next(s for s in segs if s.text == "We thank H.E. Mr. Sok.")
    assert doc.text[bold.start : bold.end] == "**We thank H.E. Mr. Sok.**"
    for seg in segs:
        assert restore(seg) == doc.text[seg.start : seg.end].replace("\n", " ")
    wrapped = next(s for s in segs if s.text == "The work continues in 2025.")
    assert doc.text[wrapped.start : wrapped.end] == "The work\ncontinues in 2025."


@pytest.mark.parametrize(
    "text, lang, first",
    [
        ("សុន្ទរកថា\n\nឯកឧត្តម លោកជំទាវ!\nខ្ញុំសូមស្វាគមន៍។", "km", "សុន្ទរកថា"),
        ("Kính thưa quý vị đại biểu,\nTôi xin chào mừng.", "vi", "Kính thưa quý vị đại biểu,"),
        ("ຮຽນ ທ່ານ ລັດຖະມົນຕີ,\nຂ້າພະເຈົ້າຍິນດີ.", "lo", "ຮຽນ ທ່ານ ລັດຖະມົນຕີ,"),
    ],
)
def test_salutation_and_heading_lines_in_other_languages(text, lang, first):
    segs = split_text(text, lang)
    assert segs[0].text == first
    assert len(segs) >= 2


def test_unknown_language_is_a_usage_error():
    with pytest.raises(UsageError):
        split_text("Hello.", "xx")


def test_cli_text_and_jsonl(mekong, workdir):
    (workdir / "s.md").write_text(SPEECH, encoding="utf-8")
    result = mekong("segment", "s.md", "--lang", "en")
    assert result.code == 0
    lines = result.out.splitlines()
    assert lines[0] == "Opening Remarks on Legal Cooperation"
    assert "Thank you!" in lines and "Excellencies," in lines
    result = mekong("segment", "s.md", "--lang", "auto", "--format", "jsonl")
    rows = [json.loads(line) for line in result.out.splitlines()]
    text = from_text(SPEECH).text
    assert rows[0]["kind"] == "heading" and rows[0]["markup"][0] == [0, "# **"]
    for row in rows:
        assert {"para_id", "seg_id", "text", "start", "end"} <= set(row)
        assert row["text"].split()[0].strip("*") in text[row["start"] : row["end"]]


def test_cli_bad_format_and_undetectable_language(mekong, workdir):
    (workdir / "n.txt").write_text("12345 678", encoding="utf-8")
    bad = mekong("segment", "n.txt", "--lang", "en", "--format", "xml")
    assert bad.code != 0 and "format" in bad.err and "Traceback" not in bad.err
    auto = mekong("segment", "n.txt", "--lang", "auto")
    assert auto.code != 0 and "detect" in auto.err


def test_thai_model_loads_only_when_thai_is_segmented():
    import subprocess
    import sys

    code = (
        "import sys, toolkit.segment as s; from toolkit.documents import from_text; "
        "s.segment(from_text('Hello. World.'), 'en'); "
        "print('toolkit.segment.th' in sys.modules)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        cwd=Path(__file__).resolve().parent.parent,
    )
    assert out.stdout.strip() == "False"


GOLD = Path(__file__).resolve().parent.parent / "bench" / "gold"


def _gold_and_predicted(lang: str) -> tuple[set[int], set[int]]:
    """Boundaries of bench/gold/<lang>.txt (line breaks and ‖) and of Mekong's segments,
    both as the number of non-space characters before the boundary."""
    marked = (GOLD / f"{lang}.txt").read_text(encoding="utf-8").replace(" ‖ ", " ‖")
    gold, count = set(), 0
    for ch in marked:
        if ch in "‖\n":
            gold.add(count)
        elif not ch.isspace():
            count += 1
    doc = from_text(marked.replace("‖", ""))
    predicted = {len("".join(doc.text[: s.end].split())) for s in segment(doc, lang)}
    return {b for b in gold if 0 < b < count}, {b for b in predicted if 0 < b < count}


@pytest.mark.parametrize("lang", ["en", "km"])
def test_own_speech_gold_is_segmented_exactly(lang):
    gold, predicted = _gold_and_predicted(lang)
    assert predicted == gold


def test_own_lao_gold_has_no_false_boundary():
    gold, predicted = _gold_and_predicted("lo")
    assert predicted <= gold and len(predicted) >= 0.9 * len(gold)


def test_thai_line_starting_with_a_pronoun_is_a_sentence_not_a_salutation():
    # Whether the space before "ขอบคุณครับ" is cut is the model's call (it prefers precision).
    text = "ท่านนายกรัฐมนตรีเดินทางถึงกรุงเวียงจันทน์เมื่อเช้านี้แล้ว ขอบคุณครับ"
    segs = split_text(text, "th")
    assert all(s.kind == "sentence" for s in segs)
    assert segs[-1].text.endswith("ขอบคุณครับ")


def test_thai_global_decoder_uses_scores_and_the_length_prior():
    from toolkit.segment.th import ThaiModel, best_cuts

    text = "ก" * 60 + " " + "ข" * 3 + " " + "ค" * 60
    spaces = [(60, 61, 1.0), (64, 65, 1.0)]
    scores_only = ThaiModel({}, 0.0, 0, scale=1.0, offset=0.0)
    assert best_cuts(scores_only, 0, len(text), spaces) == [60, 64]
    assert best_cuts(scores_only, 0, len(text), [(60, 61, -1.0), (64, 65, 1.0)]) == [64]
    # A prior favouring ~60-character sentences drops the cut that leaves a 3-character one.
    with_prior = ThaiModel({}, 0.0, 0, scale=1.0, offset=0.0, length_weight=1.0, mu=4.1, sigma=0.5)
    assert best_cuts(with_prior, 0, len(text), spaces) in ([60], [64])
