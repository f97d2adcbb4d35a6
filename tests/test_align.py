"""The aligner: hand-made gold recovered, complete monotone output, bands, paragraphs, formats."""

from __future__ import annotations

import random

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from test_align_samples import GOLD, MT_EN, SOURCE_VI, TARGET_EN

from toolkit.align import DpAligner, DpConfig, GaleChurchAligner, parse_groups
from toolkit.align.band import banded_dp, diagonal_band
from toolkit.align.base import AlignedGroup
from toolkit.align.io import format_lines, parse_line, read_alignment
from toolkit.align.metrics import count, scores
from toolkit.align.similarity import NgramSimilarity, chrf
from toolkit.errors import InputError, UsageError


def f1(predicted, gold=GOLD):  # noqa: ANN001, ANN201
    return scores(count(predicted, gold))


def test_recovers_hand_made_gold_with_merge_split_and_deletion():
    result = DpAligner().align(MT_EN, TARGET_EN)
    assert result.pairs() == [(s, t) for s, t in GOLD]
    for group in result.groups:
        assert 0.0 <= group.score <= 1.0
        assert (group.score == 0.0) == (not group.src or not group.tgt)


def test_beats_length_only_baseline_on_the_sample():
    ours = f1(DpAligner().align(MT_EN, TARGET_EN).pairs())
    baseline = f1(GaleChurchAligner().align(SOURCE_VI, TARGET_EN).pairs())
    assert ours.strict["f1"] == 1.0
    assert baseline.strict["f1"] < ours.strict["f1"]


def assert_complete(result, n, m):  # noqa: ANN001
    src = [i for g in result.groups for i in g.src]
    tgt = [j for g in result.groups for j in g.tgt]
    assert src == list(range(n)) and tgt == list(range(m))
    assert all(g.src or g.tgt for g in result.groups)


@settings(max_examples=25, deadline=None)
@given(
    st.lists(st.text(alphabet="abcde .", min_size=0, max_size=30), min_size=1, max_size=12),
    st.lists(st.text(alphabet="abcde .", min_size=0, max_size=30), min_size=1, max_size=12),
)
def test_any_input_gives_a_complete_monotone_alignment(src, tgt):
    assert_complete(DpAligner().align(src, tgt), len(src), len(tgt))
    assert_complete(GaleChurchAligner().align(src, tgt), len(src), len(tgt))


def test_empty_side():
    result = DpAligner().align([], ["a", "b"])
    assert result.pairs() == [([], [0]), ([], [1])]


def test_long_shifted_document_is_found_outside_the_diagonal():
    """300 extra target sentences up front: the first pass's band must still reach them."""
    rng = random.Random(3)
    words = ["".join(rng.choice("abcdefghij") for _ in range(6)) for _ in range(500)]
    src = [" ".join(rng.choice(words) for _ in range(10)) for _ in range(200)]
    junk = [" ".join(rng.choice(words) for _ in range(10)) for _ in range(300)]
    result = DpAligner().align(src, junk + src)
    one_to_one = [(g.src, g.tgt) for g in result.groups if g.src and g.tgt]
    assert one_to_one == [((i,), (i + 300,)) for i in range(200)]


def test_paragraphs_anchor_sentences():
    """Paragraphs are aligned first; no sentence group then crosses an aligned paragraph."""
    src = [*MT_EN[:5], *MT_EN[5:]]
    src_paras = [0] * 5 + [1] * 7
    tgt_paras = [0] * 4 + [1] * 7
    anchored = DpAligner().align(src, TARGET_EN, src_paras, tgt_paras)
    assert anchored.info["paragraph_blocks"] == 2
    assert anchored.pairs() == [(s, t) for s, t in GOLD]
    shifted = [0] * 3 + [1] * 8  # the target's paragraph break one sentence too early
    anchored = DpAligner().align(src, TARGET_EN, src_paras, shifted)
    assert_complete(anchored, len(src), len(TARGET_EN))
    for group in anchored.groups:
        if group.src and group.tgt:
            assert len({src_paras[i] for i in group.src} | {shifted[j] for j in group.tgt}) == 1


def test_group_shapes_are_configurable():
    only_one_to_one = DpConfig(groups=parse_groups("0-1,1-0,1-1"))
    result = DpAligner(only_one_to_one).align(MT_EN, TARGET_EN)
    assert all(len(g.src) <= 1 and len(g.tgt) <= 1 for g in result.groups)
    assert_complete(result, len(MT_EN), len(TARGET_EN))
    with pytest.raises(UsageError, match="0-1 and 1-0"):
        parse_groups("1-1,1-2")
    with pytest.raises(UsageError, match="A-B"):
        parse_groups("1:1")


def test_banded_dp_matches_full_search_when_band_is_wide():
    sim = NgramSimilarity(MT_EN, TARGET_EN)
    from toolkit.align.dp import MtScorer

    scorer = MtScorer(sim, DpConfig())
    n, m = len(MT_EN), len(TARGET_EN)
    wide = banded_dp(scorer, DpConfig().groups, *diagonal_band(n, m, 100))
    lo = np.zeros(n + 1, dtype=np.int64)
    hi = np.full(n + 1, m, dtype=np.int64)
    assert banded_dp(scorer, DpConfig().groups, lo, hi) == wide


def test_similarity_prefers_the_translation():
    sim = NgramSimilarity(MT_EN, TARGET_EN)
    matrix = sim.sim_block(0, len(MT_EN), 0, len(TARGET_EN))
    assert matrix[2].argmax() == 2 and matrix[9].argmax() == 8
    assert chrf("Thank you.", "Thank you.") == 1.0
    assert chrf("Thank you.", "Thanks a lot.") < chrf("Thank you.", "Thank you!")


def test_line_format_round_trip(tmp_path):
    groups = [AlignedGroup((0,), (0,), 0.8), AlignedGroup((1, 2), (), 0.0), AlignedGroup((), (1,))]
    text = format_lines(groups, with_score=True)
    assert text.splitlines()[1] == "[1, 2]:[]:0.0000"
    path = tmp_path / "a.txt"
    path.write_text(text + "\n", encoding="utf-8")
    back = [(g.src, g.tgt) for g in read_alignment(path)]
    assert back == [((0,), (0,)), ((1, 2), ()), ((), (1,))]
    assert parse_line("[3]:[4, 5]").tgt == (4, 5)
    with pytest.raises(InputError, match="not an alignment line"):
        parse_line("3 -> 4")


def test_metrics_strict_and_lax():
    gold = [([0], [0]), ([1, 2], [1]), ([], [2])]
    exact = f1(gold, gold)
    assert exact.strict["f1"] == exact.lax["f1"] == 1.0
    split = [([0], [0]), ([1], [1]), ([2], []), ([], [2])]
    result = f1(split, gold)
    # precision: [0]:[0] strict; [1]:[1] lax only; [2]:[] miss; []:[2] strict (deletion in gold)
    assert result.strict["precision"] == pytest.approx(2 / 4)
    assert result.lax["precision"] == pytest.approx(3 / 4)
    # recall ignores groups with an empty side: gold [0]:[0] found, [1,2]:[1] only laxly
    assert result.strict["recall"] == pytest.approx(1 / 2)
    assert result.lax["recall"] == 1.0
