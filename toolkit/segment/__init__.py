"""Sentence segmentation per language. `segment(doc, lang)` is the one public entry point.

Each language has its own strategy module (en, vi, km, lo, th); the structure layer
(`structure`) handles what speeches share: headings, salutations, date lines, bullets, markup.
"""

from __future__ import annotations

from importlib import import_module

from toolkit import languages
from toolkit.documents import Document, Paragraph
from toolkit.segment.base import Segment, Segmenter, restore
from toolkit.segment.structure import continues_paragraph, split_paragraph


def get_segmenter(lang: str) -> Segmenter:
    """The sentence strategy for a language code (validated; Thai loads its model lazily)."""
    code = languages.get(lang).code
    return import_module(f"toolkit.segment.{code}").segmenter()


def segment(doc: Document, lang: str) -> list[Segment]:
    """Split every paragraph of `doc` into segments; spans index `doc.text`.

    Paragraphs broken apart mid-sentence (page or line wrapping) are read as one; a segment
    across such a break lists the break's offset in its text in `joins`.
    """
    code = languages.get(lang).code
    segmenters: dict[str, Segmenter] = {}
    segments: list[Segment] = []
    for group in _wrapped_groups(doc):
        first = group[0]
        text = doc.text[first.start : group[-1].end]
        continues = frozenset(p.start - first.start for p in group[1:])
        para_lang = paragraph_language(text, code)
        if para_lang not in segmenters:
            segmenters[para_lang] = get_segmenter(para_lang)
        latin = languages.get(para_lang).script == "Latn"
        parts = split_paragraph(text, segmenters[para_lang], latin, continues)
        for span, seg_text, markup in parts:
            start, end = first.start + span.start, first.start + span.end
            segments.append(
                Segment(
                    seg_id=len(segments),
                    para_id=next(p.para_id for p in reversed(group) if p.start <= start),
                    start=start,
                    end=end,
                    text=seg_text,
                    kind=span.kind,
                    markup=markup,
                    lang=para_lang,
                    joins=tuple(_joins(group, start, end, markup)),
                )
            )
    return segments


def _wrapped_groups(doc: Document) -> list[list[Paragraph]]:
    """Consecutive paragraphs grouped where one continues the previous (`continues_paragraph`)."""
    groups: list[list[Paragraph]] = []
    for para in doc.paragraphs:
        if groups and continues_paragraph(
            doc.paragraph_text(groups[-1][-1]), doc.paragraph_text(para)
        ):
            groups[-1].append(para)
        else:
            groups.append([para])
    return groups


def _joins(group: list[Paragraph], start: int, end: int, markup: tuple) -> list[int]:
    """Offsets in a segment's text of the spaces that stand for paragraph breaks it spans."""
    found = []
    for para in group[1:]:
        if start < para.start < end:
            raw = para.start - 1 - start  # the newline read as a space, in the raw span
            removed = 0
            for offset, piece in markup:
                if offset + removed + len(piece) > raw:
                    break
                removed += len(piece)
            found.append(raw - removed)
    return found


def paragraph_language(text: str, lang: str) -> str:
    """`lang`, unless most letters of the paragraph are in another supported script.

    Mixed documents (an English speech quoting a Khmer paragraph) then get each paragraph
    split by the rules of its own language. Latin text stays `lang`: en and vi share a script.
    """
    counts = languages.script_counts(text)
    total = sum(counts.values())
    own = languages.get(lang).script
    if total < 4 or counts.get(own, 0) >= total / 2:
        return lang
    detected = languages.detect(text)
    if detected is None or languages.get(detected).script == "Latn":
        return lang
    return detected


def split_text(text: str, lang: str) -> list[Segment]:
    """Segments of a string (normalised first), for callers without a file."""
    from toolkit.documents import from_text

    return segment(from_text(text), lang)


__all__ = ["Segment", "Segmenter", "get_segmenter", "restore", "segment", "split_text"]
