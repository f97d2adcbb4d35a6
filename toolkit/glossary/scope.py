"""Jurisdiction of a term hit: which country a name in the text belongs to.

A concept with a `scope` (kh, la, th, vn) names one country's body or rank. In the text, a name
can be qualified by a country ("the U.S. Supreme Court", "Tòa án Tối cao Hoa Kỳ"); a qualifier
of another country blocks the match. An unqualified generic name ("the Supreme Court") belongs
to the document's jurisdiction, declared or detected; without one it is checked, not forced.
Country words per language below; a qualifier is searched next to the hit, not in it.
"""

from __future__ import annotations

import re
from collections import Counter
from typing import TYPE_CHECKING

from toolkit.glossary.text import SPACED, keyed

if TYPE_CHECKING:
    from toolkit.glossary.match import Entry

# Words that name a country, per language (lower case; km/lo/th without spaces). The four
# jurisdictions, then "other" for countries a Mekong glossary has no scoped concepts for.
_WORDS: dict[str, dict[str, tuple[str, ...]]] = {
    "en": {
        "kh": ("cambodia", "cambodian", "kampuchea", "khmer", "phnom penh"),
        "la": ("laos", "lao pdr", "lao", "vientiane"),
        "th": ("thailand", "thai", "bangkok", "siam"),
        "vn": ("viet nam", "vietnam", "vietnamese", "hanoi", "ha noi"),
        "other": (
            "u.s.",
            "US",
            "u.s",
            "USA",
            "united states",
            "america",
            "american",
            "washington",
            "china",
            "chinese",
            "beijing",
            "japan",
            "japanese",
            "tokyo",
            "korea",
            "korean",
            "seoul",
            "india",
            "indian",
            "russia",
            "russian",
            "moscow",
            "france",
            "french",
            "paris",
            "germany",
            "german",
            "berlin",
            "britain",
            "british",
            "UK",
            "u.k.",
            "london",
            "england",
            "australia",
            "australian",
            "canberra",
            "canada",
            "canadian",
            "myanmar",
            "burma",
            "malaysia",
            "malaysian",
            "singapore",
            "indonesia",
            "indonesian",
            "philippines",
            "philippine",
            "brazil",
            "brazilian",
            "mexico",
            "mexican",
            "israel",
            "israeli",
            "iran",
            "iranian",
            "pakistan",
            "ukraine",
            "ukrainian",
            "italy",
            "italian",
            "spain",
            "spanish",
            "texas",
            "california",
            "florida",
            "new york",
            "state",
            "federal",
            "european",
            "EU",
        ),
    },
    "vi": {
        "kh": ("campuchia", "cam-pu-chia", "phnôm pênh"),
        "la": ("lào", "viêng chăn"),
        "th": ("thái lan", "băng cốc"),
        "vn": ("việt nam", "hà nội"),
        "other": (
            "mỹ",
            "hoa kỳ",
            "trung quốc",
            "nhật bản",
            "hàn quốc",
            "ấn độ",
            "nga",
            "pháp",
            "đức",
            "anh",
            "úc",
            "australia",
            "canada",
            "myanmar",
            "malaysia",
            "singapore",
            "indonesia",
            "philippines",
            "washington",
            "liên bang",
        ),
    },
    "km": {
        "kh": ("កម្ពុជា", "ខ្មែរ", "ភ្នំពេញ"),
        "la": ("ឡាវ", "វៀងចន្ទ"),
        "th": ("ថៃ", "បាងកក"),
        "vn": ("វៀតណាម", "ហាណូយ"),
        "other": (
            "អាមេរិក",
            "សហរដ្ឋ",
            "ចិន",
            "ជប៉ុន",
            "កូរ៉េ",
            "ឥណ្ឌា",
            "រុស្ស៊ី",
            "បារាំង",
            "អាល្លឺម៉ង់",
            "អង់គ្លេស",
            "អូស្ត្រាលី",
            "មីយ៉ាន់ម៉ា",
            "ម៉ាឡេស៊ី",
            "សិង្ហបុរី",
        ),
    },
    "lo": {
        "kh": ("ກຳປູເຈຍ", "ກໍາປູເຈຍ", "ຂະແມ", "ພະນົມເປັນ"),
        "la": ("ລາວ", "ສປປລາວ", "ວຽງຈັນ"),
        "th": ("ໄທ", "ບາງກອກ"),
        "vn": ("ຫວຽດນາມ", "ຮ່າໂນ້ຍ"),
        "other": (
            "ອາເມລິກາ",
            "ສະຫະລັດ",
            "ຈີນ",
            "ຍີ່ປຸ່ນ",
            "ເກົາຫຼີ",
            "ອິນເດຍ",
            "ຣັດເຊຍ",
            "ຝຣັ່ງ",
            "ເຢຍລະມັນ",
            "ອັງກິດ",
            "ອົດສະຕຣາລີ",
            "ມຽນມາ",
            "ມາເລເຊຍ",
            "ສິງກະໂປ",
        ),
    },
    "th": {
        "kh": ("กัมพูชา", "เขมร", "พนมเปญ"),
        "la": ("ลาว", "สปป.ลาว", "เวียงจันทน์"),
        "th": ("ไทย", "กรุงเทพ"),
        "vn": ("เวียดนาม", "ฮานอย"),
        "other": (
            "อเมริกา",
            "สหรัฐ",
            "จีน",
            "ญี่ปุ่น",
            "เกาหลี",
            "อินเดีย",
            "รัสเซีย",
            "ฝรั่งเศส",
            "เยอรมนี",
            "อังกฤษ",
            "ออสเตรเลีย",
            "เมียนมา",
            "พม่า",
            "มาเลเซีย",
            "สิงคโปร์",
        ),
    },
}
# km/lo/th: characters (spaces dropped) searched before and after a hit: the country follows
# the name ("ศาลฎีกาสหรัฐ"); a prefix such as "ສປປ" is short.
_WINDOW_BEFORE, _WINDOW_AFTER = 6, 12
_EN_BEFORE = re.compile(r"((?:[\w.'’-]+ ){1,3})$")  # "the U.S. ", "Viet Nam's "
_EN_AFTER = re.compile(r"^ ?(?:of|in|for) (?:the )?((?:[\w.'’-]+ ?){1,3})")
_VI_BEFORE = re.compile(r"(\w+ )$")
_VI_AFTER = re.compile(r"^ ?(?:của |tại |ở )?((?:\w+ ?){1,3})")


