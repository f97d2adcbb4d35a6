"""Strict and lax precision, recall and F1 of sentence alignments (vecalign's semantics).

Precision is over predicted groups except empty-to-empty; a strict hit equals a gold group, a
lax hit links one of its source sentences to one of its target sentences as some gold group
does. Recall is the same with gold and prediction swapped, after dropping groups with an empty
side from both. Counts add up over
documents, F1 = 2PR / (P + R).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

Pairs = Sequence[tuple[Sequence[int], Sequence[int]]]


@dataclass
class Counts:
    strict_hits_p: int = 0
    lax_hits_p: int = 0
    predicted: int = 0
    strict_hits_r: int = 0
    lax_hits_r: int = 0
    gold: int = 0

    def add(self, other: Counts) -> None:
        for name in self.__dataclass_fields__:
            setattr(self, name, getattr(self, name) + getattr(other, name))


@dataclass
class Scores:
    strict: dict[str, float] = field(default_factory=dict)
    lax: dict[str, float] = field(default_factory=dict)


def _key(src: Sequence[int], tgt: Sequence[int]) -> tuple[tuple[int, ...], tuple[int, ...]]:
    return tuple(sorted(src)), tuple(sorted(tgt))


def _hits(test: Pairs, reference: Pairs) -> tuple[int, int, int]:
    """Strict and lax hits of `test` groups against `reference`, and how many were counted."""
    ref = {_key(s, t) for s, t in reference if s or t}
    linked: dict[int, set[int]] = {}
    for s, t in ref:
        for i in s:
            linked.setdefault(i, set()).update(t)
    strict = lax = total = 0
    for s, t in {_key(s, t) for s, t in test if s or t}:
        total += 1
        if (s, t) in ref:
            strict += 1
            lax += 1
        elif set(t) & set().union(*(linked.get(i, set()) for i in s)):
            lax += 1
    return strict, lax, total


def count(predicted: Pairs, gold: Pairs) -> Counts:
    sp, lp, n_pred = _hits(predicted, gold)
    full_gold = [(s, t) for s, t in gold if s and t]
    full_pred = [(s, t) for s, t in predicted if s and t]
    sr, lr, n_gold = _hits(full_gold, full_pred)
    return Counts(sp, lp, n_pred, sr, lr, n_gold)


def scores(counts: Counts) -> Scores:
    def prf(hits_p: int, hits_r: int) -> dict[str, float]:
        p = hits_p / counts.predicted if counts.predicted else 0.0
        r = hits_r / counts.gold if counts.gold else 0.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        return {"precision": p, "recall": r, "f1": f}

    return Scores(
        prf(counts.strict_hits_p, counts.strict_hits_r), prf(counts.lax_hits_p, counts.lax_hits_r)
    )
