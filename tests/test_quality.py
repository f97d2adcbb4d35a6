"""Reference-free segment quality: each signal family, the combination rule, the stored struct."""

from __future__ import annotations

import sys
import types
from decimal import Decimal
from pathlib import Path

import pytest

from toolkit import languages, store
from toolkit.errors import ModelError
from toolkit.quality import (
    SIGNAL_FIELDS,
    QualityResult,
    combine,
    length,
    numbers,
    repetition,
    score_segment,
)
from toolkit.quality.common import Part
from toolkit.quality.kiwi import load_kiwi

SAMPLE = Path(__file__).resolve().parent.parent / "samples" / "parallel-speech"
LANGS = ("en", "km", "lo", "th", "vi")
LINES = {lang: (SAMPLE / f"{lang}.txt").read_text(encoding="utf-8").splitlines() for lang in LANGS}
PAIRS = [(s, t) for s in LANGS for t in LANGS if s != t]


@pytest.mark.parametrize(("src", "tgt"), PAIRS)
def test_good_translations_are_ok(src, tgt):
    for src_text, tgt_text in zip(LINES[src], LINES[tgt], strict=True):
        q = score_segment(src_text, tgt_text, src, tgt, logprob=-0.4)
        assert (q.status, q.flags) == ("ok", []), (src_text, tgt_text, q.signals)
        assert 0.6 <= q.score <= 1.0


def _native(number: str, lang: str) -> str:
    digits = languages.get(lang).digits
    return "".join(digits[int(d)] for d in number) if digits else number


def _planted(src: str, tgt: str) -> dict[str, tuple[str, str, str]]:
    """fault -> (source line, faulty output, flag expected)."""
    s, t = LINES[src], LINES[tgt]
    other = "lo" if tgt == "th" else "th"
    thirty_seven = "37" if "37" in t[1] else _native("37", tgt)
    phrase = " ".join(t[3].split()[-2:]) if tgt in ("en", "vi") else t[3][-8:]
    return {
        "wrong script": (s[2], LINES[other][2] if tgt != "vi" else LINES["km"][2], "wrong_script"),
        "dropped number": (s[1], t[1].replace(thirty_seven, ""), "number_missing"),
        "changed number": (s[1], t[1].replace(thirty_seven, _native("38", tgt)), "number_missing"),
        "phrase loop": (s[3], t[3] + (" " + phrase) * 8, "repetition"),
        "copy of the source": (s[6], s[6], "copy" if src in ("en", "vi") else "wrong_script"),
        "empty": (s[7], " ", "empty"),
    }


@pytest.mark.parametrize(
    ("src", "tgt"),
    [
        ("en", "km"),
        ("en", "lo"),
        ("en", "th"),
        ("en", "vi"),
        ("km", "en"),
        ("vi", "th"),
        ("th", "vi"),
    ],
)
def test_planted_faults_are_flagged(src, tgt):
    for fault, (src_text, hyp, flag) in _planted(src, tgt).items():
        q = score_segment(src_text, hyp, src, tgt)
        assert q.status != "ok", (fault, hyp)
        assert flag in q.flags, (fault, q.flags)
        assert q.score < 0.6


def test_missing_glossary_term_needs_review():
    terms = [
        {"term_id": "moj", "src": "Ministry of Justice", "tgt": "ក្រសួងយុត្តិធម៌", "found": True},
        {"term_id": "na", "src": "National Assembly", "tgt": "រដ្ឋសភា", "found": False},
    ]
    q = score_segment(LINES["en"][0], LINES["km"][0], "en", "km", terms=terms)
    assert q.status == "review" and "missing_term" in q.flags
    assert q.signals["term_success"] == 0.5 and q.signals["terms_missing"] == "na"
    found = score_segment(LINES["en"][0], LINES["km"][0], "en", "km", terms=terms[:1])
    assert found.status == "ok" and found.signals["term_success"] == 1.0


@pytest.mark.parametrize(
    ("text", "lang", "expected"),
    [
        ("1,500,000 people", "en", [1500000]),
        ("1.500.000 người", "vi", [1500000]),
        ("1.5 and 1,5", "en", [1.5, 1.5]),  # "1,5" is no English grouping: read as 1.5
        ("3,26 and 1.500.000", "km", [Decimal("3.26"), 1500000]),
        ("on 15.03.2023", "en", [15, 3, 2023]),
        ("ngày 15 tháng 3 năm 2023", "vi", [15, 2023]),
        ("ឆ្នាំ២០២៤ ចំនួន ៣៧", "km", [2024, 37]),
        ("ປີ ໒໐໒໔", "lo", [2024]),
        ("ปี ๒๕๖๗", "th", [2567]),
        ("no digits", "en", []),
    ],
)
def test_number_extraction(text, lang, expected):
    assert numbers.extract(text, lang) == expected


