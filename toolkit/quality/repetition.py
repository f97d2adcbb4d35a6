"""Repetition and hallucination loops: the same words (or characters) produced over and over.

Neural models that lose track loop ("we will we will we will ...") or repeat a phrase later in
the sentence. The measure is the share of repeated n-grams in the output,
(n-grams - distinct n-grams) / n-grams, over words for en/vi (n = 3) and characters for
km/lo/th (n = 6, about two syllables; no spaces between words there). The source's own share is
subtracted, so a speech that says "thank you, thank you" is not blamed on the translation.
"""

from __future__ import annotations

from collections import Counter

from toolkit.quality.common import NO_SPACE_LANGS, Part, units

WORD_N, CHAR_N = 3, 6
BAD = 0.3  # excess repeated share from which the output is a loop: "repetition" (bad)
REVIEW = 0.15  # from here: "repeated" (review)


def repeated_share(text: str, lang: str) -> float:
    """Share of the n-grams of `text` that already occurred earlier in it."""
    seq = units(text, lang)
    n = CHAR_N if lang in NO_SPACE_LANGS else WORD_N
    grams = [tuple(seq[i : i + n]) for i in range(len(seq) - n + 1)]
    if not grams:
        return 0.0
    counts = Counter(grams)
    return sum(c - 1 for c in counts.values()) / len(grams)


def check(src_text: str, tgt_text: str, src: str, tgt: str) -> Part:
    excess = max(0.0, repeated_share(tgt_text, tgt) - repeated_share(src_text, src))
    flags = ["repetition"] if excess >= BAD else (["repeated"] if excess >= REVIEW else [])
    return Part({"repetition": excess}, 1.0 - excess, flags)
