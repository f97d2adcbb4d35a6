"""Where a hit may begin and end (word boundaries) and where a title counts as a title.

Khmer, Lao and Thai have no word spaces, so a term found in the text must also begin and end
where a dictionary word segmenter puts word boundaries: pythainlp's newmm (Thai dictionary),
laonlp's maximal matching (Lao dictionary), khmer-nltk (Khmer, CRF over character clusters);
all Apache-2.0, offline, in the `words` extra. Without them, a hit must at least begin and end on
a character-cluster boundary. The glossary's `context` column (README, "Glossary"):
- `any` (default): wherever the term occurs.
- `before-name`: only before a personal name ("Mr. Sok", "ông Nguyễn", "นายสมชาย"), not as a
  pronoun or kinship word ("ông ấy", "លោកបាននិយាយ"): the next word is capitalised (en, vi) or,
  in km/lo/th, is a word that is not a function word (pronoun, particle, auxiliary verb).
- `address`: only as a form of address, at the start of a sentence or after ',', ';' or ':'.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from functools import lru_cache

from toolkit.glossary.text import SPACED, ZERO_WIDTH

_CHUNK = re.compile(r"[^\s\u200b\u200c\u200d\u2060\ufeff]+")
_LEADING_VOWELS = frozenset("เแโใไເແໂໃໄ")
_COENG = "\u17d2"
# Khmer function words after which លោក/លោកស្រី is a pronoun, not a title (khmer-nltk has no
# stop-word list): auxiliaries, particles, conjunctions, demonstratives.
_KM_FUNCTION = frozenset(
    (
        "បាន",
        "នឹង",
        "ក៏",
        "ជា",
        "មាន",
        "ថា",
        "និង",
        "នៅ",
        "ដែល",
        "គឺ",
        "មិន",
        "ត្រូវ",
        "ទៅ",
        "មក",
        "ធ្វើ",
        "ឲ្យ",
        "អោយ",
        "ទេ",
        "ហើយ",
        "ផង",
        "ដូច",
        "ចង់",
        "អាច",
        "កំពុង",
        "ទាំង",
        "នេះ",
        "នោះ",
        "ទាំងអស់",
        "ក្នុង",
        "ពី",
        "ដល់",
        "ចំពោះ",
        "សម្រាប់",
        "បញ្ជាក់",
        "មើល",
        "ឃើញ",
        "និយាយ",
        "ស្គាល់",
        "។",
        "៖",
    )
)


# Words that turn a following country name into a language or people's name ("ภาษาลาว" = the
# Lao language, "người Lào" = Lao people): a place concept is not matched right after them.
_LANGUAGE_PEOPLE: dict[str, tuple[str, ...]] = {
    "th": ("ภาษา", "ชาว", "คน", "เชื้อสาย"),
    "lo": ("ພາສາ", "ຊາວ", "ຄົນ", "ເຊື້ອສາຍ"),
    "km": ("ភាសា", "ជនជាតិ", "អ្នក", "ពូជ"),
    "vi": ("tiếng", "người", "dân tộc", "gốc"),
}


def after_people_word(text: str, start: int, lang: str) -> bool:
    """Whether text[start:] follows a word that makes a place name a language or people."""
    before = "".join(text[:start].split()).lower() if lang not in SPACED else text[:start]
    before = before.rstrip().lower() if lang in SPACED else before
    return any(before.endswith(w) for w in _LANGUAGE_PEOPLE.get(lang, ()))


# vi words before a capitalised syllable that make it a personal name ("ông Đức", "chị Nga"),
# and after one that make it a pronoun ("Anh ấy"): one-syllable country names are given names.
_VI_KIN = frozenset(("ông", "bà", "anh", "chị", "em", "cô", "chú", "bác", "cậu", "dì"))
_VI_PRONOUN_AFTER = frozenset(("ấy", "ta", "chị", "em"))


def place_name_here(text: str, start: int, end: int, lang: str) -> bool:
    """Whether a place form found at text[start:end] is used as the place's name: not after a
    language or people word; in en and vi capitalised ("china" is porcelain, "pháp" in
    "Bộ Tư pháp" is not France); in vi not a personal name or pronoun ("ông Đức", "Anh ấy")."""
    if after_people_word(text, start, lang):
        return False
    if lang not in SPACED:
        return True
    if not text[start : start + 1].isupper():
        return False
    if lang != "vi" or " " in text[start:end].strip():
        return True
    words = text[:start].split()
    previous = words[-1] if words else ""
    if previous.lower() in _VI_KIN or (previous[:1].isupper() and previous[-1:].isalpha()):
        return False
    return next_word(text, end, lang).lower() not in _VI_PRONOUN_AFTER


def word_bounds(text: str, lang: str) -> frozenset[int] | None:
    """Text offsets where a word may begin or end (km, lo, th); None where spaces decide."""
    if lang in SPACED:
        return None
    return _bounds(text, lang)


@lru_cache(maxsize=2048)
def _bounds(text: str, lang: str) -> frozenset[int]:
    out: set[int] = {0, len(text)}
    for m in _CHUNK.finditer(text):
        out.update((m.start(), m.end()))
        tokens = _segment(m.group(), lang)
        if tokens is not None and "".join(tokens) == m.group():
            pos = m.start()
            for tok in tokens:
                pos += len(tok)
                out.add(pos)
        else:
            out.update(m.start() + k for k in range(len(m.group())) if _cluster_edge(m.group(), k))
    return frozenset(out)


def _cluster_edge(chunk: str, k: int) -> bool:
    """A character-cluster boundary before chunk[k] (no mark, coeng or leading vowel split)."""
    if k == 0:
        return True
    if unicodedata.category(chunk[k]) in ("Mn", "Mc") or chunk[k - 1] == _COENG:
        return False
    return chunk[k - 1] not in _LEADING_VOWELS


def _segment(chunk: str, lang: str) -> list[str] | None:
    """Words of a space-free chunk by the language's segmenter, or None if it is not installed."""
    tokenizer = _tokenizer(lang)
    return tokenizer(chunk) if tokenizer else None