def test_thai_buddhist_era_years_match_only_as_years_and_only_for_thai():
    assert numbers.compare("In 2024 we", "ในปี พ.ศ. 2567 เรา", "en", "th") == ([], [])
    assert numbers.compare("ในปี พ.ศ. ๒๕๖๗ เรา", "In 2024 we", "th", "en") == ([], [])
    # 37 + 543 is not a year: a changed number, not an era
    assert numbers.compare("37 requests", "คำร้อง 580 เรื่อง", "en", "th") == (["37"], ["580"])
    # Khmer output with a Thai-era year is not accepted
    assert numbers.compare("In 2024", "ឆ្នាំ២៥៦៧", "en", "km") == (["2024"], ["2567"])


def test_added_number_needs_review():
    q = score_segment(LINES["en"][6], "Xin cảm ơn 99 sự chú ý của quý vị.", "en", "vi")
    assert q.status == "review" and q.flags == ["number_added"]
    assert q.signals["numbers_added"] == "99"


def test_output_far_longer_than_input_is_bad_and_moderately_long_is_review():
    src_text, good = LINES["en"][2], LINES["th"][2]
    unrelated = LINES["th"][3] + " " + LINES["th"][4] + " " + LINES["th"][11]
    long_q = score_segment(src_text, good + " " + unrelated + " " + LINES["th"][9], "en", "th")
    assert long_q.status == "bad" and "too_long" in long_q.flags
    padded = " ".join([good, LINES["th"][3], LINES["th"][11], LINES["th"][6]])
    review_q = score_segment(src_text, padded, "en", "th")
    assert review_q.status == "review" and "length" in review_q.flags


def test_expected_ratio_of_a_pair_is_derived_from_the_weights():
    assert length.expected_ratio("km", "vi") == pytest.approx(
        length.WEIGHTS["vi"] / length.WEIGHTS["km"]
    )
    assert length.expected_ratio("en", "km") > 1.2  # Khmer runs longer than English


def test_repetition_counts_characters_for_languages_without_spaces():
    loop = "การประชุม" * 6
    assert repetition.repeated_share(loop, "th") > 0.5
    assert repetition.repeated_share(LINES["th"][0], "th") == 0.0
    # in the source too: not the translation's fault
    echo_src = "Thank you, thank you, thank you, thank you very much."
    echo_tgt = "Xin cảm ơn, xin cảm ơn, xin cảm ơn, xin cảm ơn rất nhiều."
    assert "repetition" not in score_segment(echo_src, echo_tgt, "en", "vi").flags


def test_english_left_in_a_vietnamese_output():
    q = score_segment(LINES["km"][2], LINES["en"][2], "km", "vi")
    assert q.status == "review" and q.flags == ["wrong_language"]


def test_a_source_pasted_beside_its_translation_is_review_not_bad():
    """The translation is there; the pasted source must go: `source_copied`, not `copy`."""
    src_text, tgt_text = LINES["en"][3], LINES["km"][3]
    for output in (f"{src_text} {tgt_text}", f"{tgt_text}\n{src_text}", src_text + tgt_text):
        q = score_segment(src_text, output, "en", "km")
        assert q.status == "review" and "source_copied" in q.flags, (output, q.flags)
        assert "copy" not in q.flags
    # a copy with a word or two of its own is still an untranslated copy
    q = score_segment(src_text, src_text + " ពិត", "en", "km")
    assert q.status == "bad" and "copy" in q.flags
    vi = score_segment(src_text, src_text, "en", "vi")
    assert vi.status == "bad" and "copy" in vi.flags


def test_short_names_may_be_kept_as_written():
    q = score_segment("UNODC", "UNODC", "en", "vi")
    assert q.status == "ok", q.flags


def test_model_confidence_and_round_trip():
    src_text, tgt_text = LINES["en"][3], LINES["km"][3]
    confident = score_segment(src_text, tgt_text, "en", "km", logprob=-0.3)
    unsure = score_segment(src_text, tgt_text, "en", "km", logprob=-3.0)
    assert confident.status == "ok" and confident.signals["confidence"] > 0.7
    assert unsure.status == "review" and "low_confidence" in unsure.flags
    assert unsure.score < confident.score
    back_good = "We must protect children from all forms of exploitation."
    back_bad = "The weather in the capital was pleasant yesterday."
    good = score_segment(src_text, tgt_text, "en", "km", back_text=back_good)
    bad = score_segment(src_text, tgt_text, "en", "km", back_text=back_bad)
    assert good.status == "ok" and good.signals["roundtrip_chrf"] > 0.6
    assert bad.status == "review" and "roundtrip_low" in bad.flags


