"""Segmentation of news-like text: Latin words inside Khmer/Lao/Thai, quotes, wrapped paragraphs.

All sentences are written for these tests.
"""

from __future__ import annotations

import json

import pytest

from toolkit.documents import from_text
from toolkit.segment import restore, segment, split_text
from toolkit.segment.th import MAX_SENTENCE, ThaiModel, best_cuts


def texts(text: str, lang: str) -> list[str]:
    return [s.text for s in split_text(text, lang)]


# --- English abbreviations that news uses ---------------------------------------------------


@pytest.mark.parametrize(
    "text, expected",
    [
        ("The march took place on Oct. 2, 1998, in the old square.", 1),
        ("Letters went to Sens. Maria Lopez and Det. Ann Fox of the city police.", 1),
        ("The ruling in Smith v. Jones still stands. Lawyers agree.", 2),
        ("Most pupils in the class got a grade A. The results were published today.", 2),
        ("The museum director Dionisio A. Lind opened the show.", 1),
        ("Room No. 5 stays closed. Oh, no. I did not know that.", 3),
        ("The road will remain closed until Oct. President Lee visits it in spring.", 2),
    ],
)
def test_english_news_abbreviations(text, expected):
    assert len(texts(text, "en")) == expected


# --- Latin words inside Lao, Khmer and Thai: the English rules, once -------------------------

LAO_CASES = [
    # (text, number of sentences); initials, titles, saints and U.S.-like acronyms go on.
    ("ທ່ານ Dionisio A. Lind ໄດ້ກ່າວຄຳເຫັນໃນກອງປະຊຸມ. ພວກເຮົາຂໍຂອບໃຈ.", 2),
    ("ຄະນະຜູ້ແທນໄດ້ໄປຢ້ຽມຢາມໂບດ St. Martin's ໃນນະຄອນຫຼວງ.", 1),
    ("ທ່ານ Dr. PawPaw ໄດ້ມາເຖິງສະໜາມບິນໃນຕອນເຊົ້າ.", 1),
    ("ທັງ Kim ແລະ U.S. ປະທານາທິບໍດີ ໄດ້ພົບກັນທີ່ສິງກະໂປ.", 1),
    ("ພວກເຮົາລໍຖ້າດົນນານ... ແລ້ວກໍກັບບ້ານ.", 1),
    ("ອັດຕາເງິນເຟີ້ແມ່ນ 3.5 ເປີເຊັນໃນປີນີ້. ລາຄາເຂົ້າສູງຂຶ້ນ.", 2),
    # A Latin word that is no abbreviation still ends the sentence.
    ("ລາວໄດ້ລົງທະບຽນຢູ່ Harvard. ຫຼັງຈາກນັ້ນລາວກໍກັບມາ.", 2),
]


@pytest.mark.parametrize("text, expected", LAO_CASES)
def test_latin_words_inside_lao(text, expected):
    assert len(texts(text, "lo")) == expected


def test_latin_words_inside_khmer():
    text = (
        "លោក Dr. PawPaw បានមកដល់ទីក្រុងភ្នំពេញ។ លោក Dionisio A. Lind បាននិយាយថា យើងរង់ចាំ... ហើយបន្តការងារ។"
    )
    got = texts(text, "km")
    assert len(got) == 2 and "A. Lind" in got[1] and "... ហើយ" in got[1]


@pytest.mark.parametrize(
    "text, kept",
    [
        ("นาย Dionisio A. Lind กล่าวในที่ประชุมเมื่อวานนี้ว่าโครงการนี้จะเริ่มในปีหน้า", "A. Lind"),
        ("คุณหมอ Dr. PawPaw เดินทางมาถึงกรุงเทพมหานครแล้วในช่วงเช้าของวันจันทร์", "Dr. PawPaw"),
        ("ผู้แทนเดินทางไปเยี่ยมโบสถ์ St. Martin's ที่อยู่ใจกลางเมืองเก่าในวันเสาร์", "St. Martin"),
        ("เราต้องรอคอยกันอีกนาน... แล้วจึงกลับบ้านพร้อมกันในตอนเย็นของวันนั้นเอง", "นาน... แล้ว"),
    ],
)
def test_latin_abbreviations_inside_thai_are_never_cut(text, kept):
    assert any(kept in seg for seg in texts(text, "th"))


# --- quotes --------------------------------------------------------------------------------


def test_attribution_after_a_quoted_exclamation_stays_with_it():
    got = texts('"Get out of the water!" Hammel added. The boy was taken to hospital.', "en")
    assert got == ['"Get out of the water!" Hammel added.', "The boy was taken to hospital."]
    vi = texts('"Các bạn đã sẵn sàng chưa?" CNN đưa tin. Đầu năm nay trời mưa nhiều.', "vi")
    assert len(vi) == 2 and vi[0].endswith("CNN đưa tin.")


def test_a_quoted_statement_followed_by_a_short_sentence_is_still_split():
    got = texts('The minister said: "No country can do this alone." We agree with her.', "en")
    assert len(got) == 2


def test_a_closing_quote_typed_after_a_space_belongs_to_the_sentence_it_closes():
    got = texts('She asked: "Are we ready? " Then the meeting began.', "en")
    assert got == ['She asked: "Are we ready? "', "Then the meeting began."]


def test_lower_case_after_a_lone_closing_quote_continues_the_sentence():
    assert len(texts("“The law was passed... ” that is what they wrote to us.", "en")) == 1


def test_a_lone_straight_quote_that_opens_the_next_quotation_starts_the_next_sentence():
    got = texts('The talks ended. " We will meet again," she said.', "en")
    assert got[0] == "The talks ended."


