"""Length ratio of the output against the ratio expected for the language pair.

Lengths are non-whitespace code points (Khmer, Lao and Thai vowel signs and subscripts count,
spaces do not: Thai and Khmer put spaces between phrases, not words). Each language has a weight,
its length relative to English for the same content; the expected ratio of a pair is
weight[tgt] / weight[src].

The weights were measured with `bench/length_ratios.py` on ntrex-dev (990 English news
sentences with professional km, lo, th, vi translations; multi-parallel, so every one of the
ten pairs is measured directly, and its ratio of totals equals the one derived through English).
The review thresholds come from the per-sentence spread of `length_vs_expected` measured there
in all twenty directions (docs/quality.md has the table).
"""

from __future__ import annotations

import math

from toolkit.quality.common import Part

# Non-space characters relative to English, from bench/length_ratios.py on ntrex-dev
# (3 Dec 2026): km 1.343, lo 1.141, th 1.101, vi 1.035.
WEIGHTS: dict[str, float] = {"en": 1.0, "km": 1.343, "lo": 1.141, "th": 1.101, "vi": 1.035}

SLACK = 10  # characters added to both sides so short segments ("Thank you!") are not flagged
# Outside: "length" (review). On ntrex-dev the 0.5th percentile of length_vs_expected is 0.53-0.67
# and the 99.5th 1.48-1.92 depending on the direction: these bounds flag at most 0.6% of
# professional lines in any direction (bench/length_ratios.py) while a translation cut to 40% of
# its length falls below 0.55 once the sentence has 30 characters or more.
REVIEW_LOW, REVIEW_HIGH = 0.55, 2.0
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
