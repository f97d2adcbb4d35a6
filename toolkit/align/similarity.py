"""Similarity between the source groups (their MT, or embeddings) and target groups.

`VectorSimilarity` is the cosine of group vectors, given one vector per sentence: a group of
consecutive sentences is the sum of its sentences' vectors (or, where given, a vector of the
group's concatenated text), and a whole row of candidates costs one small matrix product.

`NgramSimilarity` feeds it character n-grams of the MT and the target: each sentence becomes a
tf-idf vector of its character n-grams (case-folded, whitespace collapsed), hashed into a fixed
number of dimensions; the sum of a group's vectors is the concatenation's vector up to the few
n-grams that cross a sentence boundary. Like chrF it rewards shared character n-grams on both
sides (precision and recall at once) and works for scripts without spaces. Idf is computed on
the two documents themselves, so frequent function words and punctuation weigh little.
Sentence embeddings (`embeddings.py`) give other vectors for the same class, and
`MixedSimilarity` sums several similarities with weights.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Sequence
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


def common_direction(rows: np.ndarray) -> np.ndarray | None:
    """Unit mean direction of the unit rows (None when they cancel out)."""
    norms = np.linalg.norm(rows, axis=1, keepdims=True)
    unit = np.divide(rows, norms, out=np.zeros_like(rows), where=norms > 0)
    mean = unit.mean(axis=0)
    length = float(np.linalg.norm(mean))
    return None if length == 0.0 else (mean / length).astype(np.float32)


def project_off(rows: np.ndarray, direction: np.ndarray | None) -> np.ndarray:
    if direction is None:
        return rows
    return (rows - np.outer(np.einsum("ij,j->i", rows, direction), direction)).astype(np.float32)


def remove_common(rows: np.ndarray) -> np.ndarray:
    """Project every row off the mean direction of the unit rows.

    Any two sentences of one language share frequent character n-grams (articles, endings,
    punctuation), so raw cosines of unrelated sentences sit well above zero, and a merged group
    gains similarity just by being longer. Removing the shared direction (a common
    post-processing of embeddings, "all-but-the-top") brings unrelated pairs near zero; it is
    linear, so group vectors remain sums of sentence vectors."""
    return project_off(rows, common_direction(rows))


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


# Unit group vectors of one side for a group size (row k: the group ending at sentence k), or
# None to fall back on sums of sentence vectors. Embeddings of concatenated text use this.
GroupSource = Callable[[int], "np.ndarray | None"]


class VectorSimilarity:
    """Cosine similarity of source groups and target groups given one vector per sentence, with
    group lengths (characters of the MT and of the target, for the length prior).

    `sim(i, a, b, js)` is the similarity of source sentences [i-a, i) with target sentences
    [j-b, j) for every j in `js` (a, b >= 1). A group's vector is the sum of its sentences'
    vectors unless `src_groups` / `tgt_groups` give one for that size; group vectors are built
    lazily per size. With `center`, the direction shared by all sentences (both sides) is
    projected out of every vector first (`remove_common`).
    """

    def __init__(
        self,
        x: np.ndarray,
        y: np.ndarray,
        src_lengths: np.ndarray,
        tgt_lengths: np.ndarray,
        center: bool = True,
        src_groups: GroupSource | None = None,
        tgt_groups: GroupSource | None = None,
    ) -> None:
        x, y = x.astype(np.float32), y.astype(np.float32)
        self._raw = (x, y)
        direction = common_direction(np.concatenate([x, y])) if center else None
        self._direction = direction
        both = project_off(np.concatenate([x, y]), direction)
        self._group_sources = (src_groups, tgt_groups)
        self._setup(both[: len(x)], both[len(x) :], src_lengths, tgt_lengths)

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
    ) -> VectorSimilarity:
        """The same space over larger units (paragraphs given as sentence ranges): a unit's
        vector is the sum of its sentences' (for n-grams: with the sentence-level idf)."""

        def pool(rows: np.ndarray, lengths: np.ndarray, spans: list[tuple[int, int]]):  # noqa: ANN202
            vectors = np.stack([rows[s:e].sum(axis=0) for s, e in spans])
            return vectors, np.array([lengths[s:e].sum() for s, e in spans], dtype=np.int64)

        other = object.__new__(type(self))
        other._raw = self._raw
        other._direction = self._direction
        other._group_sources = (None, None)
        x, src_len = pool(self._x, self._src_lengths, src_spans)
        y, tgt_len = pool(self._y, self._tgt_lengths, tgt_spans)
        other._setup(x, y, src_len, tgt_len)
        return other

    def _groups(self, side: int, size: int) -> np.ndarray:
        cache = self._gx if side == 0 else self._gy
        if size not in cache:
            given = self._group_sources[side]
            rows = given(size) if given is not None and size > 1 else None
            if rows is None:
                cache[size] = group_vectors(self._x if side == 0 else self._y, size)
            else:
                cache[size] = group_vectors(project_off(rows, self._direction), 1)
        return cache[size]

    def _src_group(self, a: int) -> np.ndarray:
        return self._groups(0, a)

    def _tgt_group(self, b: int) -> np.ndarray:
        return self._groups(1, b)

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

    def member_cos(
        self, i: int, a: int, b: int, js: np.ndarray
    ) -> tuple[np.ndarray | None, np.ndarray | None]:
        """Cosine of each member sentence with the other side's group, per candidate j: an
        (a, len(js)) array for the source members and a (b, len(js)) one for the target
        members; None for a side with a single sentence. `js` consecutive and ascending."""
        src_cos = tgt_cos = None
        if b > 1:
            src_group = self._src_group(a)[i - 1]
            start = int(js[0]) - b
            row = _matvec(self._tgt_group(1)[start : int(js[-1])], src_group)
            tgt_cos = row[(js - b - start)[None, :] + np.arange(b)[:, None]]
        if a > 1:
            tgt_groups = self._tgt_group(b)[js[0] - 1 : js[-1]]
            src_cos = np.einsum("ik,jk->ij", self._src_group(1)[i - a : i], tgt_groups)
        return src_cos, tgt_cos

    def sim_block(self, i0: int, i1: int, j0: int, j1: int) -> np.ndarray:
        """1-1 similarities of source sentences [i0, i1) with target sentences [j0, j1)."""
        return self._src_group(1)[i0:i1] @ self._tgt_group(1)[j0:j1].T

    # report centred cosines: for cross-lingual embeddings, whose raw cosines of unrelated
    # sentences sit near 0.7, so that only the centred scale means what REVIEW_BELOW says
    report_centred = False

    def plain(self, i0: int, i1: int, j0: int, j1: int) -> float:
        """Cosine of MT sentences [i0, i1) with target sentences [j0, j1) before centring: the
        group score reported to users (its scale does not depend on the rest of the document)."""
        x_rows, y_rows = (self._x, self._y) if self.report_centred else self._raw
        x = x_rows[i0:i1].sum(axis=0)
        y = y_rows[j0:j1].sum(axis=0)
        norm = float(np.linalg.norm(x) * np.linalg.norm(y))
        return float(np.dot(x, y) / norm) if norm > 0 else 0.0

    def src_len(self, i: int, a: int) -> float:
        return float(self.src_cum[i] - self.src_cum[i - a])

    def tgt_len(self, js: np.ndarray, b: int) -> np.ndarray:
        return (self.tgt_cum[js] - self.tgt_cum[js - b]).astype(np.float64)