def test_test_model_output_is_never_ok():
    q = score_segment(LINES["en"][3], LINES["km"][3], "en", "km", test_model=True)
    assert q.status == "review" and "test_model" in q.flags and q.signals["test_model"] is True


def test_combination_rule():
    assert combine([Part({}, 0.9), Part({}, 0.9)]) == (pytest.approx(0.81), "ok", [])
    score, status, flags = combine([Part({}, 0.7), Part({}, 0.7)])
    assert (status, flags) == ("review", ["low_score"]) and score == pytest.approx(0.49)
    score, status, _ = combine([Part({}, 1.0, ["missing_term"])])
    assert status == "review" and score == 0.59
    score, status, flags = combine([Part({}, 1.0, ["number_missing"]), Part({}, 0.9, ["copy"])])
    assert status == "bad" and score == 0.25 and flags == ["number_missing", "copy"]


@pytest.mark.parametrize(
    "kwargs",
    [
        {},
        {"logprob": -0.5, "back_text": "x", "kiwi": 0.9, "tm_match": 0.95, "align_score": 0.8},
        {"tgt_text": ""},
        {"src_text": "", "tgt_text": ""},
        {"src_text": "", "tgt_text": "extra"},
    ],
)
def test_every_result_has_every_signal_field(kwargs):
    args = {"src_text": LINES["en"][0], "tgt_text": LINES["lo"][0]} | kwargs
    q = score_segment(args.pop("src_text"), args.pop("tgt_text"), "en", "lo", **args)
    assert isinstance(q, QualityResult)
    assert set(q.signals) == set(SIGNAL_FIELDS)
    assert q.signals["flags"] == q.flags and 0.0 <= q.score <= 1.0
    assert q.status in ("ok", "review", "bad")


def test_blank_source_lines():
    assert score_segment("", "", "en", "km").status == "ok"
    assert score_segment(" ", "ខ្ញុំ", "en", "km").flags == ["added_text"]


def test_signals_fit_the_store_struct():
    rows = []
    for i, (tgt_text, extra) in enumerate([(LINES["km"][1], {}), ("", {"logprob": -1.0})]):
        q = score_segment(LINES["en"][1], tgt_text, "en", "km", **extra)
        rows.append(
            {
                "doc_id": "d",
                "seg_id": i,
                "para_id": 0,
                "src_lang": "en",
                "tgt_lang": "km",
                "src_text": LINES["en"][1],
                "tgt_text": tgt_text,
                "src_ids": [i],
                "tgt_ids": [i],
                "origin": "mt",
                "engine": "e",
                "glossary_version": "",
                "terms": [],
                "score": q.score,
                "status": q.status,
                "review": "new",
                "created_at": None,
                "signals": q.signals,
            }
        )
    frame = store.to_frame(rows)
    fields = [f.name for f in frame.schema["signals"].fields]
    assert fields == list(SIGNAL_FIELDS)
    assert frame["signals"].struct.field("flags").to_list() == [[], ["empty"]]


def test_kiwi_without_unbabel_comet_is_a_clear_model_error(monkeypatch):
    monkeypatch.setitem(sys.modules, "comet", None)  # import comet -> ImportError
    with pytest.raises(ModelError, match="unbabel-comet"):
        load_kiwi("models/cometkiwi")


def test_kiwi_model_must_be_local(monkeypatch, tmp_path):
    fake = types.ModuleType("comet")

    def no_download(*_args, **_kwargs):  # pragma: no cover - must not be reached
        raise AssertionError("tried to load a missing checkpoint")

    fake.load_from_checkpoint = no_download  # type: ignore[attr-defined]
    fake.download_model = no_download  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "comet", fake)
    with pytest.raises(ModelError, match="no local CometKiwi checkpoint"):
        load_kiwi(tmp_path / "cometkiwi")


def test_kiwi_score_is_a_signal():
    low = score_segment(LINES["en"][3], LINES["km"][3], "en", "km", kiwi=0.3)
    high = score_segment(LINES["en"][3], LINES["km"][3], "en", "km", kiwi=0.85)
    assert low.status == "review" and "kiwi_low" in low.flags and low.signals["kiwi"] == 0.3
    assert high.status == "ok"
