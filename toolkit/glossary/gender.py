"""Gender variants: a title whose form depends on the person (H.E.: km ឯកឧត្តម / លោកជំទាវ).

Such a title is two rows, one per gender, each naming the other in its `gender` column
(`m:title-he-f` on the men's row, `f:title-he` on the women's). Where the source form is the
same for both (English "H.E.", Thai ฯพณฯ), the person's gender is unknown: the hit is `check`,
never forced, and either row's target forms verify it; a title right after it that says the
gender ("H.E. Ms. Sok", "ฯพณฯ นาง...") resolves it. Where the source form differs (Khmer
លោកជំទាវ, English "Her Excellency") the row's own level applies.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from toolkit.glossary.hits import TermHit

if TYPE_CHECKING:
    from toolkit.glossary.base import Concept, Glossary
    from toolkit.glossary.match import Entry

GENDERS = ("m", "f")
_VALUE = re.compile(r"^([mf]):([\w.-]+)$")
# A word right after an ungendered title that says the person's gender.
_GENDER_WORDS: dict[str, dict[str, str]] = {
    "en": {"mr": "m", "sir": "m", "ms": "f", "mrs": "f", "madam": "f", "madame": "f", "lady": "f"},
    "th": {"นาย": "m", "นาง": "f", "นางสาว": "f"},
    "lo": {"ທ້າວ": "m", "ນາງ": "f", "ທ່ານນາງ": "f"},
}


def parse(value: str) -> tuple[str, str] | None:
    """(gender, counterpart id) of a `gender` cell, None when empty or malformed."""
    m = _VALUE.match(value.strip())
    return (m.group(1), m.group(2)) if m else None


def problem(glossary: Glossary, concept: Concept) -> str | None:
    """Why a concept's `gender` cell is wrong (a variant without its counterpart), or None."""
    value = concept.cells.get("gender", "").strip()
    if not value:
        return None
    parsed = parse(value)
    if parsed is None:
        return f"'{value}' is not m:ID or f:ID (the gender, then the counterpart row's id)"
    gender, other_id = parsed
    other = glossary.get(other_id)
    if other is None or other_id == concept.id:
        return f"gender variant without its counterpart: no concept '{other_id}'"
    back = parse(other.cells.get("gender", ""))
    if back is None or back[1] != concept.id or back[0] == gender:
        opposite = "f" if gender == "m" else "m"
        return (
            f"gender variant without its counterpart: '{other_id}' is not marked "
            f"{opposite}:{concept.id}"
        )
    return None


def counterpart(glossary: Glossary, concept: Concept) -> Concept | None:
    parsed = parse(concept.cells.get("gender", ""))
    return glossary.get(parsed[1]) if parsed else None


def said_by_next_word(word: str, lang: str) -> str | None:
    """The gender a following title states ("Ms." -> f), else None."""
    key = word.rstrip(".").lower() if lang in ("en", "vi") else word
    return _GENDER_WORDS.get(lang, {}).get(key)


def shared_forms(glossary: Glossary, concept: Concept, lang: str) -> tuple[str, dict[str, str]]:
    """(m | f | '', {key of a form the counterpart shares: counterpart id}) in `lang`."""
    from toolkit.glossary.text import keyed

    parsed = parse(concept.cells.get("gender", ""))
    other = counterpart(glossary, concept)
    if parsed is None or other is None:
        return "", {}
    theirs = {keyed(t, lang).key for t in other.terms(lang)}
    mine = {keyed(t, lang).key: other.id for t in concept.terms(lang)}
    return parsed[0], {k: v for k, v in mine.items() if k in theirs}


def hit_of(entry: Entry, text: str, start: int, end: int, lang: str, level: str) -> TermHit:
    """The hit; a gendered title whose form does not tell the gender is `check` unless the
    next word does ("H.E. Ms. ..."), and then it is the row of that gender."""
    from toolkit.glossary.context import next_word

    term_id, other = entry.term_id, entry.counterpart
    if other:
        said = said_by_next_word(next_word(text, end, lang), lang)
        if said is None:
            level = "check"
        else:
            term_id, other = (term_id if said == entry.gender else other), ""
    return TermHit(term_id, lang, start, end, text[start:end], entry.variant, level, other)
