"""Translation memory: exact and fuzzy reuse of aligned or approved translations."""

from __future__ import annotations

import unicodedata
from datetime import UTC, datetime
from pathlib import Path

import polars as pl
import pytest
from test_align_samples import MT_EN, SOURCE_VI, TARGET_EN

from toolkit import store
from toolkit.tm import TmEntry, TranslationMemory, match_key


def memory_with(*pairs: tuple[str, str]) -> TranslationMemory:
    memory = TranslationMemory("en")
    for src, tgt in pairs:
        memory.add("km", TmEntry(src, tgt, "old", "aligned", "new"))
    return memory


def test_exact_match_after_normalisation():
    memory = memory_with(("Thank you for coming.", "TGT-1"))
    for variant in ("thank  you for\u200b coming.", " THANK YOU FOR COMING. "):
        found = memory.lookup(variant, "km")
        assert found is not None and found.score == 1.0 and found.entry.tgt_text == "TGT-1"
    assert memory.lookup("Thank you for coming.", "th") is None  # other target language
    decomposed = unicodedata.normalize("NFD", "Cảm ơn quý vị.")
    assert match_key(decomposed) == match_key("Cảm ơn quý vị.")


def test_fuzzy_match_threshold_and_numbers():
    memory = memory_with(
        ("On behalf of the Ministry of Justice, I welcome you to this workshop.", "TGT-W"),
        ("In 2024, the courts handled 37 requests from our partners.", "TGT-N"),
    )
    changed = "On behalf of the Ministry of Justice, I welcome you to this seminar."
    close = memory.lookup(changed, "km")
    assert close is not None and 0.85 <= close.score < 1.0 and close.entry.tgt_text == "TGT-W"
    assert memory.lookup("On behalf of the government, I thank you all for coming.", "km") is None
    # one changed figure is a near-perfect string match, but must not reuse last year's number
    assert memory.lookup("In 2025, the courts handled 37 requests from our partners.", "km") is None


def _row(doc_id: str, src: str, tgt: str, origin: str, review: str, seg_id: int = 0) -> dict:
    return {
        "doc_id": doc_id, "seg_id": seg_id, "para_id": 0, "src_lang": "en", "tgt_lang": "km",
        "src_text": src, "tgt_text": tgt, "src_ids": [seg_id], "tgt_ids": [seg_id],
        "origin": origin, "engine": "x", "glossary_version": "", "terms": [], "score": 0.9,
        "status": "ok", "review": review, "created_at": datetime.now(UTC),
        "signals": {"tm_match": None, "align_score": None},
    }  # fmt: skip


def test_load_keeps_only_reviewed_or_aligned_rows_of_other_documents(tmp_path):
    rows = [
        _row("a", "Approved line.", "A1", "mt", "approved"),
        _row("a", "Edited line.", "A2", "mt", "edited", 1),
        _row("a", "Unreviewed machine line.", "A3", "mt", "new", 2),
        _row("a", "Aligned line.", "A4", "aligned", "new", 3),
        _row("a", "Rejected aligned line.", "A5", "aligned", "rejected", 4),
        _row("a", "A sentence missing from the translation.", "", "aligned", "new", 5),
    ]
    store.write_frame(store.to_frame(rows), tmp_path / "a.parquet")
    store.write_frame(
        store.to_frame([_row("b", "Current document line.", "B1", "aligned", "new")]),
        tmp_path / "b.parquet",
    )
    memory = TranslationMemory.load(tmp_path, "en", ["km"], exclude_doc="b")
    found = {text: memory.lookup(text, "km") for text in (
        "Approved line.", "Edited line.", "Unreviewed machine line.", "Aligned line.",
        "Rejected aligned line.", "A sentence missing from the translation.",
        "Current document line.",
    )}  # fmt: skip
    assert {t for t, m in found.items() if m} == {"Approved line.", "Edited line.", "Aligned line."}
    assert len(TranslationMemory.load(tmp_path / "empty", "en", ["km"])) == 0


