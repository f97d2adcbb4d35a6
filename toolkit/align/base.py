"""Sentence alignment: the result types and the interfaces aligners and scorers implement.

An aligner sees numbers, not models: a `GroupScorer` answers "how good is the group of source
sentences [i-a, i) with target sentences [j-b, j)" for a row of candidate ends j, and the
dynamic programme in `dp.py` searches the best chain of groups. Where the numbers come from
(an MT-vs-target character n-gram similarity, plain lengths for Gale-Church) is the scorer's
business.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol

import numpy as np

from toolkit.errors import UsageError

Group = tuple[int, int]  # (source sentences, target sentences) in one alignment group

# The list of group shapes; any (a, b) with a + b >= 1 works.
BASIC_GROUPS: tuple[Group, ...] = ((0, 1), (1, 0), (1, 1), (1, 2), (2, 1), (2, 2), (1, 3), (3, 1))
# The default adds every other shape with at most 6 sentences (2-3, 3-2, 1-4, 4-1, then 1-5, 5-1,
# 2-4, 4-2, 3-3): Text+Berg has such groups; on its dev document the 5-sentence shapes raised
# strict F1 by ~0.03 and the 6-sentence ones by another ~0.01 (bench/README.md).
DEFAULT_GROUPS: tuple[Group, ...] = (
    *BASIC_GROUPS,
    *((2, 3), (3, 2), (1, 4), (4, 1)),
    *((1, 5), (5, 1), (2, 4), (4, 2), (3, 3)),
)


@dataclass(frozen=True)
class AlignedGroup:
    """One alignment bead: 0-based source and target sentence ids and a score in [0, 1]."""

    src: tuple[int, ...]
    tgt: tuple[int, ...]
    score: float = 0.0


@dataclass
class Alignment:
    """A complete, monotone alignment of two sentence sequences."""

    groups: list[AlignedGroup]
    n_src: int
    n_tgt: int
    info: dict[str, float] = field(default_factory=dict)

    def pairs(self) -> list[tuple[list[int], list[int]]]:
        return [(list(g.src), list(g.tgt)) for g in self.groups]


class GroupScorer(Protocol):
    """Scores of candidate groups, a row at a time (vectorised over target ends)."""

    n_src: int
    n_tgt: int

    def row(self, i: int, a: int, b: int, js: np.ndarray) -> np.ndarray:
        """Score of the group source [i-a, i) x target [j-b, j) for each j in `js`.

        Callers guarantee i >= a and js >= b. Higher is better; -inf forbids the group.
        """
        ...


class Aligner(Protocol):
    """Aligns a source document (given as its MT into the target language) with a target."""

    def align(
        self,
        src_mt: Sequence[str],
        tgt: Sequence[str],
        src_paras: Sequence[int] | None = None,
        tgt_paras: Sequence[int] | None = None,
    ) -> Alignment:
        """`src_paras`/`tgt_paras`: paragraph id per sentence, used as anchors when given."""
        ...


def parse_groups(spec: str) -> tuple[Group, ...]:
    """'0-1,1-0,1-1,1-2' -> ((0, 1), (1, 0), (1, 1), (1, 2)); both 1-0 and 0-1 are required."""
    groups: list[Group] = []
    for part in spec.split(","):
        part = part.strip()
        if not part:
            continue
        try:
            a_text, b_text = part.split("-")
            a, b = int(a_text), int(b_text)
        except ValueError:
            raise UsageError(f"group '{part}': write groups as A-B, e.g. 1-2") from None
        if a < 0 or b < 0 or a + b == 0 or a > 6 or b > 6:
            raise UsageError(f"group '{part}': sizes must be 0-6 and not both 0")
        if (a, b) not in groups:
            groups.append((a, b))
    if (0, 1) not in groups or (1, 0) not in groups:
        raise UsageError("groups must include 0-1 and 1-0 so every sentence can be placed")
    return tuple(groups)
