"""Is the output written in the target language's script (and, for Latin, the right language)?

Khmer, Lao and Thai have scripts of their own, so the share of letters in that script says it
all. English and Vietnamese share Latin: there, `languages.detect` (Vietnamese letters and tone
marks) tells an English sentence left in a Vietnamese translation, and the reverse.
"""

from __future__ import annotations

from toolkit import languages
from toolkit.quality.common import Part, units

WRONG_SCRIPT = 0.5  # below this share of target-script letters: "wrong_script" (bad)
FULL_SHARE = 0.8  # from here up the share costs nothing (acronyms, names in Latin are normal)
MIN_WORDS_FOR_LANGUAGE = 4  # shorter Latin outputs are too short to tell en from vi


def check(tgt_text: str, tgt: str) -> Part:
    share = languages.script_share(tgt_text, tgt)
    flags: list[str] = []
    if share < WRONG_SCRIPT:
        flags.append("wrong_script")
    elif tgt in ("en", "vi") and len(units(tgt_text, tgt)) >= MIN_WORDS_FOR_LANGUAGE:
        detected = languages.detect(tgt_text)
        if detected in ("en", "vi") and detected != tgt:
            flags.append("wrong_language")
    factor = min(1.0, share / FULL_SHARE)
    return Part({"script_share": share}, factor, flags)
