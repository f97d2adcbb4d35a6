"""Sentence segmentation: the public data types and the interface every language strategy has.

A language strategy (`Segmenter`) only sees clean sentence text (markup already removed by
`toolkit.segment.structure`) and returns spans relative to it; the structure layer maps those
back onto the normalised document, so `Segment.start`/`end` always index `Document.text`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Protocol

# What a segment is, as decided by the structure layer (a sentence unless the line says more).
# "rule" is a paragraph of markup only ("---"), kept as its own segment so nothing is lost.
KINDS = ("sentence", "heading", "salutation", "dateline", "bullet", "rule")


@dataclass(frozen=True)
class Segment:
    seg_id: int
    para_id: int
    start: int  # span in the normalised document text (covers markup characters too)
    end: int
    text: str  # what gets translated: markup such as **bold** or "# " removed, newlines as spaces
    kind: str = "sentence"
    # Markup removed from `text`, as (offset in `text`, removed string), in insertion order:
    # `restore(seg)` puts it back, so nothing but the newline-to-space change is lost.
    markup: tuple[tuple[int, str], ...] = ()
    lang: str = ""  # the paragraph's language when it differs by script from the document's
    # Offsets in `text` of spaces that stand for a paragraph break the segment was joined over
    # (a sentence broken by page or line wrapping): review and export can show the join.
    joins: tuple[int, ...] = ()

    def as_dict(self) -> dict[str, object]:
        return {
            "lang": self.lang,
            "para_id": self.para_id,
            "seg_id": self.seg_id,
            "text": self.text,
            "start": self.start,
            "end": self.end,
            "kind": self.kind,
            "markup": [list(m) for m in self.markup],
            "joins": list(self.joins),
        }


def restore(seg: Segment) -> str:
    """The segment's original characters (newlines read as spaces) rebuilt from text + markup."""
    out: list[str] = []
    pos = 0
    for offset, piece in seg.markup:
        out.append(seg.text[pos:offset])
        out.append(piece.replace("\n", " "))
        pos = offset
    out.append(seg.text[pos:])
    return "".join(out)


class Segmenter(Protocol):
    """One language's sentence strategy."""

    lang: str

    def split(self, text: str) -> list[tuple[int, int]]:
        """Sentence spans (start, end) inside `text` (one structural unit), whitespace trimmed."""
        ...


def trim(text: str, start: int, end: int) -> tuple[int, int]:
    """Shrink a span so that it neither starts nor ends with whitespace."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


_LONE_CLOSER = re.compile(r"\s+([\"'”’»)\]}]+)(?=\s|$)")
_QUOTE_END = re.compile(r"[\"'”’»]\s*$")
_QUESTION_QUOTE_END = re.compile(r"[?!？！][\"'”’»]+\s*$")
ATTRIBUTION_WORDS = 4  # '"... ready?" CNN reported.': at most this many words after a quote


def after_lone_closer(text: str, cut: int) -> int:
    """Move a cut past a quote or bracket standing alone after it ('... ready? " CNN said').

    Translators often type the closing quote with a space before it; it belongs to the
    sentence that ends. A straight quote is an opening one instead when the next quote of
    its kind closes (is typed right after a word).
    """
    m = _LONE_CLOSER.match(text, cut)
    if m is None:
        return cut
    for straight in "\"'":
        if straight in m.group(1) and _next_closes(text, straight, m.end()):
            return cut
    return m.end()


def _next_closes(text: str, quote: str, pos: int) -> bool:
    nxt = text.find(quote, pos)
    if nxt <= 0:
        return False
    after = text[nxt + 1 : nxt + 2]
    return not text[nxt - 1].isspace() and (not after or not after.isalnum())


def _is_attribution(text: str, start: int, end: int) -> bool:
    """A short sentence after a quoted question or exclamation that names who spoke:
    "... water!' Hammel added.". (After a quoted statement it may well be a sentence.)"""
    if not _QUESTION_QUOTE_END.search(text, 0, start):
        return False
    piece = text[start:end].strip()
    return (
        piece.endswith((".", "។", "ฯ"))
        and len(piece.split()) <= ATTRIBUTION_WORDS
        and len(piece) <= 40
        and not _QUOTE_END.search(piece)
        and "," not in piece
    )


def spans_from_cuts(text: str, cuts: list[int]) -> list[tuple[int, int]]:
    """Trimmed, non-empty spans between sorted cut offsets (0 and len(text) implied)."""
    cuts = sorted(set(after_lone_closer(text, c) for c in cuts if 0 < c < len(text)))
    bounds = [0, *cuts, len(text)]
    # A cut before an attribution ("... ready?" CNN reported.) is dropped: one sentence.
    bounds = [
        b
        for k, b in enumerate(bounds)
        if k in (0, len(bounds) - 1) or not _is_attribution(text, b, bounds[k + 1])
    ]
    spans = [trim(text, s, e) for s, e in zip(bounds, bounds[1:], strict=False)]
    return [(s, e) for s, e in spans if e > s]
