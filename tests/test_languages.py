import pytest

from toolkit import languages
from toolkit.errors import UsageError


def test_codes_for_every_language():
    assert {c: languages.get(c).nllb for c in languages.SUPPORTED} == {
        "en": "eng_Latn",
        "km": "khm_Khmr",
        "lo": "lao_Laoo",
        "th": "tha_Thai",
        "vi": "vie_Latn",
    }
    assert languages.get("KHM_khmr").code == "km"


def test_unknown_code_lists_supported_ones():
    with pytest.raises(UsageError) as err:
        languages.get("fr")
    assert "en, km, lo, th, vi" in str(err.value)


def test_parse_list_validates_and_dedupes():
    assert languages.parse_list("km, lo,km,,th") == ["km", "lo", "th"]
    with pytest.raises(UsageError):
        languages.parse_list(" , ")


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("ក្រសួងយុត្តិធម៌", "km"),
        ("ກະຊວງຍຸຕິທຳ", "lo"),
        ("กระทรวงยุติธรรม", "th"),
        ("Bộ Tư pháp nước Cộng hòa xã hội chủ nghĩa Việt Nam", "vi"),
        ("The Ministry of Justice of Viet Nam", "en"),
        ("Ministry of Justice: ក្រសួងយុត្តិធម៌ នៃព្រះរាជាណាចក្រកម្ពុជា", "km"),
    ],
)
def test_detect_by_script(text, lang):
    assert languages.detect(text) == lang


def test_detect_nothing_without_letters():
    assert languages.detect("12 / 34 !") is None


def test_native_digits_become_ascii():
    assert languages.to_ascii_digits("២០២៥ ๒๕๖๘ ໒໐໒໕ 2025") == "2025 2568 2025 2025"


def test_script_share():
    assert languages.script_share("กระทรวง abc", "th") == pytest.approx(7 / 10)
    assert languages.script_share("123", "km") == 1.0
