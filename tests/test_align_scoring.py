"""Scoring choices of the aligner: centred n-gram vectors and the group-size weight."""

from __future__ import annotations

import numpy as np

from toolkit.align import DpAligner, DpConfig
from toolkit.align.similarity import NgramConfig, NgramSimilarity, remove_common, vectorise

# A sentence boundary that falls at different places on the two sides (a 2-2 group).
MT = [
    "The minister opened the new bridge across the river on Monday morning.",
    "Farmers in the northern provinces expect a good rice harvest this year because the rains "
    "came early",
    "and the irrigation canals were repaired in spring.",
    "Schools will receive new textbooks before the start of the academic year.",
    "The delegation thanked the hosts for their warm welcome.",
]
TGT = [
    "On Monday morning the minister opened the new bridge over the river.",
    "Farmers in the northern provinces expect a good rice harvest this year",
    "because the rains came early and the irrigation canals were repaired in the spring.",
    "Before the academic year starts, schools will get new textbooks.",
    "The delegation thanked its hosts for the warm welcome.",
]


def test_shifted_boundary_is_one_two_to_two_group():
    pairs = DpAligner().align(MT, TGT).pairs()
    assert ([1, 2], [1, 2]) in pairs
    assert pairs[0] == ([0], [0]) and pairs[-1] == ([4], [4])
    # one score per group (no size weight) prefers two 1-1 groups here
    split = DpAligner(DpConfig(size_weight=0.0)).align(MT, TGT).pairs()
    assert ([1], [1]) in split and ([2], [2]) in split


def test_remove_common_drops_the_shared_direction():
    x, y = vectorise(MT, TGT)
    rows = np.concatenate([x, y])
    centred = remove_common(rows)
    unit = rows / np.linalg.norm(rows, axis=1, keepdims=True)
    direction = unit.mean(axis=0) / np.linalg.norm(unit.mean(axis=0))
    assert np.abs(centred @ direction).max() < 1e-3 * np.abs(rows @ direction).max()

    def cos(a: np.ndarray, b: np.ndarray) -> float:
        return float(a @ b / np.linalg.norm(a) / np.linalg.norm(b))

    n = len(MT)
    unrelated_before = cos(rows[3], rows[n + 4])  # textbooks vs delegation
    unrelated_after = cos(centred[3], centred[n + 4])
    assert unrelated_after < unrelated_before
    # a translation pair keeps most of its similarity
    assert cos(centred[0], centred[n]) > 2 * unrelated_after


def test_reported_score_is_the_plain_cosine_whatever_the_centring():
    centred = DpAligner().align(MT, TGT)
    plain = DpAligner(DpConfig(ngram=NgramConfig(center=False), size_weight=0.5)).align(MT, TGT)
    x, y = vectorise(MT, TGT)
    by_ids = {(g.src, g.tgt): g.score for g in plain.groups}
    for group in centred.groups:
        a = x[list(group.src)].sum(axis=0)
        b = y[list(group.tgt)].sum(axis=0)
        expected = float(a @ b / np.linalg.norm(a) / np.linalg.norm(b))
        assert abs(group.score - round(expected, 4)) < 1e-3
        if (group.src, group.tgt) in by_ids:
            assert abs(group.score - by_ids[(group.src, group.tgt)]) < 1e-3
    sim = NgramSimilarity(MT, TGT)
    assert abs(sim.plain(0, 1, 0, 1) - centred.groups[0].score) < 1e-3
