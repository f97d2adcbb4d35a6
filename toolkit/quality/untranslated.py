"""Untranslated output: the source copied (wholly or mostly) instead of translated.

Similarity is sentence chrF (sacrebleu, characters 1-6, whitespace ignored) of the output
against the source, in [0, 1]. Between different scripts it is near 0; between English and
Vietnamese shared names keep it low (under 0.3 on the parallel sample). A copy is only
flagged when the source has enough letters to be worth translating ("UNODC" or "2024" may be
kept as they are).
"""

from __future__ import annotations

from toolkit import languages
from toolkit.quality.common import Part

COPY = 0.7  # similarity from which the output is "copy" (bad)
MIN_LETTERS = 8


def similarity(a: str, b: str) -> float:
    from sacrebleu.metrics import CHRF

    if not a.strip() or not b.strip():
        return 0.0
    if a.strip().casefold() == b.strip().casefold():
        return 1.0
    return CHRF().sentence_score(a, [b]).score / 100.0


def check(src_text: str, tgt_text: str) -> Part:
    sim = similarity(tgt_text, src_text)
    letters = sum(languages.script_counts(src_text).values())
    flags = ["copy"] if sim >= COPY and letters >= MIN_LETTERS else []
    return Part({"copy_similarity": sim}, 1.0 - sim if flags else 1.0, flags)
