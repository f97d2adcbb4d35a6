"""Banded dynamic programming over alignment groups (shared by the Mekong and Gale-Church aligners).

`banded_dp` maximises the sum of group scores over monotone paths that stay inside a band of
target positions per source row. Rows are vectorised with numpy: every group (a >= 1, b) reads
an earlier row; the 0-1 groups chain inside a row and are solved with a running maximum.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from toolkit.align.base import Group, GroupScorer

NEG = -1e18


def banded_dp(
    scorer: GroupScorer, groups: Sequence[Group], lo: np.ndarray, hi: np.ndarray
) -> list[tuple[int, int, int, int]]:
    """Best path as (i0, i1, j0, j1) groups; row i (source sentences used) spans [lo[i], hi[i]].

    lo/hi must have n_src + 1 entries with lo[0] == 0, hi[n] == n_tgt, both non-decreasing.
    """
    n, m = scorer.n_src, scorer.n_tgt
    groups = list(groups)
    has_skip_tgt = (0, 1) in groups
    row_groups = [g for g in groups if g[0] >= 1]
    score: list[np.ndarray] = []
    back: list[np.ndarray] = []
    for i in range(n + 1):
        js = np.arange(lo[i], hi[i] + 1)
        best = np.full(js.shape, NEG)
        move = np.full(js.shape, -1, dtype=np.int64)
        if i == 0:
            best[js == 0] = 0.0
        for g_index, (a, b) in enumerate(row_groups):
            if i < a:
                continue
            prev_lo, prev_hi = lo[i - a], hi[i - a]
            src_js = js - b
            ok = (src_js >= prev_lo) & (src_js <= prev_hi) & (src_js >= 0)
            if not ok.any():
                continue
            cand = np.full(js.shape, NEG)
            prev = score[i - a][src_js[ok] - prev_lo]
            cand[ok] = prev + scorer.row(i, a, b, js[ok])
            better = cand > best
            best[better] = cand[better]
            move[better] = g_index
        if has_skip_tgt:
            skip = scorer.row(i, 0, 1, js[js >= 1]) if js[-1] >= 1 else np.zeros(0)
            steps = np.zeros(js.shape)
            steps[js >= 1] = skip
            steps[0] = 0.0
            run = np.cumsum(steps)
            chained = np.maximum.accumulate(best - run) + run
            take = chained > best + 1e-12
            best = np.where(take, chained, best)
            move[take] = len(row_groups)  # 0-1
        score.append(best)
        back.append(move)
    if score[n][m - lo[n]] <= NEG / 2:
        raise ValueError("no alignment path inside the band")
    path: list[tuple[int, int, int, int]] = []
    i, j = n, m
    while i > 0 or j > 0:
        k = int(back[i][j - lo[i]])
        a, b = (0, 1) if k == len(row_groups) else row_groups[k]
        path.append((i - a, i, j - b, j))
        i, j = i - a, j - b
    path.reverse()
    return path


def diagonal_band(n: int, m: int, width: int) -> tuple[np.ndarray, np.ndarray]:
    rows = np.arange(n + 1)
    centre = np.rint(rows * (m / max(n, 1))).astype(np.int64)
    return _clip_band(centre - width, centre + width, n, m)


def path_band(
    path: Sequence[tuple[int, int, int, int]], n: int, m: int, width: int
) -> tuple[np.ndarray, np.ndarray]:
    """A band of +-width target positions around every row a path passes through."""
    low = np.full(n + 1, m, dtype=np.int64)
    high = np.zeros(n + 1, dtype=np.int64)
    low[0], high[0] = 0, 0
    for i0, i1, j0, j1 in path:
        for i in range(i0, i1 + 1):
            low[i] = min(low[i], j0)
            high[i] = max(high[i], j1)
    return _clip_band(low - width, high + width, n, m)


def _clip_band(low: np.ndarray, high: np.ndarray, n: int, m: int) -> tuple[np.ndarray, np.ndarray]:
    low = np.clip(low, 0, m)
    high = np.clip(high, 0, m)
    low[0] = 0
    high[n] = m
    # monotone edges keep every row reachable from the one before
    low = np.minimum.accumulate(low[::-1])[::-1]
    high = np.maximum.accumulate(high)
    return low, high
