"""Length ratio of the output against the ratio expected for the language pair.

Lengths are non-whitespace code points (Khmer, Lao and Thai vowel signs and subscripts count,
spaces do not: Thai and Khmer put spaces between phrases, not words). Each language has a weight,
its length relative to English for the same content; the expected ratio of a pair is
weight[tgt] / weight[src].

The weights were measured with `bench/length_ratios.py` on the 12-sentence parallel sample in
`samples/parallel-speech/` (written for this project). Twelve sentences give a rough figure
only, so the tolerance is wide: within x2 of the expected length nothing is flagged.
"""

from __future__ import annotations

import math

from toolkit.quality.common import Part

# Non-space characters relative to English, from bench/length_ratios.py on samples/parallel-speech.
# Measured 2026-11-23: km 1.094, lo 0.987, th 0.994, vi 0.875 (per-sentence spread 0.65-1.56).
WEIGHTS: dict[str, float] = {"en": 1.0, "km": 1.09, "lo": 0.99, "th": 0.99, "vi": 0.88}

SLACK = 10  # characters added to both sides so short segments ("Thank you!") are not flagged
REVIEW_LOW, REVIEW_HIGH = 0.5, 2.0  # outside: "length" (review)
HALLUCINATION = 3.0  # above: "too_long" (bad) - the output runs on far past the input


def count_chars(text: str) -> int:
    return sum(1 for c in text if not c.isspace())


def expected_ratio(src: str, tgt: str) -> float:
    return WEIGHTS[tgt] / WEIGHTS[src]


def check(src_text: str, tgt_text: str, src: str, tgt: str) -> Part:
    """Raw ratio, ratio against the expected one, a factor and length flags."""
    n_src, n_tgt = count_chars(src_text), count_chars(tgt_text)
    raw = n_tgt / max(1, n_src)
    vs_expected = (n_tgt + SLACK) / (n_src * expected_ratio(src, tgt) + SLACK)
    flags: list[str] = []
    if n_tgt and vs_expected > HALLUCINATION:
        flags.append("too_long")
    elif n_tgt and not REVIEW_LOW <= vs_expected <= REVIEW_HIGH:
        flags.append("length")
    # 1 inside x1.5 of the expected length, then falling with the log of the deviation
    excess = max(0.0, abs(math.log(max(vs_expected, 1e-6))) - math.log(1.5))
    factor = math.exp(-excess)
    return Part({"length_ratio": raw, "length_vs_expected": vs_expected}, factor, flags)