@lru_cache(maxsize=4)
def _tokenizer(lang: str):  # noqa: ANN202 - a callable from an optional package
    try:
        if lang == "th":
            from pythainlp.tokenize import word_tokenize

            return lambda s: word_tokenize(s, engine="newmm", keep_whitespace=True)
        if lang == "lo":
            from laonlp.tokenize import word_tokenize as lao_tokenize

            return lao_tokenize
        if lang == "km":
            logging.getLogger("khmer-nltk").setLevel(logging.WARNING)
            from khmernltk import word_tokenize as khmer_tokenize

            return khmer_tokenize
    except ImportError:
        return None
    return None


@lru_cache(maxsize=4)
def _function_words(lang: str) -> frozenset[str]:
    if lang == "km":
        return _KM_FUNCTION
    try:
        if lang == "th":
            from pythainlp.corpus import thai_stopwords

            return frozenset(thai_stopwords())
        if lang == "lo":
            from laonlp.corpus import lao_stopwords

            return frozenset(lao_stopwords())
    except ImportError:
        return frozenset()
    return frozenset()


def next_word(text: str, end: int, lang: str) -> str:
    """The word after offset `end` (spaces skipped)."""
    rest = text[end:].lstrip(" \u00a0" + "".join(ZERO_WIDTH))
    if lang in SPACED:
        m = re.match(r"[\w.'-]+", rest)
        return m.group() if m else ""
    m = _CHUNK.match(rest)
    if not m:
        return ""
    tokens = _segment(m.group(), lang) or [m.group()]
    return tokens[0] if tokens else ""


def applies(rule: str, text: str, start: int, end: int, lang: str) -> bool:
    """Whether a hit at text[start:end] satisfies the concept's `context` rule."""
    if rule == "before-name":
        word = next_word(text, end, lang)
        if not word or not word[0].isalpha():
            return False
        if lang in SPACED:
            return word[0].isupper()
        return word not in _function_words(lang)
    if rule == "address":
        before = text[:start].rstrip()
        return not before or before[-1] in ",;:" or not any(c.isalnum() for c in before)
    return True