def _patterns(lang: str) -> list[tuple[str, re.Pattern[str], bool]]:
    """(country, pattern, cased): all-capital forms ("US") are matched case-sensitively."""
    out = []
    for code, forms in _WORDS.get(lang, {}).items():
        for form in forms:
            cased = form.isupper()
            key = re.escape(keyed(form, lang, lower=not cased).key)
            if lang in SPACED:
                key = rf"(?<!\w){key}(?:'s|’s)?(?!\w)"
            out.append((code, re.compile(key), cased))
    return out


JURISDICTIONS = ("kh", "la", "th", "vn")
_CACHE: dict[str, list[tuple[str, re.Pattern[str], bool]]] = {}


def _countries_in(text: str, lang: str) -> list[str]:
    pats = _CACHE.setdefault(lang, _patterns(lang))
    keys = {False: keyed(text, lang).key, True: keyed(text, lang, lower=False).key}
    found = []
    for code, pat, cased in pats:
        found.extend(code for _ in pat.finditer(keys[cased]))
    return found


def qualifier(text: str, start: int, end: int, lang: str) -> str | None:
    """The country qualifying the name at text[start:end] ('other' for a non-Mekong one)."""
    before, after = _near(text[:start], text[end:], lang)
    codes = _countries_in(after, lang)
    if codes:
        return codes[0]
    codes = _countries_in(before, lang)
    return codes[-1] if codes else None


def _near(before: str, after: str, lang: str) -> tuple[str, str]:
    """The words next to a hit where a qualifier stands (before: "the U.S."; after: "of X")."""
    before, after = before.replace("\u00a0", " "), after.replace("\u00a0", " ")
    if lang == "en":
        m_before, m_after = _EN_BEFORE.search(before), _EN_AFTER.match(" " + after.lstrip())
    elif lang == "vi":
        m_before, m_after = _VI_BEFORE.search(before), _VI_AFTER.match(" " + after.lstrip())
    else:
        squeezed_before = "".join(before.split())[-_WINDOW_BEFORE:]
        return squeezed_before, "".join(after.split())[:_WINDOW_AFTER]
    return (m_before.group(1) if m_before else ""), (m_after.group(1) if m_after else "")


def names_own_country(variant: str, scope: str, lang: str) -> bool:
    """Whether a glossary form itself names its country ("Royal Thai Police"): not generic."""
    return scope in _countries_in(variant, lang)


def resolve_jurisdiction(declared: str | None, text: str, lang: str) -> tuple[str | None, str]:
    """(jurisdiction, how): the declared one (validated), else the detected one, else None."""
    from toolkit.errors import choices_error

    if declared:
        code = declared.strip().lower()
        if code not in JURISDICTIONS:
            raise choices_error("jurisdiction", declared, JURISDICTIONS)
        return code, "declared"
    found = detect_jurisdiction(text, lang)
    return found, "detected from the document" if found else "none (scoped names are checked)"


def detect_jurisdiction(text: str, lang: str) -> str | None:
    """The Mekong country a document is about: the most named one, if clearly ahead."""
    counts = Counter(c for c in _countries_in(text, lang) if c != "other")
    ranked = counts.most_common(2)
    if not ranked or ranked[0][1] < 2:
        return None
    if len(ranked) > 1 and ranked[0][1] < 2 * ranked[1][1]:
        return None
    return ranked[0][0]


def resolve(
    entry: Entry, text: str, start: int, end: int, lang: str, jurisdiction: str | None
) -> str | None:
    """The level a hit gets, or None when it is another country's body."""
    if entry.scope == ("intl",):
        return entry.level
    country = qualifier(text, start, end, lang)
    if country is not None:
        return entry.level if country in entry.scope else None
    if not entry.generic:
        return entry.level
    if jurisdiction is None:
        return "check"
    return entry.level if jurisdiction in entry.scope else None
