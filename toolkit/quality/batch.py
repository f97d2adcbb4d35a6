"""Scoring many segments at once: the signals that need a model (adequacy) run in one batch."""

from __future__ import annotations

from collections.abc import Sequence

from toolkit import embeddings
from toolkit.quality.adequacy import measure, measure_if_available
from toolkit.quality.base import QualityResult, score_segment


def score_lines(
    srcs: Sequence[str],
    hyps: Sequence[str],
    src: str,
    tgt: str,
    *,
    terms: Sequence[Sequence[dict[str, object]]] | None = None,
    kiwi: Sequence[float | None] | None = None,
    adequacy: bool = True,
    embedder: embeddings.Embedder | None = None,
) -> list[QualityResult]:
    """Score line-aligned sources and translations (the order matters: adequacy compares each
    translation with its neighbours' sources). Adequacy is on by default and recorded as
    missing without the `embed` extra; an explicit `embedder` is used as given."""
    if embedder is not None and adequacy:
        measured, missing = measure(srcs, hyps, embedder), False
    else:
        measured, missing = measure_if_available(srcs, hyps, adequacy)
    none = [None] * len(srcs)
    rows = zip(srcs, hyps, terms or [()] * len(srcs), kiwi or none, measured, strict=True)
    return [
        score_segment(
            s,
            h,
            src,
            tgt,
            terms=t,
            kiwi=k,
            adequacy=a,
            signals_missing=("adequacy",) if missing else (),
        )
        for s, h, t, k, a in rows
    ]
