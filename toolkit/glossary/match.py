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

import dataclasses
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

from toolkit.glossary.hits import TermCheck, TermConstraint, TermHit
from toolkit.glossary.text import (  # noqa: F401  (canonical_tones, Keyed: re-exported)
    LATIN_WORD,
    SPACED,
    ZERO_WIDTH,
    Keyed,
    canonical_tones,
    keyed,
)

if TYPE_CHECKING:
    from toolkit.glossary.base import Concept, Glossary


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
        elif acronym and _between_capitals(key, i):
            parts.append(r"(?:\. ?)?" if c == "." else re.escape(c) + r"(?:\. ?)?")
            i += 1 if c == "." and nxt == " " else 0
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
    suffix = r"(?!\$)" if acronym else ""  # "US$" is a currency, not the country
    if lang == "en" and key[-1:].isalpha():
        if acronym:
            suffix = r"(?:'s|s)?(?!\$)"  # "US$" is a currency, not the country
        else:
            parts.append(_plural(parts))
            suffix = r"(?:'s|')?"
    # a word boundary is a change of script too ("bà" glued to Thai text is still a word)
    return re.compile(rf"(?<!{LATIN_WORD}){''.join(parts)}{suffix}(?!{LATIN_WORD})")


def _between_capitals(key: str, i: int) -> bool:
    """Whether an acronym may take a full stop after position `i`: "UK" = "U.K." = "U. K."."""
    c, nxt = key[i], key[i + 1 : i + 2]
    if c == ".":
        after = key[i + 2 : i + 3] if nxt == " " else nxt
        return i > 0 and key[i - 1].isupper() and after.isupper()
    return c.isupper() and nxt.isupper()


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
    scope: tuple[str, ...] = ("intl",)
    level: str = "force"
    context: str = "any"
    generic: bool = False  # a scoped name that does not name its country ("Supreme Court")
    place: bool = False  # a place name: not matched as part of a language or people's name
    gender: str = ""  # m | f on a gendered title's row (toolkit.glossary.gender)
    counterpart: str = ""  # the other gender's row when this form does not tell the gender


@dataclass
class Matcher:
    """All term variants of one language, ready to search texts."""

    lang: str
    entries: list[Entry]

    def find(self, text: str, jurisdiction: str | None = None) -> list[TermHit]:
        from toolkit.glossary import context, gender, scope

        lower = keyed(text, self.lang, lower=True)
        cased = keyed(text, self.lang, lower=False)
        bounds = context.word_bounds(text, self.lang)
        candidates: list[tuple[int, int, int, TermHit]] = []
        for number, entry in enumerate(self.entries):
            view = cased if entry.acronym else lower
            for ks, ke in _find_all(entry.pattern, view.key):
                start, end = view.span(ks, ke)
                if bounds is not None and (start not in bounds or end not in bounds):
                    continue  # inside a longer word (km, lo, th)
                if entry.place and not context.place_name_here(text, start, end, self.lang):
                    continue  # a language, people, personal name or common word
                level = scope.resolve(entry, text, start, end, self.lang, jurisdiction)
                if level and context.applies(entry.context, text, start, end, self.lang):
                    hit = gender.hit_of(entry, text, start, end, self.lang, level)
                    candidates.append((start, end, number, hit))
        # longest first; among equals, the earliest, then a checked concept before a forced
        # one (a shared form commits to nothing: vi "Bà" is Ms. before it is a woman's H.E.),
        # then glossary order (stable sort)
        candidates.sort(key=lambda c: (-(c[1] - c[0]), c[0], c[3].level != "check"))
        taken: list[tuple[int, int, int, TermHit]] = []
        for cand in candidates:
            if all(cand[1] <= t[0] or cand[0] >= t[1] for t in taken):
                taken.append(cand)
        taken.sort(key=lambda c: (c[0], c[1], c[2]))
        return [_unless_ambiguous(hit, candidates) for _, _, _, hit in taken]


def _unless_ambiguous(hit: TermHit, candidates: list[tuple[int, int, int, TermHit]]) -> TermHit:
    """A form two concepts share at the same place (vi "Bộ Nội vụ": Interior or Home Affairs;
    "Bà": Ms. or a woman's H.E.) does not say which is meant: checked, not forced."""
    same = {h.term_id for s, e, _, h in candidates if (s, e) == (hit.start, hit.end)}
    if len(same) > 1 and hit.level == "force":
        return dataclasses.replace(hit, level="check")
    return hit


def matcher_for(glossary: Glossary, lang: str) -> Matcher:
    from toolkit import languages
    from toolkit.errors import GlossaryError
    from toolkit.glossary import gender
    from toolkit.glossary.scope import names_own_country

    code = languages.get(lang).code
    cache_key = f"matcher:{code}"
    cached = glossary._matchers.get(cache_key)
    if isinstance(cached, Matcher):
        return cached
    entries = []
    for concept in glossary.concepts:
        problem = concept.column_problem()
        if problem is None and (why := gender.problem(glossary, concept)) is not None:
            problem = ("gender", why)
        if problem:
            where = f"{glossary.name}:{concept.row}" if concept.row else glossary.name
            raise GlossaryError(f"{where}: {problem[0]}: {problem[1]}")
        sex, ungendered = gender.shared_forms(glossary, concept, code)
        for variant in concept.terms(code):
            acronym = is_acronym(variant, concept)
            generic = concept.scope != "intl" and not any(
                names_own_country(variant, one, code) for one in concept.scopes
            )
            pattern = term_pattern(variant, code, acronym)
            entries.append(
                Entry(
                    concept.id,
                    variant,
                    acronym,
                    pattern,
                    concept.scopes,
                    concept.level,
                    concept.context,
                    generic,
                    concept.type == "place",
                    sex,
                    ungendered.get(keyed(variant, code).key, ""),
                )
            )
    matcher = Matcher(code, entries)
    glossary._matchers[cache_key] = matcher
    return matcher


def contains(text: str, form: str, lang: str, acronym: bool | None = None) -> bool:
    """Whether `form` occurs in `text` under `lang`'s matching rules; a Latin form ("UK",
    "ASEAN") in Khmer, Lao or Thai text takes the Latin rules (case, word edges, "U.K.")."""
    if lang not in SPACED and _latin(form):
        lang = "en"
    acronym = is_acronym(form) if acronym is None else acronym
    pattern = term_pattern(form, lang, acronym)
    return bool(_find_all(pattern, keyed(text, lang, lower=not acronym).key))


def _latin(form: str) -> bool:
    letters = [c for c in form if c.isalpha()]
    return bool(letters) and all(c <= "\u024f" for c in letters)


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
            result.append(TermConstraint(concept.id, tuple(forms), forbidden, hit.text))
    return result


def verify(glossary: Glossary, tgt_text: str, hits: list[TermHit], tgt: str) -> list[TermCheck]:
    from toolkit import languages

    code = languages.get(tgt).code
    checks: list[TermCheck] = []
    for hit, concept in _concepts_of(glossary, hits):
        forms = target_forms(concept, hit, code)
        other = glossary.get(hit.counterpart) if hit.counterpart else None
        if other is not None:  # gender unknown: either row's form is right
            forms += [f for f in target_forms(other, hit, code) if f not in forms]
        if not forms:
            continue  # no target form in the glossary: nothing can be required
        found = next((f for f in forms if contains(tgt_text, f, code)), None)
        checks.append(
            TermCheck(concept.id, hit.text, found or forms[0], found is not None, hit.level)
        )
    return checks
