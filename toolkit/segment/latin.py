"""Shared rules for languages written in Latin script with spaces (English, Vietnamese).

A sentence ends at ". ! ? …" (plus closing quotes/brackets) followed by whitespace, unless the
word before the dot is an abbreviation that never ends a sentence (titles such as "H.E.",
"Mr.", "PGS.TS."), or the next word starts in lower case. Abbreviations that may end a sentence
("etc.", "a.m.", "U.S.") end one only when a typical sentence opener follows.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from toolkit.segment.base import spans_from_cuts

_OPENERS = "\"'“‘«([{"
_CANDIDATE = re.compile(r"(?:\.{2,}|…|[.!?])+[\"'”’»)\]}]*(?=\s)")
# The next word, past a closing quote typed after a space ('... law. ” tức là').
_NEXT_WORD = re.compile(r"\s*(?:[”’»)\]}]+\s+)?(\S*)")
_HAS_LETTER = re.compile(r"[^\W\d_]")


def words(text: str) -> frozenset[str]:
    """A word set from a whitespace-separated list (keeps long lists readable)."""
    return frozenset(text.split())


@dataclass(frozen=True)
class LatinRules:
    """Abbreviation lists of one language (lower case, without the final dot)."""

    never_final: frozenset[str]  # titles and the like: always followed by more of the sentence
    maybe_final: frozenset[str]  # may end a sentence: only before a typical opener
    openers: frozenset[str]  # words that typically start a sentence (lower case)
    title_parts: frozenset[str] = field(default_factory=frozenset)  # joinable parts: "pgs.ts"
    # End a sentence unless a number follows: "Oct. 2", "No. 5" (but "Oh, no. I ...").
    before_number: frozenset[str] = field(default_factory=frozenset)


@dataclass
class LatinSegmenter:
    lang: str
    rules: LatinRules

    def split(self, text: str) -> list[tuple[int, int]]:
        cuts = [m.end() for m in _CANDIDATE.finditer(text) if self._is_boundary(text, m)]
        return merge_letterless(text, spans_from_cuts(text, cuts))

    def _is_boundary(self, text: str, match: re.Match[str]) -> bool:
        # Positions, not slices: paragraphs can be long and every candidate is checked.
        following = _NEXT_WORD.match(text, match.end()).group(1)
        if not following:
            return True
        first = following[0]
        if first.islower():
            return False  # "etc. and", "Why? he asked": the sentence goes on
        punct = match.group().rstrip("\"'”’»)]}")
        if "?" in punct or "!" in punct or "…" in punct or ".." in punct:
            return True
        begin = match.start()
        while begin > 0 and not text[begin - 1].isspace():
            begin -= 1
        word = text[begin : match.start()].lstrip(_OPENERS).lower()
        if not word:
            return True
        next_word = following.strip(_OPENERS + ",;:").lower()
        kind = self._abbreviation(word)
        if kind == "maybe" and len(word) == 1:
            # A single initial after a capitalised word is part of a name ("Dionisio A.
            # Lind"); after any other word it is a letter that may end one ("grade A.").
            return not after_capitalised(text, begin)
        if kind == "number":
            return not following[0].isdigit()
        if kind == "never":
            return False
        if kind == "maybe":
            return next_word in self.rules.openers
        return True

    def _abbreviation(self, word: str) -> str | None:
        """'never', 'maybe', 'number' or None for the word before a dot (lower case)."""
        rules = self.rules
        if word in rules.before_number:
            return "number"
        if word in rules.maybe_final:
            return "maybe"
        if word in rules.never_final:
            return "never"
        parts = [p for p in word.split(".") if p]
        if not parts:
            return None
        if all(len(p) == 1 and p.isalpha() for p in parts):
            # Initials and acronyms ("Dionisio A. Lind", "U.S.") may end one ("grade A. The
            # data ..."), but only before a typical sentence opener.
            return "maybe"
        if len(parts) > 1 and all(p in rules.title_parts or len(p) == 1 for p in parts):
            return "never"
        return None


def after_capitalised(text: str, begin: int) -> bool:
    """Whether the word before offset `begin` (a word start) begins with a capital letter."""
    end = begin
    while end > 0 and text[end - 1].isspace():
        end -= 1
    start = end
    while start > 0 and not text[start - 1].isspace():
        start -= 1
    word = text[start:end].lstrip(_OPENERS)
    return word[:1].isupper()


def merge_letterless(text: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Join spans without any letter ("1.", "(a)", "2.1.") to the sentence that follows."""
    merged: list[tuple[int, int]] = []
    pending: int | None = None
    for start, end in spans:
        if pending is not None:
            start, pending = pending, None
        if not _HAS_LETTER.search(text[start:end]) and (start, end) != spans[-1]:
            pending = start
            continue
        merged.append((start, end))
    if pending is not None:
        merged.append((pending, spans[-1][1]))
    return merged
