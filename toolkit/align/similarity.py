"""Character n-gram similarity between the MT of source groups and target groups.

Each sentence becomes a tf-idf vector of its character n-grams (case-folded, whitespace
collapsed), hashed into a fixed number of dimensions; a group of consecutive sentences is the
sum of its sentences' vectors, which is the concatenation's vector up to the few n-grams that
cross a sentence boundary. The similarity of two groups is the cosine of their vectors: like
chrF it rewards shared character n-grams on both sides (precision and recall at once) and works
for scripts without spaces, but it is a dot product, so a whole row of candidates costs one
small matrix product. Idf is computed on the two documents themselves, so frequent function
words and punctuation weigh little.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

_SPACES = re.compile(r"\s+")


@dataclass(frozen=True)
class NgramConfig:
    n_min: int = 1
    n_max: int = 4
    dims: int = 4096  # hashed dimensions; collisions only add a little noise
    # search on vectors with the direction all sentences share projected out (`remove_common`)
    center: bool = True


def normalise(text: str) -> str:
    """NFC, case-folded, whitespace collapsed: what the n-grams are taken from."""
    return _SPACES.sub(" ", unicodedata.normalize("NFC", text).casefold()).strip()


def ngrams(text: str, n_min: int, n_max: int) -> Counter[str]:
    padded = f" {text} "
    counts: Counter[str] = Counter()
    for n in range(n_min, n_max + 1):
        counts.update(padded[k : k + n] for k in range(len(padded) - n + 1))
    counts.pop(" ", None)
    return counts


def vectorise(
    src: Sequence[str], tgt: Sequence[str], config: NgramConfig = NgramConfig()
) -> tuple[np.ndarray, np.ndarray]:
    """tf-idf vectors (unnormalised, float32) of both sides in one shared hashed space."""
    counts = [ngrams(normalise(t), config.n_min, config.n_max) for t in (*src, *tgt)]
    df: Counter[str] = Counter()
    for c in counts:
        df.update(c.keys())
    total = len(counts)
    index: dict[str, int] = {}
    idf = np.zeros(len(df), dtype=np.float32)
    for gram, freq in df.items():
        k = len(index)
        index[gram] = k
        idf[k] = math.log((total + 1) / (freq + 1)) + 1.0
    rows = np.zeros((total, config.dims), dtype=np.float32)
    for r, c in enumerate(counts):
        if not c:
            continue
        ids = np.fromiter((index[g] for g in c), dtype=np.int64, count=len(c))
        tf = np.fromiter(c.values(), dtype=np.float32, count=len(c))
        np.add.at(rows[r], ids % config.dims, tf * idf[ids])
    return rows[: len(src)], rows[len(src) :]


def remove_common(rows: np.ndarray) -> np.ndarray:
    """Project every row off the mean direction of the unit rows.

    Any two sentences of one language share frequent character n-grams (articles, endings,
    punctuation), so raw cosines of unrelated sentences sit well above zero, and a merged group
    gains similarity just by being longer. Removing the shared direction (a common
    post-processing of embeddings, "all-but-the-top") brings unrelated pairs near zero; it is
    linear, so group vectors remain sums of sentence vectors."""
    norms = np.linalg.norm(rows, axis=1, keepdims=True)
    unit = np.divide(rows, norms, out=np.zeros_like(rows), where=norms > 0)
    mean = unit.mean(axis=0)
    length = float(np.linalg.norm(mean))
    if length == 0.0:
        return rows
    direction = mean / length
    return (rows - np.outer(np.einsum("ij,j->i", rows, direction), direction)).astype(np.float32)


def _matvec(matrix: np.ndarray, vector: np.ndarray) -> np.ndarray:
    """matrix @ vector without BLAS: its threads spin on these small products and made a
    shared 2-core machine 10x slower; numpy's own loop is single-threaded and as fast here."""
    return np.einsum("ij,j->i", matrix, vector)


def group_vectors(vectors: np.ndarray, size: int) -> np.ndarray:
    """Row k = unit vector of the sum of rows k-size+1..k (rows before `size-1` are zeros)."""
    n = vectors.shape[0]
    out = np.zeros_like(vectors)
    if n >= size:
        sums = out[size - 1 :]
        for k in range(size):  # a few shifted additions beat a strided cumsum over rows
            sums += vectors[k : n - size + 1 + k]
    norms = np.linalg.norm(out, axis=1, keepdims=True)
    np.divide(out, norms, out=out, where=norms > 0)
    return out


