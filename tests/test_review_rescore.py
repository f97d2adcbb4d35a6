"""Reviewed rows are rescored with the translation's rules (toolkit/review/rescore.py).

The yardstick is the pipeline itself: a text typed in by a reviewer must get the score, status
and signals that `translate` gives the same text coming out of an engine (one that reports no
confidence, since a person's text has none).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import polars as pl

from tests.reviewdata import MISSING_FORM, make_stored_doc
from toolkit import documents, store
from toolkit.engines.base import EngineInfo, Hypothesis
from toolkit.review.changes import ReviewChange, update_store
from toolkit.translate import TranslateOptions, translate_document

EN = [
    "The ministry opened the new school in 2023.",
    "About 120 teachers work there today.",
    "The minister thanked the parents for their help.",
]
GOOD_VI = [
    "Bộ đã khánh thành ngôi trường mới vào năm 2023.",
    "Hiện có khoảng 120 giáo viên làm việc ở đó.",
    "Bộ trưởng cảm ơn các bậc phụ huynh đã giúp đỡ.",
]


class TableEngine:
    """Translates by a fixed table; `confident` engines report a log-probability."""

    def __init__(self, table: dict[str, str], test_model: bool, logprob: float | None) -> None:
        self.table, self.logprob = table, logprob
        self.info = EngineInfo("table", "sentences", test_model=test_model)

    def translate(self, texts: Sequence[str], src: str, tgt: str, constraints=None, progress=None):
        return [Hypothesis(self.table[t], logprob=self.logprob) for t in texts]


def _translate(engine: TableEngine, out: Path, doc_id: str) -> pl.DataFrame:
    doc = documents.from_text("\n\n".join(EN))
    options = TranslateOptions("en", ["vi"], doc_id, out_dir=out, use_tm=False)
    return translate_document(doc, options, engine, write=False).frame.sort("seg_id")


def _row(path: Path, seg_id: int, tgt: str = "vi") -> dict:
    frame = pl.read_parquet(path)
    return frame.filter((pl.col("seg_id") == seg_id) & (pl.col("tgt_lang") == tgt)).to_dicts()[0]


def test_an_edit_scores_what_translating_to_that_text_scores(tmp_path):
    bad = TableEngine({e: e for e in EN}, test_model=True, logprob=-0.2)  # copies the source
    frame = _translate(bad, tmp_path / "a", "school")
    path = store.write_frame(frame, store.doc_path(tmp_path / "a", "school"))
    before = _row(path, 1)
    assert before["status"] == "bad" and "copy" in before["signals"]["flags"]

    update_store(path, [ReviewChange(1, "vi", tgt_text=GOOD_VI[1])])
    edited = _row(path, 1)
    good = TableEngine(dict(zip(EN, GOOD_VI, strict=True)), test_model=False, logprob=None)
    expected = _translate(good, tmp_path / "b", "school").row(1, named=True)
    assert edited["review"] == "edited" and edited["tgt_text"] == GOOD_VI[1]
    assert (edited["score"], edited["status"]) == (expected["score"], expected["status"])
    assert edited["signals"] == expected["signals"]  # every signal, adequacy included
    assert "test_model" not in edited["signals"]["flags"]  # a person's text, not the model's
    assert _row(path, 0) == _row(store.write_frame(frame, tmp_path / "c.parquet"), 0)  # untouched

    # back to a copy of the source (approved at once): bad again, by the same rules
    update_store(path, [ReviewChange(1, "vi", review="approved", tgt_text=EN[1])])
    again = _row(path, 1)
    assert again["review"] == "approved" and again["status"] == "bad"
    assert "copy" in again["signals"]["flags"] and again["score"] <= 0.25


def test_approving_the_machine_text_keeps_its_score(tmp_path):
    engine = TableEngine(dict(zip(EN, GOOD_VI, strict=True)), test_model=False, logprob=-0.3)
    frame = _translate(engine, tmp_path, "school")
    path = store.write_frame(frame, store.doc_path(tmp_path, "school"))
    before = _row(path, 2)
    update_store(path, [ReviewChange(2, "vi", review="approved")])
    after = _row(path, 2)
    assert after["review"] == "approved"
    assert (after["score"], after["status"], after["signals"]) == (
        before["score"],
        before["status"],
        before["signals"],
    )
    assert after["signals"]["logprob"] == -0.3  # the engine's confidence still describes it


def test_an_edit_that_adds_the_missing_term_clears_the_flag_on_the_page(fake_engine, tmp_path):
    from toolkit.review.server import ReviewApp

    path = make_stored_doc(fake_engine, tmp_path / "aligned")
    app = ReviewApp(path)
    row = next(r for r in app.document()["rows"] if (r["seg_id"], r["tgt_lang"]) == (1, "km"))
    place = next(t["tgt"] for t in row["terms"] if t["term_id"] == "vte")
    text = f"{MISSING_FORM} សូមស្វាគមន៍ប្រតិភូទាំងអស់មកកាន់ {place}។"
    body = {"seg_id": 1, "tgt_lang": "km", "action": "edit", "text": text}
    shown = app.review({**body, "version": row["version"]})["row"]
    stored = _row(path, 1, "km")
    assert [t["found"] for t in stored["terms"]] == [True, True]
    assert "missing_term" not in stored["signals"]["flags"]
    assert "test_model" not in stored["signals"]["flags"]
    assert shown["flags"] == stored["signals"]["flags"] and shown["score"] == stored["score"]
    assert shown["status"] == stored["status"]
