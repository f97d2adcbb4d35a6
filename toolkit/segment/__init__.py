"""Sentence segmentation per language. `segment(doc, lang)` is the one public entry point."""

from __future__ import annotations

from toolkit import languages
from toolkit.documents import Document
from toolkit.segment.base import Segment, Segmenter


def get_segmenter(lang: str) -> Segmenter:
    """The segmenter for a language code (validated)."""
    code = languages.get(lang).code
    from toolkit.segment.simple import SimpleSegmenter

    return SimpleSegmenter(code)


def segment(doc: Document, lang: str) -> list[Segment]:
    """Split every paragraph of `doc` into sentences; spans index `doc.text`."""
    segmenter = get_segmenter(lang)
    segments: list[Segment] = []
    for para in doc.paragraphs:
        text = doc.paragraph_text(para)
        for start, end in segmenter.split(text):
            s, e = para.start + start, para.start + end
            segments.append(Segment(len(segments), para.para_id, s, e, doc.text[s:e]))
    return segments


__all__ = ["Segment", "Segmenter", "get_segmenter", "segment"]
