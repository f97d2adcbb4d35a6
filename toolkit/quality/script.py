"""Is the output written in the target language's script (and, for Latin, the right language)?

Khmer, Lao and Thai have scripts of their own, so the share of letters in that script says it
all - once the names are set aside: news and speeches keep people, places, teams and acronyms
in Latin letters ("Chris Leslie เป็นสมาชิกรัฐสภา (MP) ของ Nottingham East"). Capitalised Latin
words of the output that also occur in the source are names kept as written and are not
counted (lower-case ones are: "I got bit" copied is still the wrong script); a segment
made only of names, digits and acronyms then has nothing left to judge (share 1.0). English and
Vietnamese share Latin: there, `languages.detect` (Vietnamese letters and tone marks) tells an
English sentence left in a Vietnamese translation, and the reverse.
"""

from __future__ import annotations

import re

from toolkit import languages
from toolkit.quality.common import Part, units

WRONG_SCRIPT = 0.5  # below this share of target-script letters: "wrong_script" (bad)
FULL_SHARE = 0.8  # from here up the share costs nothing (acronyms, names in Latin are normal)
MIN_WORDS_FOR_LANGUAGE = 4  # shorter Latin outputs are too short to tell en from vi

_LATIN_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)


def without_kept_names(tgt_text: str, src_text: str, tgt: str) -> str:
    """The output without the Latin words it shares with the source (names, acronyms), for a
    target written in another script; otherwise the output as it is."""
    if not src_text or languages.get(tgt).script == "Latn":
        return tgt_text
    kept = {w for w in _LATIN_WORD.findall(src_text) if _is_name(w)}

    def drop(match: re.Match[str]) -> str:
        return " " if match.group() in kept else match.group()

    return _LATIN_WORD.sub(drop, tgt_text)


def _is_name(word: str) -> bool:
    """A capitalised or all-capitals Latin word: a name or an acronym, not a copied sentence."""
    return word[0].isupper() and all(languages.script_of(c) == "Latn" for c in word)


def check(tgt_text: str, tgt: str, src_text: str = "") -> Part:
    share = languages.script_share(without_kept_names(tgt_text, src_text, tgt), tgt)
    flags: list[str] = []
    if share < WRONG_SCRIPT:
        flags.append("wrong_script")
    elif tgt in ("en", "vi") and len(units(tgt_text, tgt)) >= MIN_WORDS_FOR_LANGUAGE:
        detected = languages.detect(tgt_text)
        if detected in ("en", "vi") and detected != tgt:
            flags.append("wrong_language")
    factor = min(1.0, share / FULL_SHARE)
    return Part({"script_share": share}, factor, flags)
