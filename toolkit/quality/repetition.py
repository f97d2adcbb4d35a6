"""Repetition and hallucination loops: the same words (or characters) produced over and over.

Neural models that lose track loop ("we will we will we will ...") or repeat a phrase later in
the sentence. Two measures, over words for en/vi and characters for km/lo/th (no spaces between
words there):
- the share of repeated n-grams, (n-grams - distinct n-grams) / n-grams (n = 3 words or
  6 characters, about two syllables), minus the source's own share, so a speech that says
  "thank you, thank you" is not blamed on the translation;
- `loop`: the most times one stretch is repeated back to back ("pump it out, pump it out, pump
  it out" is 3). A long sentence dilutes the share, not this count.
Thresholds: docs/quality.md (measured on ntrex-dev with bench/quality_faults.py).
"""

from __future__ import annotations

from collections import Counter

from toolkit.quality.common import NO_SPACE_LANGS, Part, units

WORD_N, CHAR_N = 3, 6
BAD = 0.3  # excess repeated share from which the output is a loop: "repetition" (bad)
# From here: "repeated" (review). The largest excess among 3,960 professional lines of
# ntrex-dev is 0.22 (99.5th percentile 0.07-0.15 per language).
REVIEW = 0.25
# A stretch repeated this many times back to back is a loop (bad), unless the source repeats
# itself: then it takes more than twice the source's count ("pump it out, pump it out").
LOOP = 3
LOOP_SPAN = {"words": 3, "chars": 10}  # ...when the repeated part is at least this long
# Stretch lengths looked at. One character repeated ("ไไไไไไม่" for "NOOOOO", "!!!!") is
# emphasis, not a loop; long runs of it still raise the repeated share.
MIN_PERIOD = {"words": 1, "chars": 2}
MAX_PERIOD = {"words": 12, "chars": 40}


def repeated_share(text: str, lang: str) -> float:
    """Share of the n-grams of `text` that already occurred earlier in it."""
    seq = units(text, lang)
    n = CHAR_N if lang in NO_SPACE_LANGS else WORD_N
    grams = [tuple(seq[i : i + n]) for i in range(len(seq) - n + 1)]
    if not grams:
        return 0.0
    counts = Counter(grams)
    return sum(c - 1 for c in counts.values()) / len(grams)


def loop_count(text: str, lang: str) -> int:
    """The most back-to-back copies of one stretch of `text` (1: nothing repeated), counting
    only stretches whose repeats cover at least LOOP_SPAN units."""
    seq = units(text, lang)
    kind = "chars" if lang in NO_SPACE_LANGS else "words"
    best = 1
    for period in range(MIN_PERIOD[kind], min(MAX_PERIOD[kind], len(seq) // 2) + 1):
        run = 0
        for j in range(len(seq) - period):
            run = run + 1 if seq[j] == seq[j + period] else 0
            copies = 1 + run // period
            if copies > best and run >= LOOP_SPAN[kind]:
                best = copies
    return best


def check(src_text: str, tgt_text: str, src: str, tgt: str) -> Part:
    excess = max(0.0, repeated_share(tgt_text, tgt) - repeated_share(src_text, src))
    loop = loop_count(tgt_text, tgt)
    looping = loop >= max(LOOP, 2 * loop_count(src_text, src) + 1)
    flags = ["repetition"] if excess >= BAD or looping else []
    if not flags and excess >= REVIEW:
        flags = ["repeated"]
    factor = min(1.0 - excess, 0.5 if looping else 1.0)
    return Part({"repetition": excess, "loop": loop}, factor, flags)