class NgramSimilarity(VectorSimilarity):
    """Character n-gram tf-idf cosine of the MT of source groups and target groups."""

    def __init__(
        self, src_mt: Sequence[str], tgt: Sequence[str], config: NgramConfig = NgramConfig()
    ) -> None:
        x, y = vectorise(src_mt, tgt, config)
        super().__init__(x, y, text_lengths(src_mt), text_lengths(tgt), center=config.center)


def text_lengths(texts: Sequence[str]) -> np.ndarray:
    """Characters per sentence after `normalise` (what the length prior compares)."""
    return np.array([len(normalise(t)) for t in texts], dtype=np.int64)


class MixedSimilarity:
    """A weighted sum of similarities over the same sentences (n-gram and embedding cosines).

    Lengths come from the first part; `plain` (the score reported to users) from `report`, by
    default the first part, so a mixture reports on the same scale as n-grams alone."""

    def __init__(
        self,
        parts: Sequence[tuple[float, VectorSimilarity]],
        report: VectorSimilarity | None = None,
    ) -> None:
        if not parts:
            raise ValueError("a mixture needs at least one similarity")
        self.parts = list(parts)
        first = self.parts[0][1]
        self.report = report if report is not None else first
        self.n_src, self.n_tgt = first.n_src, first.n_tgt
        self.src_cum, self.tgt_cum = first.src_cum, first.tgt_cum

    def sim(self, i: int, a: int, b: int, js: np.ndarray) -> np.ndarray:
        return sum(w * s.sim(i, a, b, js).astype(np.float64) for w, s in self.parts)

    def neighbour_sim(self, i: int, a: int, b: int, js: np.ndarray) -> np.ndarray:
        return sum(w * s.neighbour_sim(i, a, b, js) for w, s in self.parts)

    def sim_block(self, i0: int, i1: int, j0: int, j1: int) -> np.ndarray:
        return sum(w * s.sim_block(i0, i1, j0, j1) for w, s in self.parts)

    def plain(self, i0: int, i1: int, j0: int, j1: int) -> float:
        return self.report.plain(i0, i1, j0, j1)

    def src_len(self, i: int, a: int) -> float:
        return self.parts[0][1].src_len(i, a)

    def tgt_len(self, js: np.ndarray, b: int) -> np.ndarray:
        return self.parts[0][1].tgt_len(js, b)

    def pooled(
        self, src_spans: list[tuple[int, int]], tgt_spans: list[tuple[int, int]]
    ) -> MixedSimilarity:
        return MixedSimilarity(
            [(w, s.pooled(src_spans, tgt_spans)) for w, s in self.parts],
            self.report.pooled(src_spans, tgt_spans),
        )


Similarity = VectorSimilarity | MixedSimilarity


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
