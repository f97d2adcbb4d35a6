"""English numbers written as words: cardinals, ordinals, month names and scale words.

News and speeches write small numbers as words ("ten years", "the second summit", "three
million people") where a translation often uses digits, and the reverse. The numbers check reads
these as *soft* numbers: they may match a number of the other side (so "10" in the translation
is not "added"), but an unmatched one is never reported (the translation may spell it too).
Month names count as their number ("September 30" against "30/09").
"""

from __future__ import annotations

import re
from decimal import Decimal

_UNITS = [
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
]
_TENS = ["twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]
_ORDINAL_UNITS = [
    "zeroth",
    "first",
    "second",
    "third",
    "fourth",
    "fifth",
    "sixth",
    "seventh",
    "eighth",
    "ninth",
    "tenth",
    "eleventh",
    "twelfth",
    "thirteenth",
    "fourteenth",
    "fifteenth",
    "sixteenth",
    "seventeenth",
    "eighteenth",
    "nineteenth",
]
_MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]

SMALL: dict[str, int] = {w: i for i, w in enumerate(_UNITS)}
SMALL |= {w: i for i, w in enumerate(_ORDINAL_UNITS) if i}
SMALL |= {w: 20 + 10 * i for i, w in enumerate(_TENS)}
SMALL |= {w.removesuffix("y") + "ieth": 20 + 10 * i for i, w in enumerate(_TENS)}
SMALL |= {"dozen": 12, "hundreds": 100, "thousands": 10**3, "millions": 10**6}
MONTHS: dict[str, int] = {m: i for i, m in enumerate(_MONTHS, start=1)}
SCALES: dict[str, int] = {"thousand": 10**3, "million": 10**6, "billion": 10**9, "trillion": 10**12}

_WORD = re.compile(r"[A-Za-z]+(?:-[A-Za-z]+)?")


def _compound(word: str) -> int | None:
    """'fifty-eight' / 'thirty-first' / 'ten' -> the number; None for any other word."""
    word = word.lower()
    if word in SMALL:
        return SMALL[word]
    head, _, tail = word.partition("-")
    if head in _TENS and tail in SMALL and 0 < SMALL[tail] < 10:
        return SMALL[head] + SMALL[tail]
    return SMALL.get(head) if tail else None  # "four-point", "six-month"


def read(text: str) -> list[tuple[int, int, set[Decimal]]]:
    """(start, end, readings) for each number written in words in an English text.

    'two hundred' is 200; a scale word after a number ('three million') adds the scaled value
    as a second reading (3 and 3000000), since translations write '3 លាន' as often as 3,000,000.
    """
    words = list(_WORD.finditer(text))
    found: list[tuple[int, int, set[Decimal]]] = []
    k = 0
    while k < len(words):
        match = words[k]
        if match.group() in MONTHS:
            found.append((match.start(), match.end(), {Decimal(MONTHS[match.group()])}))
            k += 1
            continue
        value = _compound(match.group())
        if value is None:
            k += 1
            continue
        start, end = match.start(), match.end()
        k += 1
        if k < len(words) and words[k].group().lower() == "hundred":
            value, end, k = value * 100, words[k].end(), k + 1
        readings = {Decimal(value)}
        if k < len(words) and words[k].group().lower() in SCALES:
            readings.add(Decimal(value * SCALES[words[k].group().lower()]))
            end, k = words[k].end(), k + 1
        found.append((start, end, readings))
    return found
