"""Issue 20: the pipeline is the library's; a library caller gets what `mekong translate` does.

Preflight (a glossary term the model cannot produce fails before any translation) and the
document lock (a second writer is refused) are in `translate_document` itself; translate,
align and carried rows come from one row builder; one rule decides review status.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from tests.fakes import FakeEngine
from toolkit import documents, store
from toolkit.errors import GlossaryError, StoreError
from toolkit.files import exclusive
from toolkit.glossary import load_glossary
from toolkit.pipeline import status
from toolkit.pipeline.align import AlignOptions, align_documents
from toolkit.quality.base import QualityResult
from toolkit.store import rows
from toolkit.translate import TranslateOptions, translate_document

TEXT = "Excellencies,\n\nThe Ministry of Justice thanks you.\n\nThank you!\n"
VI = "Thưa quý vị,\n\nBộ Tư pháp cảm ơn quý vị.\n\nXin cảm ơn!\n"


class _Tokenizer:
    """Enough of a Hugging Face tokenizer for the preflight: 'ŋ' is outside its vocabulary."""

    unk_token_id = 0

    def __call__(self, text: str, add_special_tokens: bool = False) -> dict[str, list[int]]:
        return {"input_ids": [0 if ch == "ŋ" else ord(ch) for ch in text]}

    def decode(self, ids: list[int], skip_special_tokens: bool = True) -> str:
        return "".join(chr(i) for i in ids if i)


class TokenizingEngine(FakeEngine):
    """A fake engine with a tokenizer, so the glossary preflight has something to check."""

    def __init__(self) -> None:
        super().__init__()
        self.tokenizer = _Tokenizer()


def _glossary(tmp_path: Path, vi: str) -> object:
    path = tmp_path / "terms.tsv"
    header = "id\ttype\ten\tvi\tstatus\tsource"
    path.write_text(f"{header}\nmoj\tinstitution\tMinistry of Justice\t{vi}\tproposed\ts\n")
    return load_glossary(path)


def test_library_caller_gets_the_glossary_preflight(tmp_path):
    engine = TokenizingEngine()
    options = TranslateOptions("en", ["vi"], "d", tmp_path / "aligned", adequacy=False)
    options.glossary = _glossary(tmp_path, "Bộ Tư pháp ŋ")
    with pytest.raises(GlossaryError, match=r"terms.tsv:2: term 'Bộ Tư pháp ŋ' .* cannot be"):
        translate_document(documents.from_text(TEXT), options, engine)
    assert engine.calls == []  # refused before any translation
    assert not store.doc_path(options.out_dir, "d").exists()
    options.glossary = _glossary(tmp_path, "Bộ Tư pháp")  # an encodable term goes through
    result = translate_document(documents.from_text(TEXT), options, engine)
    assert engine.calls and result.stats["targets"]["vi"]["terms_found"] == 1


def test_library_translate_is_refused_while_another_writer_holds_the_document(tmp_path):
    engine = FakeEngine()
    options = TranslateOptions("en", ["km"], "d", tmp_path, adequacy=False)
    target = store.doc_path(tmp_path, "d")
    with exclusive(target), pytest.raises(StoreError, match="another mekong process"):
        translate_document(documents.from_text(TEXT), options, engine)
    assert engine.calls == [] and not target.exists()


def test_align_writes_under_the_same_lock(tmp_path):
    options = AlignOptions("en", "vi", "d", tmp_path)
    src, tgt = documents.from_text(TEXT), documents.from_text(VI)
    mt = ["Thưa quý vị,", "Bộ Tư pháp cảm ơn quý vị.", "Xin cảm ơn!"]
    target = store.doc_path(tmp_path, "d")
    with exclusive(target), pytest.raises(StoreError, match="another mekong process"):
        align_documents(src, tgt, options, src_mt=mt)
    assert not target.exists()
    assert align_documents(src, tgt, options, src_mt=mt).path == target


def test_translate_align_and_carried_rows_come_from_one_builder(tmp_path, monkeypatch):
    built: list[dict] = []
    inner = rows.build_row

    def spy(place: rows.Placement, content: rows.Content) -> dict:
        built.append(row := inner(place, content))
        return row

    monkeypatch.setattr(rows, "build_row", spy)
    engine = FakeEngine()
    options = TranslateOptions("en", ["vi"], "t", tmp_path, adequacy=False, use_tm=False)
    first = translate_document(documents.from_text(TEXT), options, engine)
    frame = first.frame.with_columns(review=pl.lit("approved"))
    store.write_frame(frame, first.path)
    moved = documents.from_text("Good morning.\n\n" + TEXT)  # every old row moves down by one
    again = translate_document(moved, options, engine)
    assert (again.frame["review"] == "approved").sum() == first.frame.height
    aligned = align_documents(
        documents.from_text(TEXT),
        documents.from_text(VI),
        AlignOptions("en", "vi", "a", tmp_path),
        src_mt=["a", "b", "c"],
    )
    origins = [row["origin"] for row in built]
    n_first, n_again = first.frame.height, again.frame.height
    assert len(built) == n_first + n_again + aligned.frame.height  # carried rows included
    assert set(origins) == {"mt", "aligned"}
    assert len({tuple(row) for row in built}) == 1  # the same keys, in the same order
    stamps = {"source_path", "source_sha256"}  # translate's only: which file it translated
    assert [c for c in again.frame.columns if c not in stamps] == aligned.frame.columns


def _q(flags: list[str], status_: str = "ok", score: float = 0.9) -> QualityResult:
    return QualityResult(score, status_, {"flags": flags}, flags)


@pytest.mark.parametrize(
    ("facts", "flags", "want"),
    [
        (status.ReviewFacts("en", "en"), [], "ok"),
        (status.ReviewFacts("en", "en", tm_match=0.9), ["tm_fuzzy"], "review"),
        (status.ReviewFacts("en", "en", tm_match=1.0, split=True), [], "ok"),
        (status.ReviewFacts("en", "fr"), ["source_fr"], "review"),
        (status.ReviewFacts("en", "vi", kept_as_written=True), ["kept_as_written"], "review"),
        (status.ReviewFacts("en", "en", split=True, at_limit=True), None, "review"),
        (status.ReviewFacts("en", "en", align_score=0.1), ["low_align_score"], "review"),
        (status.ReviewFacts("en", "en", align_score=0.1, one_sided=True), ["unaligned"], "review"),
        (status.ReviewFacts("en", "en", align_score=0.8), [], "ok"),
    ],
)
def test_one_rule_decides_review_status(facts, flags, want):
    q = _q([])
    status.decide_review(q, facts)
    assert q.status == want
    if flags is not None:
        assert q.flags == flags and q.signals["flags"] == flags
    else:
        assert q.flags == ["long_input_split", "output_limit"]
    if want == "review" and facts.align_score is None:
        assert q.score <= 0.59
    if facts.align_score is not None:
        assert q.score == facts.align_score


def test_kept_as_written_drops_copy_so_bad_becomes_review():
    q = _q(["copy"], "bad", 0.2)
    status.decide_review(q, status.ReviewFacts("en", "vi", kept_as_written=True))
    assert (q.status, q.flags) == ("review", ["kept_as_written"])


def test_translate_align_and_rescore_all_ask_the_one_rule(tmp_path, monkeypatch):
    from toolkit.review.rescore import rescore_row

    asked: list[status.ReviewFacts] = []
    inner = status.decide_review
    monkeypatch.setattr(status, "decide_review", lambda q, f: (asked.append(f), inner(q, f)))
    options = TranslateOptions("en", ["vi"], "t", tmp_path, adequacy=False, use_tm=False)
    result = translate_document(documents.from_text(TEXT), options, FakeEngine(), write=False)
    n = result.frame.height
    assert len(asked) == n
    align_documents(
        documents.from_text(TEXT),
        documents.from_text(VI),
        AlignOptions("en", "vi", "a", tmp_path),
        src_mt=["a", "b", "c"],
        write=False,
    )
    assert len(asked) > n and asked[-1].align_score is not None
    before = len(asked)
    texts = result.frame["tgt_text"].to_list()
    rescore_row(result.frame, texts, 0, [], machine=True)
    assert len(asked) == before + 1
