"""Issue 15: a segment longer than the model's input limit is split and joined, never cut."""

from __future__ import annotations

import unicodedata

import polars as pl
import pytest

from tests.fakes import FakeEngine
from toolkit import documents
from toolkit.long_input import TokenBudget, budget_for, join_pieces, split_to_fit
from toolkit.translate import TranslateOptions, translate_document


def _words(limit: int) -> TokenBudget:
    return TokenBudget(lambda text: len(text.split()), limit)


def _chars(limit: int) -> TokenBudget:
    return TokenBudget(len, limit)


def test_a_text_that_fits_is_one_piece():
    assert split_to_fit("A short sentence.", _words(10)) == ["A short sentence."]


def test_sentence_ends_win_over_commas_and_spaces():
    text = "One two three, four five. Six seven, eight nine ten."
    expected = ["One two three, four five.", "Six seven, eight nine ten."]
    assert split_to_fit(text, _words(6)) == expected


def test_clause_marks_win_over_plain_spaces():
    text = "alpha beta gamma delta, epsilon zeta eta theta"
    assert split_to_fit(text, _words(5)) == ["alpha beta gamma delta,", "epsilon zeta eta theta"]


def test_every_piece_fits_and_nothing_is_lost():
    text = " ".join(f"word{i}" for i in range(1000))
    pieces = split_to_fit(text, _words(37))
    assert all(len(p.split()) <= 37 for p in pieces)
    assert join_pieces(pieces) == text


@pytest.mark.parametrize(
    "text",
    [
        "ព្រះរាជាណាចក្រកម្ពុជាជាតិសាសនាព្រះមហាក្សត្រ" * 6,  # Khmer, no spaces
        "ประเทศไทยมีพระมหากษัตริย์เป็นประมุข" * 6,  # Thai, no spaces
        "ສາທາລະນະລັດປະຊາທິປະໄຕປະຊາຊົນລາວ" * 6,  # Lao, no spaces
    ],
)
def test_unspaced_scripts_are_cut_between_letters_not_inside_clusters(text):
    pieces = split_to_fit(text, _chars(40))
    assert "".join(pieces) == text
    for piece in pieces[1:]:
        assert not unicodedata.category(piece[0]).startswith("M")
        assert piece[0] != "\u17d2"  # a Khmer coeng starts no piece
    assert all(len(p) <= 40 for p in pieces)


def test_the_budget_is_half_the_engines_input_limit(tiny_engine):
    budget = budget_for(tiny_engine)
    assert budget is not None
    assert budget.max_tokens == tiny_engine.max_length // 2
    assert budget.count("Hello world.") == len(tiny_engine.tokenizer("Hello world.").input_ids)


class _Spy:
    """The tiny engine's tokenizer and input limit over the fast fake engine, recording the
    longest input it was given (in the tiny model's tokens)."""

    def __init__(self, engine):
        self._engine = FakeEngine()
        self.info = self._engine.info
        self.tokenizer = engine.tokenizer
        self.max_length = engine.max_length
        self.longest = 0

    def translate(self, texts, src, tgt, constraints=None, progress=None):
        for text in texts:
            self.longest = max(self.longest, len(self.tokenizer(text).input_ids))
        return self._engine.translate(texts, src, tgt, constraints, progress)


def test_a_huge_segment_is_translated_in_pieces_and_flagged(tiny_engine, tmp_path):
    clauses = [f"the committee met in session number {i} and heard the report" for i in range(120)]
    huge = ", ".join(clauses) + "."
    spy = _Spy(tiny_engine)
    assert spy.tokenizer(huge).input_ids.__len__() > spy.max_length
    doc = documents.from_text("Good morning.\n\n" + huge + "\n")
    result = translate_document(
        doc, TranslateOptions("en", ["km"], "long", tmp_path, use_tm=False, adequacy=False), spy
    )
    assert 0 < spy.longest <= spy.max_length // 2
    frame = pl.read_parquet(result.path).sort("seg_id")
    assert frame.height == 2
    long_row = frame.row(1, named=True)
    assert long_row["src_text"] == huge  # the row keeps the whole segment
    assert "long_input_split" in long_row["signals"]["flags"]
    assert long_row["status"] != "ok"
    assert "long_input_split" not in frame.row(0, named=True)["signals"]["flags"]