class NgramSimilarity:
    """Cosine similarity of source-MT groups and target groups, with group lengths.

    `sim(i, a, b, js)` is the similarity of MT sentences [i-a, i) with target sentences
    [j-b, j) for every j in `js` (a, b >= 1). Group vectors are built lazily per size.
    """

    def __init__(
        self, src_mt: Sequence[str], tgt: Sequence[str], config: NgramConfig = NgramConfig()
    ) -> None:
        x, y = vectorise(src_mt, tgt, config)
        self._raw = (x, y)
        if config.center:
            both = remove_common(np.concatenate([x, y]))
            x, y = both[: len(x)], both[len(x) :]
        src_lengths = np.array([len(normalise(t)) for t in src_mt], dtype=np.int64)
        tgt_lengths = np.array([len(normalise(t)) for t in tgt], dtype=np.int64)
        self._setup(x, y, src_lengths, tgt_lengths)

    def _setup(
        self, x: np.ndarray, y: np.ndarray, src_len: np.ndarray, tgt_len: np.ndarray
    ) -> None:
        self.n_src, self.n_tgt = x.shape[0], y.shape[0]
        self._x, self._y = x, y
        self._src_lengths, self._tgt_lengths = src_len, tgt_len
        self._gx: dict[int, np.ndarray] = {}
        self._gy: dict[int, np.ndarray] = {}
        self.src_cum = np.concatenate([[0], np.cumsum(src_len)])
        self.tgt_cum = np.concatenate([[0], np.cumsum(tgt_len)])

    def pooled(
        self, src_spans: list[tuple[int, int]], tgt_spans: list[tuple[int, int]]
    ) -> NgramSimilarity:
        """The same space over larger units (paragraphs given as sentence ranges): a unit's
        vector is the sum of its sentences', with the sentence-level idf."""

        def pool(rows: np.ndarray, lengths: np.ndarray, spans: list[tuple[int, int]]):  # noqa: ANN202
            vectors = np.stack([rows[s:e].sum(axis=0) for s, e in spans])
            return vectors, np.array([lengths[s:e].sum() for s, e in spans], dtype=np.int64)

        other = object.__new__(NgramSimilarity)
        other._raw = self._raw
        x, src_len = pool(self._x, self._src_lengths, src_spans)
        y, tgt_len = pool(self._y, self._tgt_lengths, tgt_spans)
        other._setup(x, y, src_len, tgt_len)
        return other

    def _src_group(self, a: int) -> np.ndarray:
        if a not in self._gx:
            self._gx[a] = group_vectors(self._x, a)
        return self._gx[a]

    def _tgt_group(self, b: int) -> np.ndarray:
        if b not in self._gy:
            self._gy[b] = group_vectors(self._y, b)
        return self._gy[b]

    def sim(self, i: int, a: int, b: int, js: np.ndarray) -> np.ndarray:
        """`js` must be consecutive and ascending (a band row)."""
        return _matvec(self._tgt_group(b)[js[0] - 1 : js[-1]], self._src_group(a)[i - 1])

    def neighbour_sim(self, i: int, a: int, b: int, js: np.ndarray) -> np.ndarray:
        """Mean similarity of each group with the sentences just outside it on the other side:
        the MT group against target sentences j-b-1 and j, the target group against MT
        sentences i-a-1 and i (those that exist). Subtracting it is a margin score.
        `js` must be consecutive and ascending."""
        src_group = self._src_group(a)[i - 1]
        tgt_groups = self._tgt_group(b)[js[0] - 1 : js[-1]]
        x1, y1 = self._src_group(1), self._tgt_group(1)
        # similarities of the MT group with target sentences js[0]-b-1 .. js[-1] (clipped)
        first = max(0, int(js[0]) - b - 1)
        last = min(self.n_tgt, int(js[-1]) + 1)
        around = np.zeros(int(js[-1]) + 2 - (int(js[0]) - b - 1), dtype=np.float64)
        offset = int(js[0]) - b - 1
        around[first - offset : last - offset] = _matvec(y1[first:last], src_group)
        before, after = js - b - 1, js
        total = around[before - offset] + around[after - offset]
        seen = (before >= 0).astype(np.float64) + (after < self.n_tgt)
        if i - a - 1 >= 0:
            total += _matvec(tgt_groups, x1[i - a - 1])
            seen += 1
        if i < self.n_src:
            total += _matvec(tgt_groups, x1[i])
            seen += 1
        return np.divide(total, seen, out=np.zeros_like(total), where=seen > 0)

    def sim_block(self, i0: int, i1: int, j0: int, j1: int) -> np.ndarray:
        """1-1 similarities of source sentences [i0, i1) with target sentences [j0, j1)."""
        return self._src_group(1)[i0:i1] @ self._tgt_group(1)[j0:j1].T

    def plain(self, i0: int, i1: int, j0: int, j1: int) -> float:
        """Cosine of MT sentences [i0, i1) with target sentences [j0, j1) before centring: the
        group score reported to users (its scale does not depend on the rest of the document)."""
        x = self._raw[0][i0:i1].sum(axis=0)
        y = self._raw[1][j0:j1].sum(axis=0)
        norm = float(np.linalg.norm(x) * np.linalg.norm(y))
        return float(np.dot(x, y) / norm) if norm > 0 else 0.0

    def src_len(self, i: int, a: int) -> float:
        return float(self.src_cum[i] - self.src_cum[i - a])

    def tgt_len(self, js: np.ndarray, b: int) -> np.ndarray:
        return (self.tgt_cum[js] - self.tgt_cum[js - b]).astype(np.float64)


def chrf(hypothesis: str, reference: str, n_max: int = 6, beta: float = 2.0) -> float:
    """Character n-gram F-score (chrF, in [0, 1]) of two strings, spaces ignored as in sacrebleu."""
    hyp = _SPACES.sub("", hypothesis)
    ref = _SPACES.sub("", reference)
    if not hyp or not ref:
        return 1.0 if hyp == ref else 0.0
    precisions: list[float] = []
    recalls: list[float] = []
    for n in range(1, n_max + 1):
        h = Counter(hyp[k : k + n] for k in range(len(hyp) - n + 1))
        r = Counter(ref[k : k + n] for k in range(len(ref) - n + 1))
        if not h or not r:
            continue
        match = sum((h & r).values())
        precisions.append(match / sum(h.values()))
        recalls.append(match / sum(r.values()))
    if not precisions:
        return 0.0
    p = sum(precisions) / len(precisions)
    r = sum(recalls) / len(recalls)
    if p + r == 0:
        return 0.0
    b2 = beta * beta
    return (1 + b2) * p * r / (b2 * p + r)
