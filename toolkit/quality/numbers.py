"""Numbers in the source must reappear in the output, in Arabic or native digits.

Rules, chosen so that no guess is needed:
- Khmer, Lao and Thai digits are read as 0-9 (`languages.to_ascii_digits`).
- Each number is read with the decimal mark its language writes (CLDR: "." in en and th, ","
  in km, lo and vi, the other mark grouping thousands) and, as a second reading, with the other
  convention, since translators often keep the source's ("3.26" = "3,26"; "1,500" may be 1500 or
  1.5 in Vietnamese). A grouping mark needs groups of exactly three digits. A token that is a
  number in neither convention ("15.03.2023") is split into its digit runs (15, 3, 2023).
  Digit groups separated by a plain space ("379 800") are one number.
- A scale word after a number ("3 million", "3,26 លាន", "19 triệu") adds the scaled value as a
  reading, so "3 million" matches both "3 លាន" and "3,000,000".
- English numbers written as words (`number_words`: "ten", "second", "fifty-eight", "three
  million", month names) are soft: they may match a number on the other side but are never
  reported as missing or added themselves.
- Times: ":00" minutes are dropped ("04:00" = 4); "17:30" is 17 and 30.
- Thai Buddhist-era years: a Thai-side year 2443-2643 also reads as that year - 543 (CE) when
  the other side is not Thai. Khmer and Lao eras are not converted (the Khmer era changes on
  Visakha Bochea, not January).
- Vietnamese "tháng 3" (March) is a month name, not a quantity: it is left out.
- A measure given twice, "45 miles (72 kilometers)", is one quantity: when either number of the
  pair is matched and the other side has no unmatched number, the other is not missing (or not
  added): translators keep one unit. With an unmatched number beside it, it is a changed number.
Missing numbers give "number_missing", numbers the source does not have give "number_added";
both mean review.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from toolkit.languages import to_ascii_digits
from toolkit.quality import number_words
from toolkit.quality.common import Part

_NUMBER = re.compile(r"\d+(?:(?:[,.\u00a0\u202f]| (?=\d{3}(?!\d)))\d+)*")
_VI_MONTH = re.compile(r"\btháng\s+\d{1,2}\b", re.IGNORECASE)
_ZERO_MINUTES = re.compile(r"(?<=\d):00(?!\d)")
_UNIT = r"\s*°?[^\W\d_]{1,12}\.?\s*"  # a unit word after a number: km, miles, kg, °C
_CONVERSION = re.compile(rf"({_NUMBER.pattern}){_UNIT}\(\s*({_NUMBER.pattern}){_UNIT}\)")
THAI_ERA = 543
DECIMAL_COMMA = frozenset({"km", "lo", "vi"})
# scale words written after a number, longest first within a language
SCALE_WORDS: dict[str, dict[str, int]] = {
    "en": {"thousand": 10**3, "million": 10**6, "billion": 10**9, "trillion": 10**12},
    "vi": {"nghìn": 10**3, "ngàn": 10**3, "triệu": 10**6, "tỷ": 10**9, "tỉ": 10**9},
    "km": {"ពាន់លាន": 10**9, "ប៊ីលាន": 10**9, "ពាន់": 10**3, "ម៉ឺន": 10**4, "សែន": 10**5, "លាន": 10**6},
    "lo": {"ພັນລ້ານ": 10**9, "ຕື້": 10**9, "ພັນ": 10**3, "ໝື່ນ": 10**4, "ແສນ": 10**5, "ລ້ານ": 10**6},
    "th": {"พันล้าน": 10**9, "พัน": 10**3, "หมื่น": 10**4, "แสน": 10**5, "ล้าน": 10**6},
}


@dataclass(frozen=True)
class Number:
    """One number of a text: its value as its language reads it, every value it may stand for,
    and `soft` when written in words."""

    value: Decimal
    readings: frozenset[Decimal]
    soft: bool = False
    pair: int | None = None  # the same id on both numbers of "45 miles (72 kilometers)"


def _parse(token: str, decimal: str) -> Decimal | None:
    group = "." if decimal == "," else ","
    spaced = token.replace("\u00a0", " ").replace("\u202f", " ")
    integer, _, fraction = spaced.partition(decimal)
    if decimal in fraction or not fraction.isdigit() and fraction:
        return None
    parts = re.split(rf"[{re.escape(group)} ]", integer)
    if len(parts) > 1 and (len(parts[0]) > 3 or any(len(p) != 3 for p in parts[1:])):
        return None
    try:
        return Decimal("".join(parts) + ("." + fraction if fraction else "")).normalize()
    except InvalidOperation:
        return None


def _scale(text: str, end: int, lang: str) -> int | None:
    rest = text[end : end + 12].lstrip()
    words = SCALE_WORDS.get(lang, {})
    word = next((w for w in words if rest.lower().startswith(w)), None)
    if word is None or lang in ("en", "vi") and rest[len(word) : len(word) + 1].isalpha():
        return None
    return words[word]


def read(text: str, lang: str) -> list[Number]:
    """The numbers of `text`, by the rules above (digits first, then English words)."""
    text = _ZERO_MINUTES.sub("", to_ascii_digits(text))
    if lang == "vi":
        text = _VI_MONTH.sub(" ", text)
    marks = (",", ".") if lang in DECIMAL_COMMA else (".", ",")
    pairs = {}  # start of each number of a conversion pair -> the pair's id
    for k, conv in enumerate(_CONVERSION.finditer(text)):
        pairs[conv.start(1)] = pairs[conv.start(2)] = k
    found: list[Number] = []
    for match in _NUMBER.finditer(text):
        values = [v for v in (_parse(match.group(), m) for m in marks) if v is not None]
        if not values:
            parts = [Decimal(int(p)) for p in re.findall(r"\d+", match.group())]
            found += [Number(p, frozenset({p})) for p in parts]
            continue
        scale = _scale(text, match.end(), lang)
        values += [(v * scale).normalize() for v in values] if scale else []
        found.append(Number(values[0], frozenset(values), pair=pairs.get(match.start())))
    if lang == "en":
        found += [Number(min(r), frozenset(r), True) for _, _, r in number_words.read(text)]
    return found


def extract(text: str, lang: str) -> list[Decimal]:
    """The main value of each number written in digits (for display and tests)."""
    return [n.value for n in read(text, lang) if not n.soft]


def _with_era(items: list[Number]) -> list[Number]:
    out = []
    for n in items:
        years = {v - THAI_ERA for v in n.readings if 2443 <= v <= 2643 and v == int(v)}
        out.append(Number(n.value, n.readings | years, n.soft))
    return out


def _show(value: Decimal) -> str:
    return format(value, "f")


def compare(src_text: str, tgt_text: str, src: str, tgt: str) -> tuple[list[str], list[str]]:
    """(missing, added): source numbers absent from the output, output numbers not in the source."""
    left, right = read(src_text, src), read(tgt_text, tgt)
    if (src == "th") != (tgt == "th"):
        left, right = (_with_era(left), right) if src == "th" else (left, _with_era(right))
    # digits first, so a number written in words cannot take a digit's partner
    free = sorted(range(len(right)), key=lambda j: right[j].soft)
    unmatched_left: list[Number] = []
    paired_left: set[int] = set()  # conversion pairs with one number matched, either side
    paired_right: set[int] = set()
    for n in sorted(left, key=lambda n: n.soft):
        j = next((j for j in free if n.readings & right[j].readings), None)
        if j is None:
            unmatched_left.append(n)
            continue
        free.remove(j)
        paired_left |= {n.pair} - {None}
        paired_right |= {right[j].pair} - {None}
    missing_all = [n for n in unmatched_left if not n.soft]
    added_all = [right[j] for j in free if not right[j].soft]
    # a dropped unit is excused only when nothing stands in its place (else: a changed number)
    missing = sorted(n.value for n in missing_all if added_all or n.pair not in paired_left)
    added = sorted(n.value for n in added_all if missing_all or n.pair not in paired_right)
    return [_show(v) for v in missing], [_show(v) for v in added]


def check(src_text: str, tgt_text: str, src: str, tgt: str) -> Part:
    missing, added = compare(src_text, tgt_text, src, tgt)
    n_src = len(extract(src_text, src))
    matched = max(0, n_src - len(missing))
    total = n_src + len(added)
    match = matched / total if total else 1.0
    flags = (["number_missing"] if missing else []) + (["number_added"] if added else [])
    values = {
        "numbers_match": match,
        "numbers_missing": " ".join(missing),
        "numbers_added": " ".join(added),
    }
    return Part(values, 0.5 + 0.5 * match, flags)
