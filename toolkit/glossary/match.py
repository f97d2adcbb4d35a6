"""Finding glossary terms in text, per language, and checking translations for them.

Text and terms are compared through a *key*: the same normalisation applied to both, with a
map back to the original character positions so hits carry spans into the text as given.
- en: case-insensitive (acronyms case-sensitive), word boundaries, "H.E."/"H. E."/"H.E",
  plurals ("Ministries") and possessives ("UNODC's", "UNODCs").
- vi: NFC, case-insensitive, old and new tone-mark placement ("hoà" = "hòa").
- km, lo, th: no word spaces, so spaces and zero-width characters are ignored entirely; a hit
  must begin and end on a word boundary (`toolkit.glossary.context`); Khmer ្ដ = ្ត, Lao and
  Thai AM precomposed = decomposed.
The longest match wins where matches overlap.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

from toolkit.glossary.base import Concept, Glossary, TermCheck, TermHit

if TYPE_CHECKING:
    from toolkit.engines.base import TermConstraint

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
_AM = str.maketrans({"\u0eb3": "\u0ecd\u0eb2", "\u0e33": "\u0e4d\u0e32"})
_TONES = frozenset("\u0300\u0301\u0303\u0309\u0323")  # grave acute tilde hook dot-below
_VOWELS = frozenset("aeiouyAEIOUY")
_WORD = re.compile(r"\w+")
_LATIN_WORD = "[0-9A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u024f\u1e00-\u1eff_]"


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
    (្ដ/្ត), and the Lao and Thai AM written precomposed or as NIGGAHITA + AA (ຳ/ໍາ, ำ/ํา)."""
    if piece == "\u178a" and previous == "\u17d2":
        return "\u178f"
    return piece.translate(_AM)


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


def is_acronym(term: str, concept: Concept | None = None) -> bool:
    """Acronyms match case-sensitively: "ILO" must not match the word "ilo"."""
    if concept is not None and concept.type == "acronym":
        return True
    letters = [c for c in term if c.isalpha()]
    return len(letters) >= 2 and all(c.isupper() for c in letters) and " " not in term.strip()


@lru_cache(maxsize=4096)
def term_pattern(term: str, lang: str, acronym: bool) -> re.Pattern[str] | str:
    """A regex over the key for spaced languages; the plain key for km/lo/th."""
    key = keyed(term, lang, lower=not acronym).key.strip()
    if lang not in SPACED:
        return key
    parts: list[str] = []
    plural = lang == "en" and not acronym  # "Ministries of Health", "Penal Codes"
    i = 0
    while i < len(key):
        c = key[i]
        nxt = key[i + 1] if i + 1 < len(key) else ""
        if c == "." and i == len(key) - 1 and i > 0 and key[i - 1].isalpha():
            parts.append(r"\.?")
        elif c == ".":
            parts.append(r"\. ?")
            i += 1 if nxt == " " else 0
        elif c in "-/":
            if parts and parts[-1] == " ":
                parts.pop()
            parts.append(rf" ?{re.escape(c)} ?")
            i += 1 if nxt == " " else 0
        elif c == ",":
            parts.append(r" ?, ?")
            i += 1 if nxt == " " else 0
        elif c == " ":
            if plural and key[i - 1 : i].isalpha():
                parts.append(_plural(parts))
            parts.append(" ")
        else:
            parts.append(re.escape(c))
        i += 1
    suffix = ""
    if lang == "en" and key[-1:].isalpha():
        if acronym:
            suffix = r"(?:'s|s)?"
        else:
            parts.append(_plural(parts))
            suffix = r"(?:'s|')?"
    # a word boundary is a change of script too ("bà" glued to Thai text is still a word)
    return re.compile(rf"(?<!{_LATIN_WORD}){''.join(parts)}{suffix}(?!{_LATIN_WORD})")


def _plural(parts: list[str]) -> str:
    """Turn the word that `parts` ends with into an optional plural (in place: y -> ies)."""
    if len(parts) >= 2 and parts[-1] == "y" and parts[-2] not in "aeiou":
        parts.pop()
        return "(?:y|ies)"
    return "(?:s|es)?"


def _find_all(pattern: re.Pattern[str] | str, key: str) -> list[tuple[int, int]]:
    if isinstance(pattern, str):
        found: list[tuple[int, int]] = []
        if not pattern:
            return found
        pos = key.find(pattern)
        while pos >= 0:
            found.append((pos, pos + len(pattern)))
            pos = key.find(pattern, pos + 1)
        return found
    return [(m.start(), m.end()) for m in pattern.finditer(key)]


@dataclass(frozen=True)
class Entry:
    """One variant of one concept, with what decides whether a hit on it counts."""

    term_id: str
    variant: str
    acronym: bool
    pattern: re.Pattern[str] | str
    scope: str = "intl"
    level: str = "force"
    context: str = "any"
    generic: bool = False  # a scoped name that does not name its country ("Supreme Court")
    place: bool = False  # a place name: not matched as part of a language or people's name


