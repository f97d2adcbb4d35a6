"""The comparison key of glossary matching: one normalisation for text and terms, per language,
with a map back to positions in the text (see `toolkit.glossary.match` for the rules).

Apart from the matcher so that its helpers (context, gender, scope) and lint use the key
without importing the matcher, which imports them.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

SPACED = ("en", "vi")
ZERO_WIDTH = frozenset("\u200b\u200c\u200d\u2060\ufeff\u00ad")
_PUNCT_MAP = str.maketrans(
    {
        "\u2019": "'",
        "\u2018": "'",
        "\u02bc": "'",
        "\u2010": "-",
        "\u2011": "-",
        "\u2012": "-",
        "\u2013": "-",
        "\u2014": "-",
        "\u2212": "-",
        "\u00a0": " ",
    }
)
# AM precomposed = NIGGAHITA + AA (Lao, Thai); Lao RO = LO: foreign names are written with
# either (ອາເມຣິກາ / ອາເມລິກາ, ຣັດເຊຍ / ລັດເຊຍ), the reformed spelling has only ລ.
_AM = str.maketrans({"\u0eb3": "\u0ecd\u0eb2", "\u0e33": "\u0e4d\u0e32", "\u0ea3": "\u0ea5"})
_TONES = frozenset("\u0300\u0301\u0303\u0309\u0323")  # grave acute tilde hook dot-below
_VOWELS = frozenset("aeiouyAEIOUY")
_WORD = re.compile(r"\w+")
LATIN_WORD = "[0-9A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u024f\u1e00-\u1eff_]"


@dataclass(frozen=True)
class Keyed:
    """A comparison key and, per key character, the span of the text it came from."""

    key: str
    starts: tuple[int, ...]
    ends: tuple[int, ...]

    def span(self, start: int, end: int) -> tuple[int, int]:
        return self.starts[start], self.ends[end - 1]


def keyed(text: str, lang: str, lower: bool = True) -> Keyed:
    """Normalise `text` for comparison in `lang`, keeping positions (see the module doc)."""
    spaced = lang in SPACED
    out: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    i, n = 0, len(text)
    while i < n:
        j = i + 1
        while j < n and unicodedata.combining(text[j]) and spaced:
            j += 1
        char = text[i]
        if char in ZERO_WIDTH:
            i = j
            continue
        if char.isspace() or char == "\u00a0":
            if spaced and out and out[-1] != " ":
                out.append(" ")
                starts.append(i)
                ends.append(j)
            i = j
            continue
        piece = unicodedata.normalize("NFC", text[i:j]).translate(_PUNCT_MAP)
        if not spaced:
            piece = _spelling_key(piece, out[-1] if out else "")
        for c in piece:
            if lower:
                low = c.lower()
                c = low if len(low) == 1 else c
            out.append(c)
            starts.append(i)
            ends.append(j)
        i = j
    key = "".join(out)
    if lang == "vi":
        key = _WORD.sub(lambda m: canonical_tones(m.group()), key)
    return Keyed(key, tuple(starts), tuple(ends))


def _spelling_key(piece: str, previous: str) -> str:
    """Spellings official text uses interchangeably, made equal: Khmer subscript DA = TA
    (្ដ/្ត), the Lao and Thai AM written precomposed or as NIGGAHITA + AA (ຳ/ໍາ, ำ/ํา), and
    Lao RO = LO (ຣ/ລ)."""
    if piece == "\u178a" and previous == "\u17d2":
        return "\u178f"
    return piece.translate(_AM)  # also Lao RO = LO (ຣ/ລ), below


def canonical_tones(word: str) -> str:
    """Put a Vietnamese syllable's tone mark on its first vowel: "hoà" and "hòa" become equal.

    The result is only a comparison key (not a spelling rule); its length equals the input's.
    """
    tone = None
    bare: list[str] = []
    for char in word:
        parts = unicodedata.normalize("NFD", char)
        marks = [m for m in parts if m in _TONES]
        if marks:
            tone = marks[0]
            parts = "".join(m for m in parts if m not in _TONES)
        bare.append(unicodedata.normalize("NFC", parts))
    if tone is None:
        return word
    for k, char in enumerate(bare):
        if unicodedata.normalize("NFD", char)[0] in _VOWELS:
            toned = unicodedata.normalize("NFC", unicodedata.normalize("NFD", char) + tone)
            if len(toned) == 1:
                bare[k] = toned
            break
    result = "".join(bare)
    return result if len(result) == len(word) else word
