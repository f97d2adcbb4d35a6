"""The five supported languages: codes, scripts, native digits and detection by script."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from toolkit.errors import UsageError


@dataclass(frozen=True)
class Language:
    code: str  # ISO 639-1
    name: str
    nllb: str  # NLLB-200 code
    m2m: str  # M2M100 code
    script: str  # ISO 15924
    ranges: tuple[tuple[int, int], ...]  # code point ranges of the script's letters
    digits: str  # native digits 0-9, empty when the language writes Arabic digits
    spaces_between_words: bool


LATIN = ((0x41, 0x5A), (0x61, 0x7A), (0xC0, 0x24F), (0x1E00, 0x1EFF))

LANGUAGES: dict[str, Language] = {
    lang.code: lang
    for lang in (
        Language("en", "English", "eng_Latn", "en", "Latn", LATIN, "", True),
        Language(
            "km",
            "Khmer",
            "khm_Khmr",
            "km",
            "Khmr",
            ((0x1780, 0x17FF), (0x19E0, 0x19FF)),
            "០១២៣៤៥៦៧៨៩",
            False,
        ),
        Language("lo", "Lao", "lao_Laoo", "lo", "Laoo", ((0x0E80, 0x0EFF),), "໐໑໒໓໔໕໖໗໘໙", False),
        Language("th", "Thai", "tha_Thai", "th", "Thai", ((0x0E00, 0x0E7F),), "๐๑๒๓๔๕๖๗๘๙", False),
        Language("vi", "Vietnamese", "vie_Latn", "vi", "Latn", LATIN, "", True),
    )
}

SUPPORTED = tuple(LANGUAGES)

# Letters that English never uses but Vietnamese does (after NFC).
_VI_ONLY = set("ăâđêôơưĂÂĐÊÔƠƯ")


def get(code: str) -> Language:
    """Return the language for an ISO code, or raise a UsageError that lists the supported ones."""
    key = code.strip().lower()
    if key in LANGUAGES:
        return LANGUAGES[key]
    for lang in LANGUAGES.values():  # accept NLLB and M2M codes too
        if key in (lang.nllb.lower(), lang.m2m):
            return lang
    raise UsageError(f"unknown language '{code}': supported are {', '.join(SUPPORTED)}")


def parse_list(codes: str) -> list[str]:
    """Parse "km,lo, th" into validated codes, keeping order and dropping duplicates."""
    result: list[str] = []
    for part in codes.split(","):
        if part.strip():
            code = get(part).code
            if code not in result:
                result.append(code)
    if not result:
        raise UsageError(f"no language given: supported are {', '.join(SUPPORTED)}")
    return result


@lru_cache(maxsize=8192)
def script_of(char: str) -> str | None:
    """The script code of one character among the supported scripts, or None (cached: the
    quality signals and term placement ask it for every character)."""
    cp = ord(char)
    for lang in ("km", "lo", "th"):
        if any(lo <= cp <= hi for lo, hi in LANGUAGES[lang].ranges):
            return LANGUAGES[lang].script
    if any(lo <= cp <= hi for lo, hi in LATIN) and unicodedata.category(char).startswith("L"):
        return "Latn"
    return None


def script_counts(text: str) -> dict[str, int]:
    counts: dict[str, int] = {}
    for char in text:
        script = script_of(char)
        if script:
            counts[script] = counts.get(script, 0) + 1
    return counts


def script_share(text: str, lang: str) -> float:
    """Share of the letters in `text` that are written in `lang`'s script (1.0 for no letters)."""
    counts = script_counts(text)
    total = sum(counts.values())
    if total == 0:
        return 1.0
    return counts.get(get(lang).script, 0) / total


def detect(text: str) -> str | None:
    """Guess the language by script; Latin text is Vietnamese when it has Vietnamese letters.

    Returns None when the text has no letters of a supported script.
    """
    counts = script_counts(text)
    if not counts:
        return None
    script = max(counts, key=counts.__getitem__)
    if script != "Latn":
        return {"Khmr": "km", "Laoo": "lo", "Thai": "th"}[script]
    nfc = unicodedata.normalize("NFC", text)
    latin_letters = counts["Latn"]
    vi_marks = sum(1 for c in nfc if c in _VI_ONLY or _has_vi_tone(c))
    return "vi" if vi_marks >= max(1, latin_letters * 0.03) else "en"


def _has_vi_tone(char: str) -> bool:
    decomposed = unicodedata.normalize("NFD", char)
    # grave, acute, tilde, hook above, dot below: the five Vietnamese tone marks
    return any(mark in decomposed for mark in ("\u0300", "\u0301", "\u0303", "\u0309", "\u0323"))


_DIGIT_MAP = {native: str(i) for lang in LANGUAGES.values() for i, native in enumerate(lang.digits)}
_TO_ASCII = str.maketrans(_DIGIT_MAP)


def to_ascii_digits(text: str) -> str:
    """Replace Khmer, Lao and Thai digits with 0-9 so numbers can be compared across scripts."""
    return text.translate(_TO_ASCII)


MIN_SCRIPT_SHARE = 0.5  # below this share of letters in the language's own script: refused


def _script_name(char: str) -> str:
    """A letter's script as Unicode names it ('LATIN', 'KHMER', 'CJK', 'HEBREW'...)."""
    script = script_of(char)
    if script:
        return {"Latn": "LATIN", "Khmr": "KHMER", "Laoo": "LAO", "Thai": "THAI"}[script]
    return unicodedata.name(char, "UNKNOWN").split()[0]


def foreign_script(text: str, lang: str) -> tuple[float, str] | None:
    """(share of letters in `lang`'s script, the most common other script) when the text is
    mostly written in another script (any script, not only the supported ones); else None."""
    own = get(lang).script
    counts: dict[str, int] = {}
    mine = 0
    for char in text:
        if not unicodedata.category(char).startswith("L"):
            continue
        if script_of(char) == own:
            mine += 1
        else:
            name = _script_name(char)
            counts[name] = counts.get(name, 0) + 1
    total = mine + sum(counts.values())
    if total == 0 or mine / total >= MIN_SCRIPT_SHARE:
        return None
    return mine / total, max(counts, key=counts.__getitem__)


def check_script(text: str, lang: str, where: str = "text", option: str = "src") -> None:
    """Refuse a text mostly written in another script than `lang`'s (`force_src` overrides).

    `option` names the language option that may be wrong (`src`, `tgt`), as a placeholder.
    """
    found = foreign_script(text, lang)
    if found is not None:
        share, other = found
        name = get(lang).name
        raise UsageError(
            f"{where}: only {share:.0%} of the letters are in {name} script (most are "
            f"{other.title()}): check {{{option}}} {get(lang).code}, or pass {{force_src}}",
            options=[option, "force_src"],
        )