@dataclass
class Matcher:
    """All term variants of one language, ready to search texts."""

    lang: str
    entries: list[Entry]

    def find(self, text: str, jurisdiction: str | None = None) -> list[TermHit]:
        from toolkit.glossary import context

        lower = keyed(text, self.lang, lower=True)
        cased = keyed(text, self.lang, lower=False)
        bounds = context.word_bounds(text, self.lang)
        candidates: list[tuple[int, int, int, str]] = []
        for number, entry in enumerate(self.entries):
            view = cased if entry.acronym else lower
            for ks, ke in _find_all(entry.pattern, view.key):
                start, end = view.span(ks, ke)
                if bounds is not None and (start not in bounds or end not in bounds):
                    continue  # inside a longer word (km, lo, th)
                if entry.place and context.after_people_word(text, start, self.lang):
                    continue
                level = resolve(entry, text, start, end, self.lang, jurisdiction)
                if level and context.applies(entry.context, text, start, end, self.lang):
                    candidates.append((start, end, number, level))
        # longest first; among equals, the earliest, then glossary order (stable sort)
        candidates.sort(key=lambda c: (-(c[1] - c[0]), c[0]))
        taken: list[tuple[int, int, int, str]] = []
        for cand in candidates:
            if all(cand[1] <= t[0] or cand[0] >= t[1] for t in taken):
                taken.append(cand)
        taken.sort()
        return [
            TermHit(e.term_id, self.lang, s, end, text[s:end], e.variant, level)
            for s, end, n, level in taken
            for e in (self.entries[n],)
        ]


def resolve(
    entry: Entry, text: str, start: int, end: int, lang: str, jurisdiction: str | None
) -> str | None:
    """The level a hit gets, or None when it is another country's body (see glossary.scope)."""
    from toolkit.glossary import scope

    if entry.scope == "intl":
        return entry.level
    country = scope.qualifier(text, start, end, lang)
    if country is not None:
        return entry.level if country == entry.scope else None
    if not entry.generic:
        return entry.level
    if jurisdiction is None:
        return "check"
    return entry.level if jurisdiction == entry.scope else None


def matcher_for(glossary: Glossary, lang: str) -> Matcher:
    from toolkit import languages
    from toolkit.errors import GlossaryError
    from toolkit.glossary.scope import names_own_country

    code = languages.get(lang).code
    cache_key = f"matcher:{code}"
    cached = glossary._matchers.get(cache_key)
    if isinstance(cached, Matcher):
        return cached
    entries = []
    for concept in glossary.concepts:
        problem = concept.column_problem()
        if problem:
            where = f"{glossary.name}:{concept.row}" if concept.row else glossary.name
            raise GlossaryError(f"{where}: {problem[0]}: {problem[1]}")
        for variant in concept.terms(code):
            acronym = is_acronym(variant, concept)
            generic = concept.scope != "intl" and not names_own_country(
                variant, concept.scope, code
            )
            pattern = term_pattern(variant, code, acronym)
            entries.append(
                Entry(
                    concept.id,
                    variant,
                    acronym,
                    pattern,
                    concept.scope,
                    concept.level,
                    concept.context,
                    generic,
                    concept.type == "place",
                )
            )
    matcher = Matcher(code, entries)
    glossary._matchers[cache_key] = matcher
    return matcher


def contains(text: str, form: str, lang: str, acronym: bool | None = None) -> bool:
    """Whether `form` occurs in `text` under `lang`'s matching rules."""
    acronym = is_acronym(form) if acronym is None else acronym
    pattern = term_pattern(form, lang, acronym)
    return bool(_find_all(pattern, keyed(text, lang, lower=not acronym).key))


def term_present(text: str, forms: Sequence[str], lang: str | None = None) -> bool:
    """The one "term present" rule of verification, both engines and the review page: any of
    `forms` occurs in `text` under the matching rules of `lang` (default: the form's script)."""
    from toolkit import languages

    return any(contains(text, f, lang or languages.detect(f) or "en") for f in forms if f)


def target_forms(concept: Concept, hit: TermHit, tgt: str) -> list[str]:
    """Acceptable target forms, preferred first; `dnt` terms keep the source form as written."""
    forms = concept.terms(tgt)
    if concept.dnt:
        forms = [hit.variant] + [f for f in forms if f != hit.variant]
    return forms


def _concepts_of(glossary: Glossary, hits: list[TermHit]) -> list[tuple[TermHit, Concept]]:
    seen: set[str] = set()
    pairs: list[tuple[TermHit, Concept]] = []
    for hit in hits:
        concept = glossary.get(hit.term_id)
        if concept is not None and hit.term_id not in seen:
            seen.add(hit.term_id)
            pairs.append((hit, concept))
    return pairs


def constraints_for(glossary: Glossary, hits: list[TermHit], tgt: str) -> list[TermConstraint]:
    from toolkit import languages
    from toolkit.engines.base import TermConstraint

    code = languages.get(tgt).code
    pairs = _concepts_of(glossary, hits)
    needed = [f for hit, concept in pairs for f in target_forms(concept, hit, code)]
    result: list[TermConstraint] = []
    for hit, concept in pairs:
        forms = target_forms(concept, hit, code)
        if forms and hit.level == "force":
            # a forbidden variant inside a longer name this segment needs is not forbidden there
            own = set(forms)
            forbidden = tuple(
                f
                for f in concept.forbidden(code)
                if not any(n not in own and n != f and contains(n, f, code) for n in needed)
            )
            result.append(TermConstraint(concept.id, tuple(forms), forbidden))
    return result


def verify(glossary: Glossary, tgt_text: str, hits: list[TermHit], tgt: str) -> list[TermCheck]:
    from toolkit import languages

    code = languages.get(tgt).code
    checks: list[TermCheck] = []
    for hit, concept in _concepts_of(glossary, hits):
        forms = target_forms(concept, hit, code)
        if not forms:
            continue  # no target form in the glossary: nothing can be required
        found = next((f for f in forms if contains(tgt_text, f, code)), None)
        checks.append(
            TermCheck(concept.id, hit.text, found or forms[0], found is not None, hit.level)
        )
    return checks
