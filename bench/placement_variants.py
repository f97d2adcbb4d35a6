"""BENCH ONLY: term-placement variants that lost, kept so `term_placement.py` can compare.

`place_two_rounds`: the round-2 search of `toolkit.engines.spans.place` (each start with its
first end, then the best start's other ends). It scored higher chrF on the toy benchmark but
cost more than the 1.5x time goal allows; the product scores the first round only.
`bench/term_placement.py --two-rounds` measures it.

`splice_only`: CTranslate2 without the continuation (`CT2Placement._continue`): the free
output's text after the attention core is kept as it is. It meets the 1.5x time goal on the toy
model (one decoding call instead of two) but cuts or keeps words around the name where the
one-layer attention marks the name's end badly; `bench/term_placement.py --ct2-splice`.
"""

from __future__ import annotations

from toolkit.engines.spans import Choice, Job, Scorer, _first_round, _score_round, candidates


def place_two_rounds(jobs: list[Job], score: Scorer) -> dict[tuple[int, int], Choice]:
    """The first round, then the other ends of each job's best start."""
    for job in jobs:
        job.cands = candidates(job)
    first = [_first_round(j) for j in jobs]
    best = _score_round(jobs, first, score, {})
    second = []
    for job, tried in zip(jobs, first, strict=True):
        chosen = best.get((job.row, job.term))
        p = chosen.cut[0] if chosen else None
        second.append([c for c in job.cands if c[0] == p and c not in tried])
    return _score_round(jobs, second, score, best)


def splice_only(*_args: object, **_kwargs: object) -> None:
    """Stands in for `CT2Placement._continue`: nothing is decoded after the forced form."""
