"""The n-gram mode's member-weighted size (`DpConfig.member_size`): a short line that shares
nothing with its neighbours (an OCR remnant, as in scanned yearbooks) is left as a 0-1 group
instead of being absorbed into the group before it, while real 1-2 and 2-1 groups stay merged.
A small German-French document written for Mekong: a French MT of the German, and a published
French translation."""

from __future__ import annotations

import numpy as np

from toolkit.align import DpAligner, DpConfig
from toolkit.align.similarity import NgramSimilarity

MT = [
    "Le comité a présenté hier son rapport annuel sur les glaciers des Alpes.",
    "Le glacier du Rhône a reculé de quarante mètres en une seule année, et la langue du "
    "glacier d'Aletsch s'est amincie de six mètres.",
    "Les chercheurs ont mesuré la neige sur vingt sommets au printemps.",
    "Une nouvelle station météo sera installée au col du Grimsel.",
    "Le rapport complet peut être commandé au secrétariat.",
    "La prochaine réunion aura lieu à Berne en octobre.",
    "La cabane du Hörnli sera fermée en juin.",
    "Les travaux de rénovation dureront deux mois.",
]
TARGET = [
    "Hier, le comité a présenté son rapport annuel consacré aux glaciers alpins.",
    "En une seule année, le glacier du Rhône a reculé de quarante mètres.",
    "La langue du glacier d'Aletsch s'est amincie de six mètres.",
    "Au printemps, les chercheurs ont mesuré la neige sur vingt sommets.",
    "12 - Photo K. Z.",
    "Une nouvelle station météorologique sera installée au col du Grimsel.",
    "Le rapport complet peut être commandé auprès du secrétariat.",
    "x * ;",
    "La prochaine séance aura lieu à Berne au mois d'octobre.",
    "En juin, la cabane du Hörnli fermera pour des travaux de rénovation de deux mois.",
]
GOLD = [
    ([0], [0]),
    ([1], [1, 2]),  # 1-2
    ([2], [3]),
    ([], [4]),  # a photo caption
    ([3], [5]),
    ([4], [6]),
    ([], [7]),  # OCR remnant next to a real sentence
    ([5], [8]),
    ([6, 7], [9]),  # 2-1
]


def test_unrelated_line_is_skipped_and_real_groups_stay_merged():
    assert DpAligner(DpConfig()).align(MT, TARGET).pairs() == GOLD


def test_without_member_size_the_remnant_is_absorbed():
    pairs = DpAligner(DpConfig(member_size=0.0)).align(MT, TARGET).pairs()
    assert ([4], [6, 7]) in pairs
    assert ([], [7]) not in pairs


def test_member_cosines_are_those_of_each_sentence_with_the_other_group():
    sim = NgramSimilarity(MT, TARGET)
    js = np.arange(3, 8)
    src_cos, tgt_cos = sim.member_cos(8, 2, 2, js)
    x1, y1 = sim._src_group(1), sim._tgt_group(1)
    for col, j in enumerate(js):
        tgt_group = sim._tgt_group(2)[j - 1]
        assert np.allclose(src_cos[:, col], x1[6:8] @ tgt_group, atol=1e-5)
        assert np.allclose(tgt_cos[:, col], y1[j - 2 : j] @ sim._src_group(2)[7], atol=1e-5)
    assert sim.member_cos(7, 1, 1, js) == (None, None)
