"""Sentence segmentation per language. `segment(doc, lang)` is the one public entry point.

Each language has its own strategy module (en, vi, km, lo, th); the structure layer
(`structure`) handles what speeches share: headings, salutations, date lines, bullets, markup.
"""

from __future__ import annotations

from importlib import import_module

from toolkit import languages
from toolkit.documents import Document
from toolkit.segment.base import Segment, Segmenter, restore
from toolkit.segment.structure import split_paragraph


def get_segmenter(lang: str) -> Segmenter:
    """The sentence strategy for a language code (validated; Thai loads its model lazily)."""
    code = languages.get(lang).code
    return import_module(f"toolkit.segment.{code}").segmenter()


def segment(doc: Document, lang: str) -> list[Segment]:
    """Split every paragraph of `doc` into segments; spans index `doc.text`."""
    code = languages.get(lang).code
    segmenter = get_segmenter(code)
    latin = languages.get(code).script == "Latn"
    segments: list[Segment] = []
    for para in doc.paragraphs:
        text = doc.paragraph_text(para)
        for span, seg_text, markup in split_paragraph(text, segmenter, latin):
            segments.append(
                Segment(
                    seg_id=len(segments),
                    para_id=para.para_id,
                    start=para.start + span.start,
                    end=para.start + span.end,
                    text=seg_text,
                    kind=span.kind,
                    markup=markup,
                )
            )
    return segments


def split_text(text: str, lang: str) -> list[Segment]:
    """Segments of a string (normalised first), for callers without a file."""
    from toolkit.documents import from_text

    return segment(from_text(text), lang)


__all__ = ["Segment", "Segmenter", "get_segmenter", "restore", "segment", "split_text"]
