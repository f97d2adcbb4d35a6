"""Latin-script words inside Khmer, Lao and Thai text, read with the English rules.

News and speeches in those scripts quote English names and abbreviations ("St. Martin's",
"Dr. PawPaw", "Dionisio A. Lind", "U.S.", "Roe v. Wade") and use "..." as in English. A dot
after such a word is decided here, once, for all three languages: titles and initials never
end a sentence, "U.S."-like abbreviations only before an English sentence opener, and an
ellipsis only before a capitalised Latin word (the sentence goes on otherwise).
"""

from __future__ import annotations

import re

from toolkit.segment.en import RULES
from toolkit.segment.latin import LatinSegmenter, after_capitalised

_ENGLISH = LatinSegmenter("en", RULES)
_CLOSERS = "\"'”’»)]}"
_OPENERS = "\"'“‘«([{"
_LATIN_TAIL = re.compile(r"[A-Za-z][A-Za-z.'’&-]*$")
_NEXT_WORD = re.compile(r"\s*(\S*)")


def latin_dot(text: str, start: int, end: int) -> bool | None:
    """Whether the punctuation run text[start:end] ends a sentence, by the English rules.

    None when they do not apply (no ellipsis and no Latin word before a single dot): the
    language's own rules decide then.
    """
    punct = text[start:end].rstrip(_CLOSERS)
    following = _NEXT_WORD.match(text, end).group(1).lstrip(_OPENERS)
    latin_next = following[:1].isascii() and following[:1].isalpha()
    if ".." in punct or "…" in punct:
        return latin_next and following[0].isupper()
    if punct != ".":
        return None
    begin = start
    while begin > 0 and not text[begin - 1].isspace():
        begin -= 1
    word = _LATIN_TAIL.search(text[begin:start].lstrip(_OPENERS))
    if word is None:
        return None
    kind = _ENGLISH._abbreviation(word.group().lower())
    if kind == "maybe" and len(word.group()) == 1:
        # "Dionisio A. Lind" goes on; "... ເກຣດ A." after a word of the script may end.
        return False if after_capitalised(text, begin) else None
    if kind == "number":
        return False if following[:1].isdigit() else None
    if kind == "never":
        return False
    if kind == "maybe":
        return latin_next and following.strip(",;:").lower() in RULES.openers
    return None


def latin_space_veto(text: str, space: int) -> bool:
    """True when the whitespace at `space` follows a Latin abbreviation, initial or ellipsis
    that the English rules say does not end the sentence (for scripts cut at spaces)."""
    stop = space
    while stop > 0 and text[stop - 1] in _CLOSERS:
        stop -= 1
    begin = stop
    while begin > 0 and text[begin - 1] in ".…":
        begin -= 1
    if begin == stop:
        return False
    return latin_dot(text, begin, space) is False
