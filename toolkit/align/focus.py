"""Concatenated-group embeddings, only where a first 1-1 pass is unsure (the group search).

Summing sentence vectors scores a merged group badly: a sentence that holds two of the other
side's sentences is best compared with the embedding of their concatenated text, as Bertalign
does. Embedding every run of 2-3 sentences on both sides costs 4-5x the sentence embeddings,
so the concatenations are embedded only around the places where a 1-1/skip path is unsure:
sentences it skipped, and both sentences of its weakest 1-1 pairs. Everywhere else the 1-1 pairs
are anchors and no multi-sentence group is searched (its vector is missing, its score -inf).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

Path = Sequence[tuple[int, int, int, int]]


def doubtful(
    path: Path, scores: Sequence[float], n: int, m: int, quantile: float
) -> tuple[set[int], set[int]]:
    """Source and target sentences that a 1-1/skip path skipped or paired weakly.

    `scores`: one score per group of `path` (used for its 1-1 groups); the weakest `quantile`
    of them are doubtful, so the cost grows with the document, not with a fixed threshold."""
    pairs = [s for (i0, i1, j0, j1), s in zip(path, scores, strict=True) if i1 > i0 and j1 > j0]
    cut = float(np.quantile(pairs, quantile)) if pairs and quantile > 0 else -np.inf
    src: set[int] = set()
    tgt: set[int] = set()
    for (i0, i1, j0, j1), score in zip(path, scores, strict=True):
        if i1 == i0 or j1 == j0 or score <= cut:
            src.update(range(i0, i1))
            tgt.update(range(j0, j1))
    return {i for i in src if i < n}, {j for j in tgt if j < m}


def wanted_runs(marked: set[int], total: int, max_size: int) -> dict[int, list[int]]:
    """End positions of the runs to embed, per size: a run of 2 holding a marked sentence, a
    longer run holding at least two (three merged sentences leave two doubtful places)."""
    runs: dict[int, list[int]] = {}
    for size in range(2, max_size + 1):
        need = 1 if size == 2 else 2
        ends = [
            end
            for end in range(size - 1, total)
            if sum(k in marked for k in range(end - size + 1, end + 1)) >= need
        ]
        runs[size] = ends
    return runs


def run_text(texts: Sequence[str], end: int, size: int) -> str:
    return " ".join(texts[end - size + 1 : end + 1])


def run_texts(texts: Sequence[str], runs: dict[int, list[int]]) -> list[str]:
    return [run_text(texts, end, size) for size, ends in runs.items() for end in ends]


def group_rows(
    texts: Sequence[str], runs: dict[int, list[int]], by_text: dict[str, np.ndarray], dim: int
) -> dict[int, np.ndarray]:
    """Per size, one row per end position: the run's embedding, or NaN where not embedded."""
    rows: dict[int, np.ndarray] = {}
    for size, ends in runs.items():
        table = np.full((len(texts), dim), np.nan, dtype=np.float32)
        for end in ends:
            table[end] = by_text[run_text(texts, end, size)]
        rows[size] = table
    return rows
