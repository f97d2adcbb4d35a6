"""Lao: ". ? !" end a sentence, except after Lao abbreviations; spaces alone may end one too.

Lao writes no spaces between words; a space separates phrases and, in much real text, also
sentences that carry no final mark. A space is read as a boundary only when the text after it
opens with a word that starts sentences in official Lao (first-person pronouns, discourse
connectives, the polite "ຂໍ..." formulas), the text before it is long enough to be a sentence,
and the word before it is no conjunction or preposition that needs a continuation.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from toolkit.segment.base import spans_from_cuts
from toolkit.segment.embedded import latin_dot
from toolkit.segment.latin import merge_letterless

_CONSONANTS = re.compile(r"[\u0e81-\u0eae\u0edc-\u0edf]{1,3}")
_PUNCT = re.compile(r"(?:\.{2,}|…|[.!?])+[\"'”’»)\]}]*(?=\s|$)")
_SPACE = re.compile(r"(?<=[\u0e80-\u0eff\"'”’»)\]}])\s+(?=[\u0e80-\u0eff\"“‘«(])")

# Known abbreviations ending in "." (title, degree, era, unit); any dotted run of single
# letters ("ສ.ປ.ປ.", "ພ.ສ.") or of at most three bare consonants ("ປອ.", "ດຣ.") is one too.
ABBREVIATIONS = frozenset("ປອ ດຣ ປທ ຮສ ຮອ ອຈ ສຈ ທ ນ ພອ ພທ ຄສ ພສ ກມ ກລ ຊມ ມລ ຕລ ມ".split())  # noqa: SIM905
# Sentence openers in official speech (checked as prefixes of the text after a space). Not
# "ສຳລັບ" (for), "ແຕ່ວ່າ" (but), bare "ຂອບໃຈ" (thanks to): in news they mostly open a clause.
OPENERS = (
    "ຂ້າພະເຈົ້າ",
    "ຂ້ານ້ອຍ",
    "ພວກຂ້າພະເຈົ້າ",
    "ພວກເຮົາ",
    "ດັ່ງນັ້ນ",
    "ສະນັ້ນ",
    "ເພາະສະນັ້ນ",
    "ນອກຈາກນັ້ນ",
    "ນອກຈາກນີ້",
    "ນອກນັ້ນ",
    "ເຖິງຢ່າງໃດກໍ່ຕາມ",
    "ເຖິງຢ່າງໃດກໍຕາມ",
    "ແນວໃດກໍ່ຕາມ",
    "ໃນນາມ",
    "ໃນໂອກາດນີ້",
    "ໃນໂອກາດອັນ",
    "ຂໍຂອບໃຈ",
    "ຂໍສະແດງ",
    "ຂໍອວຍພອນ",
    "ຂໍເຊີນ",
    "ຂໍຖືໂອກາດ",
    "ຂໍຍົກຍ້ອງ",
    "ຂໍຢືນຢັນ",
    "ຂໍໃຫ້",
    "ທັງນີ້",
    "ພ້ອມກັນນີ້",
    "ພ້ອມດຽວກັນນັ້ນ",
    "ປັດຈຸບັນ",
    "ໃນປັດຈຸບັນ",
    "ຕໍ່ໜ້າ",
    "ສຸດທ້າຍ",
    "ທ້າຍສຸດ",
    "ໃນປີ",
    "ໃນໄລຍະຜ່ານມາ",
    "ຕົວຢ່າງ",
    "ຢ່າງໃດກໍຕາມ",
)
# Words after which the sentence must go on.
CONTINUERS = (
    "ແລະ",
    "ຫຼື",
    "ຫລື",
    "ຂອງ",
    "ທີ່",
    "ໃນ",
    "ກັບ",
    "ເພື່ອ",
    "ແຕ່",
    "ໂດຍ",
    "ຕໍ່",
    "ຈາກ",
    "ໃຫ້",
    "ເຊັ່ນ",
    "ເປັນ",
    "ວ່າ",
    "ແມ່ນ",
    "ຄື",
    "ຍ້ອນ",
    "ເພາະ",
    "ຖ້າ",
    "ຄະນະ",
    "ທ່ານ",
)
MIN_CHARS = 20  # shortest text before a space-only boundary


@dataclass
class LaoSegmenter:
    lang: str = "lo"

    def split(self, text: str) -> list[tuple[int, int]]:
        cuts = [m.end() for m in _PUNCT.finditer(text) if self._ends(text, m)]
        punct_cuts = iter(cuts[:] + [len(text) + 1])
        next_punct = next(punct_cuts)
        last = 0
        for m in _SPACE.finditer(text):
            while next_punct <= m.start():
                last, next_punct = max(last, next_punct), next(punct_cuts)
            if self._space_boundary(text, m.start(), m.end(), last):
                cuts.append(m.start())
                last = m.start()
        return merge_letterless(text, spans_from_cuts(text, sorted(cuts)))

    def _ends(self, text: str, match: re.Match[str]) -> bool:
        """Lao abbreviations never end one; Latin words and ellipses follow the English rules."""
        latin = latin_dot(text, match.start(), match.end())
        return latin if latin is not None else not self._abbreviation(text, match)

    @staticmethod
    def _abbreviation(text: str, match: re.Match[str]) -> bool:
        if match.group()[0] != "." or len(match.group().rstrip("\"'”’»)]}")) > 1:
            return False
        begin = match.start()
        while begin > 0 and ("\u0e80" <= text[begin - 1] <= "\u0eff" or text[begin - 1] == "."):
            begin -= 1
        word = text[begin : match.start()]
        parts = [p for p in word.split(".") if p]
        if not parts:
            return False
        if len(parts) > 1 and all(_CONSONANTS.fullmatch(p) for p in parts):
            return True
        last = parts[-1]
        # Abbreviations are bare consonants ("ປອ", "ດຣ"); a word with a vowel sign is a word.
        return last in ABBREVIATIONS or bool(_CONSONANTS.fullmatch(last))

    @staticmethod
    def _space_boundary(text: str, start: int, end: int, last: int) -> bool:
        before = text[last:start].strip().rstrip("\"'“”‘’«» ")
        if len(before) < MIN_CHARS or before.endswith(CONTINUERS) or before.endswith("ໆ,"):
            return False
        while end < len(text) and text[end] in '"“‘«(':
            end += 1
        return text.startswith(OPENERS, end)


def segmenter() -> LaoSegmenter:
    return LaoSegmenter()
