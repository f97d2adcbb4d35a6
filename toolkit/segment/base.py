"""Sentence segmentation: one public entry point, one strategy per language.

A segmenter gets one paragraph at a time and returns character spans relative to it;
`segment_document` turns those into document-wide spans with paragraph and segment ids.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from toolkit.documents import Document


@dataclass(frozen=True)
class Segment:
    seg_id: int
    para_id: int
    start: int  # span in the normalised document text
    end: int
    text: str  # what gets translated (markup such as **bold** removed)

    def as_dict(self) -> dict[str, object]:
        return {
            "para_id": self.para_id,
            "seg_id": self.seg_id,
            "text": self.text,
            "start": self.start,
            "end": self.end,
        }


class Segmenter(Protocol):
    lang: str

    def split(self, paragraph: str) -> list[tuple[int, int]]:
        """Sentence spans (start, end) inside one paragraph, whitespace trimmed."""
        ...