@pytest.fixture
def aligned_store(mekong, workdir: Path) -> Path:
    """A published Vietnamese speech and its English version, aligned into the store."""
    (workdir / "old.vi.txt").write_text("\n".join(SOURCE_VI) + "\n", encoding="utf-8")
    (workdir / "old.en.txt").write_text("\n".join(TARGET_EN) + "\n", encoding="utf-8")
    (workdir / "old.mt.en").write_text("\n".join(MT_EN) + "\n", encoding="utf-8")
    result = mekong(
        "align", "old.vi.txt", "old.en.txt", "--src", "vi", "--tgt", "en",
        "--src-mt", "old.mt.en", "--presegmented",
    )  # fmt: skip
    assert result.code == 0, result.err
    return workdir / "aligned"


NEW_SPEECH = "\n\n".join(
    [
        SOURCE_VI[1],  # shared: 1-1 group in the aligned speech
        "Hôm nay chúng ta bàn về an ninh mạng.",  # new
        SOURCE_VI[2].upper(),  # shared, differently cased
        SOURCE_VI[11],  # shared
    ]
)


def test_second_translation_reuses_aligned_sentences(mekong, aligned_store, workdir, fake_cli):
    (workdir / "new.vi.txt").write_text(NEW_SPEECH, encoding="utf-8")
    args = ["translate", "new.vi.txt", "--src", "vi", "--tgt", "en", "--model", "fake"]
    result = mekong(*args, "--beam", "1")
    assert result.code == 0, result.err
    assert "translation memory: 3 segment(s) reused" in result.out
    frame = pl.read_parquet(aligned_store / "new.vi.parquet").sort("seg_id")
    assert frame["origin"].to_list() == ["tm", "mt", "tm", "tm"]
    assert frame["tgt_text"][0] == TARGET_EN[1]
    assert frame["tgt_text"][2] == TARGET_EN[2]
    assert frame["tgt_text"][3] == TARGET_EN[10]
    tm_rows = frame.filter(pl.col("origin") == "tm")
    assert tm_rows["signals"].struct.field("tm_match").to_list() == [1.0, 1.0, 1.0]
    assert not tm_rows["test_model"].any() and frame["test_model"][1]
    assert tm_rows["engine"].to_list() == ["tm:old.vi"] * 3

    (workdir / "new.vi.txt").write_text(SOURCE_VI[11], encoding="utf-8")  # short: test model
    again = mekong(*args, "--beam", "1", "--no-tm", "--doc-id", "new-no-tm")
    assert again.code == 0, again.err
    plain = pl.read_parquet(aligned_store / "new-no-tm.parquet")
    assert set(plain["origin"]) == {"mt"}


def test_approved_translation_is_reused_and_fuzzy_goes_to_review(mekong, workdir, fake_cli):
    first = workdir / "first.txt"
    first.write_text(
        "We welcome the delegation from Laos to this regional meeting.\n\nThank you all.",
        encoding="utf-8",
    )
    base = ["--src", "en", "--tgt", "km", "--model", "fake", "--beam", "1"]
    assert mekong("translate", first, *base).code == 0
    path = workdir / "aligned" / "first.parquet"
    approved = pl.read_parquet(path).with_columns(
        review=pl.lit("approved"), tgt_text=pl.lit("សូមស្វាគមន៍")
    )
    store.write_frame(approved, path)

    second = workdir / "second.txt"
    second.write_text(
        "We welcome the delegation from Lao PDR to this regional meeting.\n\nGood morning.",
        encoding="utf-8",
    )
    result = mekong("translate", second, *base)
    assert result.code == 0, result.err
    frame = pl.read_parquet(workdir / "aligned" / "second.parquet").sort("seg_id")
    assert frame["origin"].to_list() == ["tm", "mt"]
    reused = frame.row(0, named=True)
    assert reused["tgt_text"] == "សូមស្វាគមន៍"
    assert 0.85 <= reused["signals"]["tm_match"] < 1.0
    assert reused["status"] == "review" and "tm_fuzzy" in reused["signals"]["flags"]
