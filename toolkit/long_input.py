"""Segments too long for the model: split at the most likely boundary, translated, joined.

An NLLB model reads at most `max_length` (512) tokens and the engines cut longer inputs, so a
huge line used to come back as the translation of its first part, flagged only for length.
Here a segment over the budget is split — at a sentence end if it has one, else at a clause
mark, else at a space, else between two characters that are not combining marks — at the
boundary nearest its middle, recursively, and the pieces' translations are joined into one row.

The budget is half the input limit: a translation into Khmer, Lao or Thai takes more tokens
than its English source, and the output limit is the same 512 tokens, so a piece that only
just fits the input would be cut on the way out.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

# Boundary classes, most likely first: the end of a sentence, a clause mark, any space.
_BOUNDARIES = (
    re.compile(r"(?<=[.!?។៕…。])[\"'”’)\]]*\s+"),
    re.compile(r"(?<=[,;:،、—–])\s*|\s+(?=[-–—]\s)"),
    re.compile(r"\s+"),
)


@dataclass(frozen=True)
class TokenBudget:
    """How many model tokens a text takes, and how many one piece may take."""

    count: Callable[[str], int]
    max_tokens: int

    def fits(self, text: str) -> bool:
        return self.count(text) <= self.max_tokens


def budget_for(engine: Any) -> TokenBudget | None:
    """The engine's budget, from its tokenizer and input limit; None when it has neither."""
    tokenizer = getattr(engine, "tokenizer", None)
    limit = getattr(engine, "max_length", None)
    if tokenizer is None or not isinstance(limit, int) or limit < 8:
        return None

    def count(text: str) -> int:
        return len(tokenizer(text, add_special_tokens=True).input_ids)

    return TokenBudget(count, limit // 2)


def split_to_fit(text: str, budget: TokenBudget) -> list[str]:
    """`text` as pieces that each fit `budget` (one piece when it fits already).

    The pieces joined with a space give back the text up to the spaces at the cuts.
    """
    if budget.fits(text) or len(text) < 2:
        return [text]
    cut = _best_cut(text)
    head, tail = text[:cut].rstrip(), text[cut:].lstrip()
    if not head or not tail:  # only spaces at the cut: cut in the middle of the characters
        middle = _char_cut(text.strip())
        head, tail = text.strip()[:middle], text.strip()[middle:]
    return split_to_fit(head, budget) + split_to_fit(tail, budget)


def _best_cut(text: str) -> int:
    """The boundary of the most likely class nearest the middle of `text`."""
    middle = len(text) / 2
    for pattern in _BOUNDARIES:
        cuts = [m.end() for m in pattern.finditer(text) if m.start() > 0 and m.end() < len(text)]
        if cuts:
            return min(cuts, key=lambda c: abs(c - middle))
    return _char_cut(text)


def _char_cut(text: str) -> int:
    """A position near the middle that does not separate a base letter from its marks."""
    cut = max(1, len(text) // 2)
    while cut < len(text) - 1 and _is_mark(text[cut]):
        cut += 1
    return cut


def _is_mark(char: str) -> bool:
    return unicodedata.category(char).startswith("M") or char in "\u200c\u200d\u17d2"


def join_pieces(texts: list[str]) -> str:
    """The translations of a segment's pieces, as one target text."""
    return " ".join(t.strip() for t in texts if t.strip())
