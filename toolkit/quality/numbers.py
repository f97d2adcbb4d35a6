"""Numbers in the source must reappear in the output, in Arabic or native digits.

Rules, chosen so that no guess is needed:
- Khmer, Lao and Thai digits are read as 0-9 (`languages.to_ascii_digits`).
- A group separator ("," "." or a no-break space) joins digits only when every group after the
  first has exactly three digits: "1,500,000" and "1.500.000" (Vietnamese) are both 1500000.
  Otherwise the separator splits: "1.5" and "1,5" are both (1, 5), and "15.03.2023" is
  (15, 3, 2023) - the same on both sides whichever decimal mark a language uses.
- Thai Buddhist-era years: a source year 1900-2100 matches a Thai output year + 543, and a Thai
  source year 2443-2643 matches an output year - 543 (the Thai era is exactly 543 years ahead).
  Khmer and Lao eras are not converted (the Khmer era changes on Visakha Bochea, not January).
- Vietnamese "tháng 3" (March) is a month name, not a quantity: it is left out.
- Leading zeros are dropped ("05" = 5). Numbers written as words are not read.
Missing numbers give "number_missing", numbers the source does not have give "number_added";
both mean review.
"""

from __future__ import annotations

import re
from collections import Counter

from toolkit.languages import to_ascii_digits
from toolkit.quality.common import Part

_NUMBER = re.compile(r"\d+(?:[,.\u00a0\u202f]\d+)*")
_GROUPED = re.compile(r"\d{1,3}(?:([,.\u00a0\u202f])\d{3})(?:\1\d{3})*")
_VI_MONTH = re.compile(r"\btháng\s+\d{1,2}\b", re.IGNORECASE)
THAI_ERA = 543


def extract(text: str, lang: str) -> list[int]:
    """The numbers of `text` as integers, by the rules above."""
    text = to_ascii_digits(text)
    if lang == "vi":
        text = _VI_MONTH.sub(" ", text)
    found: list[int] = []
    for match in _NUMBER.finditer(text):
        token = match.group()
        if _GROUPED.fullmatch(token):
            found.append(int(re.sub(r"\D", "", token)))
        else:
            found.extend(int(part) for part in re.split(r"\D", token) if part)
    return found


def _era_shift(src: str, tgt: str) -> int | None:
    if tgt == "th" and src != "th":
        return THAI_ERA
    if src == "th" and tgt != "th":
        return -THAI_ERA
    return None


def compare(src_text: str, tgt_text: str, src: str, tgt: str) -> tuple[list[int], list[int]]:
    """(missing, added): source numbers absent from the output, output numbers not in the source."""
    missing = Counter(extract(src_text, src))
    added = Counter(extract(tgt_text, tgt))
    common = missing & added
    missing -= common
    added -= common
    shift = _era_shift(src, tgt)
    if shift is not None:
        for year in list(missing.elements()):
            is_year = 1900 <= year <= 2100 if shift > 0 else 2443 <= year <= 2643
            if is_year and added[year + shift] > 0:
                missing[year] -= 1
                added[year + shift] -= 1
        missing, added = +missing, +added
    return sorted(missing.elements()), sorted(added.elements())


def check(src_text: str, tgt_text: str, src: str, tgt: str) -> Part:
    missing, added = compare(src_text, tgt_text, src, tgt)
    n_src = len(extract(src_text, src))
    matched = n_src - len(missing)
    total = n_src + len(added)
    match = matched / total if total else 1.0
    flags = (["number_missing"] if missing else []) + (["number_added"] if added else [])
    values = {
        "numbers_match": match,
        "numbers_missing": " ".join(map(str, missing)),
        "numbers_added": " ".join(map(str, added)),
    }
    return Part(values, 0.5 + 0.5 * match, flags)
