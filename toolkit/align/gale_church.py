"""Gale & Church (1993) length-based alignment: the baseline Mekong's aligner is measured against.

Scores a group by the log-probability of its character lengths (source vs target, both in
their own language) under the original model: c = 1, s^2 = 6.8, and the published priors of
each group shape. It reads no text content, which is why it fails on free translations.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from toolkit.align.band import banded_dp, diagonal_band
from toolkit.align.base import AlignedGroup, Alignment

PRIORS = {
    (1, 1): 0.89,
    (1, 0): 0.0099 / 2,
    (0, 1): 0.0099 / 2,
    (2, 1): 0.089 / 2,
    (1, 2): 0.089 / 2,
    (2, 2): 0.011,
}
MEAN = 1.0
VARIANCE = 6.8


def _log_norm_sf(z: np.ndarray) -> np.ndarray:
    """log(2 * (1 - Phi(|z|))), floored so impossible lengths stay finite."""
    tail = np.array([math.erfc(abs(v) / math.sqrt(2)) for v in z.ravel()]).reshape(z.shape)
    return np.log(np.maximum(tail, 1e-300))


class LengthScorer:
    def __init__(self, src_lengths: Sequence[int], tgt_lengths: Sequence[int]) -> None:
        self.n_src, self.n_tgt = len(src_lengths), len(tgt_lengths)
        self.src_cum = np.concatenate([[0], np.cumsum(src_lengths)]).astype(np.float64)
        self.tgt_cum = np.concatenate([[0], np.cumsum(tgt_lengths)]).astype(np.float64)

    def row(self, i: int, a: int, b: int, js: np.ndarray) -> np.ndarray:
        ls = self.src_cum[i] - self.src_cum[i - a]
        lt = self.tgt_cum[js] - self.tgt_cum[js - b]
        mean = (ls + lt / MEAN) / 2
        z = (MEAN * ls - lt) / np.sqrt(np.maximum(mean, 1e-9) * VARIANCE)
        z = np.where((ls == 0) & (lt == 0), 0.0, z)
        return math.log(PRIORS[(a, b)]) + _log_norm_sf(z)


class GaleChurchAligner:
    """Length-only DP over 0-1, 1-0, 1-1, 1-2, 2-1, 2-2, in a wide band around the diagonal."""

    def __init__(self, band: int = 100) -> None:
        self.band = band

    def align(
        self,
        src: Sequence[str],
        tgt: Sequence[str],
        src_paras: Sequence[int] | None = None,
        tgt_paras: Sequence[int] | None = None,
    ) -> Alignment:
        """`src` in the source language (Gale-Church needs no MT); paragraphs are not used."""
        n, m = len(src), len(tgt)
        scorer = LengthScorer([len(s) for s in src], [len(t) for t in tgt])
        lo, hi = diagonal_band(n, m, max(self.band, abs(n - m) + max(n, m) // 10))
        path = banded_dp(scorer, tuple(PRIORS), lo, hi)
        groups = [
            AlignedGroup(tuple(range(i0, i1)), tuple(range(j0, j1))) for i0, i1, j0, j1 in path
        ]
        return Alignment(groups, n, m)