def test_a_single_letter_after_an_ordinary_word_may_end_the_sentence():
    assert len(texts("Nhiều học sinh đạt điểm A. Dữ liệu được công bố hôm qua.", "vi")) == 2
    assert len(texts("ນັກຮຽນຫຼາຍຄົນໄດ້ເກຣດ A. ຂໍ້ມູນນີ້ຖືກເຜີຍແຜ່ມື້ວານນີ້.", "lo")) == 2
    assert len(texts("Ông Dionisio A. Lind phát biểu tại hội nghị.", "vi")) == 1


def test_khmer_mark_after_a_quoted_exclamation_is_part_of_the_sentence():
    got = texts('គាត់ស្រែកថា "មានឆ្លាម!" ។ ក្មេងនោះត្រូវបានគេជួយ។', "km")
    assert len(got) == 2 and got[0].endswith("។")


# --- paragraphs broken by page or line wrapping --------------------------------------------

WRAPPED = """# Report of the working group on the

# protection of children in tourism

We met twice and discussed the draft law. Turning to the

the definition of a tourist, members asked for more time.

The group agreed on three points:

all members will send comments.

Dear colleagues,

thank you for coming.

- the first item has no final mark

second line of text."""


def test_wrapped_paragraphs_and_headings_are_joined_and_the_join_recorded():
    doc = from_text(WRAPPED)
    segs = segment(doc, "en")
    heading, first, joined = segs[0], segs[1], segs[2]
    assert heading.kind == "heading"
    assert heading.text == "Report of the working group on the protection of children in tourism"
    assert joined.text.startswith("Turning to the the definition") and joined.text.endswith("time.")
    assert first.joins == () and joined.joins and heading.joins
    for seg in (heading, joined):
        for offset in seg.joins:
            assert seg.text[offset] == " "
        assert restore(seg) == doc.text[seg.start : seg.end].replace("\n", " ")


def test_real_paragraph_ends_are_never_joined():
    got = texts(WRAPPED, "en")
    # A colon, a salutation and a bullet end their paragraph even before lower case.
    for kept in ("The group agreed on three points:", "Dear colleagues,"):
        assert kept in got
    assert "all members will send comments." in got
    assert "thank you for coming." in got
    assert "the first item has no final mark" in got and "second line of text." in got


def test_a_finished_sentence_is_not_joined_to_a_lower_case_paragraph():
    got = texts("The meeting closed at noon.\n\nminutes follow below.", "en")
    assert len(got) == 2


def test_wrapped_thai_paragraph_with_a_repeated_word_is_joined():
    text = "คณะกรรมการได้พิจารณาร่างกฎหมายฉบับนี้ในการประชุม\n\nการประชุม ครั้งที่สองเมื่อวานนี้"
    segs = split_text(text, "th")
    assert len({s.para_id for s in segs}) == 1 or any(s.joins for s in segs)


def test_cli_jsonl_shows_the_join(mekong, workdir):
    (workdir / "w.md").write_text(WRAPPED, encoding="utf-8")
    result = mekong("segment", "w.md", "--lang", "en", "--format", "jsonl")
    assert result.code == 0
    rows = [json.loads(line) for line in result.out.splitlines()]
    joined = [r for r in rows if r["joins"]]
    assert joined and all(r["text"][r["joins"][0]] == " " for r in joined)


# --- Thai: precision first, but never an endless segment -------------------------------------


def test_thai_decoder_cuts_a_long_stretch_at_its_best_space_only_when_it_must():
    # Every cut costs (negative gains): a short text stays whole ...
    model = ThaiModel({}, 0.0, 0, scale=1.0, offset=-5.0)
    word = "ก" * 99
    short = " ".join([word] * 3)
    spaces = [(m, m + 1, 0.0) for m in range(99, len(short), 100)]
    assert best_cuts(model, 0, len(short), spaces) == []
    # ... a text over the limit is cut, at the most likely space.
    n = MAX_SENTENCE // 100 + 3
    long = " ".join([word] * n)
    positions = list(range(99, len(long), 100))
    best = positions[len(positions) // 2]
    spaces = [(p, p + 1, 3.0 if p == best else 0.0) for p in positions]
    cuts = best_cuts(model, 0, len(long), spaces)
    assert best in cuts
    bounds = [0, *cuts, len(long)]
    assert max(b - a for a, b in zip(bounds, bounds[1:], strict=False)) <= MAX_SENTENCE


def test_long_thai_paragraph_is_split_before_the_input_limit():
    clause = "โครงการพัฒนาชนบทได้ดำเนินการต่อเนื่องมาหลายปีแล้วและยังคงได้รับการสนับสนุนจากทุกฝ่าย"
    text = " ".join([clause] * 20)
    segs = split_text(text, "th")
    assert len(segs) > 1 and max(len(s.text) for s in segs) <= MAX_SENTENCE


def test_thai_never_cuts_after_a_latin_abbreviation_even_when_the_model_would():
    from toolkit.segment.th import ThaiSegmenter

    eager = ThaiModel({"bias": 10.0}, 0.0, 0, scale=1.0, offset=0.0)  # cuts every space
    text = "นาย Dionisio A. Lind และ Dr. PawPaw ไปที่ St. Martin's แล้ว... กลับบ้าน จบ"
    cuts = ThaiSegmenter.global_cuts(text, eager)
    before = {text[:c].split()[-1] for c in cuts}
    assert not before & {"A.", "Dr.", "St.", "แล้ว..."}
    assert {"Lind", "และ", "กลับบ้าน"} <= before  # the other spaces are cut
