"""A first rule-based segmenter for all five languages (punctuation and line structure)."""

from __future__ import annotations

import re
from dataclasses import dataclass

# Words ending with "." that do not end a sentence in English/Vietnamese official text.
ABBREVIATIONS = {
    "h.e", "mr", "mrs", "ms", "dr", "prof", "gen", "lt", "col", "maj", "no", "nos", "st",
    "e.g", "i.e", "etc", "vs", "a.m", "p.m", "u.s", "u.n", "jr", "sr", "dept", "gov",
    "tp", "ts", "pgs", "gs", "ths", "q", "pgs.ts", "gs.ts", "gs.tskh", "ông", "bà",
}

_END = re.compile(r"[.!?។៕]+[\"'”’)\]]*(?=\s|$)|[។៕](?!ល)")


@dataclass
class SimpleSegmenter:
    lang: str

    def split(self, paragraph: str) -> list[tuple[int, int]]:
        spans: list[tuple[int, int]] = []
        offset = 0
        for line in paragraph.split("\n"):
            spans.extend((offset + s, offset + e) for s, e in self._split_line(line))
            offset += len(line) + 1
        return spans

    def _split_line(self, line: str) -> list[tuple[int, int]]:
        spans: list[tuple[int, int]] = []
        start = 0
        for match in _END.finditer(line):
            end = match.end()
            if self._is_abbreviation(line, match.start()):
                continue
            spans.append((start, end))
            start = end
        spans.append((start, len(line)))
        return [_trim(line, s, e) for s, e in spans if line[s:e].strip()]

    @staticmethod
    def _is_abbreviation(line: str, dot: int) -> bool:
        if line[dot] != ".":
            return False
        word = re.search(r"[\w.]*$", line[:dot])
        token = word.group().lower() if word else ""
        return token in ABBREVIATIONS or (len(token) == 1 and token.isalpha())


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end
