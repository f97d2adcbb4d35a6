"""Issue 15: an output that stops at the model's length limit is flagged, never silently cut."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from toolkit import documents
from toolkit.engines import load_engine
from toolkit.engines.base import AT_LIMIT
from toolkit.translate import TranslateOptions, translate_document

TEXTS = ["The Ministry of Justice thanks you.", "We will meet again next year."]


@pytest.fixture(scope="module")
def cut_engine(tiny_model: Path):
    """The tiny model made to stop at 6 tokens: it never reaches its end token."""
    return load_engine(
        "transformers", str(tiny_model), beam_size=1, device="cpu", fixed_new_tokens=6
    )


def test_transformers_marks_outputs_that_hit_the_limit(cut_engine):
    hyps = cut_engine.translate(TEXTS, "en", "km")
    assert all(h.extra.get(AT_LIMIT) == 1.0 for h in hyps)


def test_ctranslate2_marks_outputs_that_hit_the_limit(tiny_model: Path, tmp_path: Path):
    pytest.importorskip("ctranslate2")
    from toolkit.engines.convert import convert_model
    from toolkit.models import resolve

    folder = convert_model(resolve(str(tiny_model)), tmp_path / "ct2", "float32")
    engine = load_engine(
        "ctranslate2", str(folder), beam_size=1, device="cpu", threads=1, fixed_new_tokens=6
    )
    hyps = engine.translate(TEXTS, "en", "km")
    assert all(h.extra.get(AT_LIMIT) == 1.0 for h in hyps)


def test_cut_outputs_are_flagged_for_review_in_the_store(cut_engine, tmp_path: Path):
    doc = documents.from_text("\n\n".join(TEXTS) + "\n")
    result = translate_document(
        doc, TranslateOptions("en", ["km"], "cut", tmp_path, use_tm=False), cut_engine
    )
    frame = pl.read_parquet(result.path)
    assert all("output_limit" in s["flags"] for s in frame["signals"].to_list())
    assert set(frame["status"].to_list()) <= {"review", "bad"}
