"""Issue 15: reviewed work is never dropped by a re-run, another file under a stored doc id is
refused, one unreadable store file blocks nothing, and `--src` is checked against the script."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from toolkit import documents, store
from toolkit.cli.app import flag_of
from toolkit.errors import UsageError
from toolkit.store.carry import superseded_path
from toolkit.translate import TranslateOptions, translate_document

TEXT = "The Ministry of Justice thanks you.\n\nWe will meet again next year.\n"
CHANGED = "The Ministry of Justice thanks you warmly.\n\nWe will meet again next year.\n"
APPROVED_KM = "ក្រសួងយុត្តិធម៌សូមអរគុណលោកអ្នក។"


def _approve_first(path: Path, text: str) -> None:
    frame = pl.read_parquet(path)
    first = pl.col("seg_id") == 0
    frame = frame.with_columns(
        review=pl.when(first).then(pl.lit("edited")).otherwise(pl.col("review")),
        tgt_text=pl.when(first).then(pl.lit(text)).otherwise(pl.col("tgt_text")),
    )
    store.write_frame(frame, path)


def _store(tmp_path: Path) -> Path:
    (tmp_path / "store").mkdir(exist_ok=True)
    return tmp_path / "store"


def _doc(tmp_path: Path, name: str, text: str) -> documents.Document:
    path = tmp_path / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return documents.read(path)


def test_a_changed_sentence_keeps_its_reviewed_translation_as_memory(fake_engine, tmp_path):
    store_dir = _store(tmp_path)
    options = TranslateOptions("en", ["km"], "speech", store_dir, use_tm=False)
    first = translate_document(_doc(tmp_path, "speech.txt", TEXT), options, fake_engine)
    _approve_first(first.path, APPROVED_KM)

    second = translate_document(_doc(tmp_path, "speech.txt", CHANGED), options, fake_engine)
    assert second.stats["superseded"]["rows"] == 1
    kept = pl.read_parquet(superseded_path(store_dir, "speech"))
    assert kept.select("src_text", "tgt_text", "review").rows() == [
        ("The Ministry of Justice thanks you.", APPROVED_KM, "edited")
    ]
    # the sentence changed back: the memory gives the reviewed translation again
    with_tm = TranslateOptions("en", ["km"], "speech", store_dir, use_tm=True)
    third = translate_document(_doc(tmp_path, "speech.txt", TEXT), with_tm, fake_engine)
    row = pl.read_parquet(third.path).filter(pl.col("seg_id") == 0).to_dicts()[0]
    assert row["tgt_text"] == APPROVED_KM


def test_superseded_rows_are_not_duplicated_by_repeated_runs(fake_engine, tmp_path):
    store_dir = _store(tmp_path)
    options = TranslateOptions("en", ["km"], "speech", store_dir, use_tm=False)
    first = translate_document(_doc(tmp_path, "speech.txt", TEXT), options, fake_engine)
    _approve_first(first.path, APPROVED_KM)
    translate_document(_doc(tmp_path, "speech.txt", CHANGED), options, fake_engine)
    again = translate_document(_doc(tmp_path, "speech.txt", CHANGED), options, fake_engine)
    assert "superseded" not in again.stats  # nothing reviewed was dropped this time
    assert pl.read_parquet(superseded_path(store_dir, "speech")).height == 1


def test_another_file_under_a_stored_doc_id_is_refused(fake_engine, tmp_path):
    store_dir = _store(tmp_path)
    options = TranslateOptions("en", ["km"], "speech", store_dir, use_tm=False)
    first = translate_document(_doc(tmp_path / "a", "speech.txt", TEXT), options, fake_engine)
    _approve_first(first.path, APPROVED_KM)
    before = first.path.read_bytes()
    other = _doc(tmp_path / "b", "speech.txt", "A different speech entirely.\n")
    with pytest.raises(UsageError, match="pass doc_id with a new id") as refused:
        translate_document(other, options, fake_engine)
    assert "or --replace to translate" in refused.value.phrase(flag_of)
    assert first.path.read_bytes() == before

    replacing = TranslateOptions("en", ["km"], "speech", store_dir, use_tm=False, replace=True)
    translate_document(other, replacing, fake_engine)
    kept = pl.read_parquet(superseded_path(store_dir, "speech"))
    assert kept["tgt_text"].to_list() == [APPROVED_KM]


def test_an_edited_file_at_the_same_path_is_not_another_source(fake_engine, tmp_path):
    options = TranslateOptions("en", ["km"], "speech", _store(tmp_path), use_tm=False)
    translate_document(_doc(tmp_path, "speech.txt", TEXT), options, fake_engine)
    result = translate_document(_doc(tmp_path, "speech.txt", CHANGED), options, fake_engine)
    stored = pl.read_parquet(result.path)
    assert stored["source_path"].unique().to_list() == [str((tmp_path / "speech.txt").resolve())]


def test_one_unreadable_store_file_blocks_no_other_document(mekong, workdir, fake_cli):
    (workdir / "store").mkdir()
    (workdir / "store" / "broken.parquet").write_bytes(b"PAR1 not really parquet")
    (workdir / "speech.txt").write_text(TEXT, encoding="utf-8")
    args = ["--src", "en", "--tgt", "km", "--model", "fake", "--store", "store"]
    result = mekong("translate", "speech.txt", *args)
    assert result.code == 0, result.err
    assert "broken.parquet" in result.err
    assert (workdir / "store" / "speech.parquet").exists()


@pytest.mark.parametrize(
    ("text", "src"),
    [
        ("这是一个完全用中文写的句子，没有英文。我们明年再见。", "en"),
        ("זה משפט שכתוב כולו בעברית ואין בו אנגלית בכלל.", "en"),
        ("The whole of this speech is written in English.", "th"),
        ("ព្រះរាជាណាចក្រកម្ពុជា ជាតិ សាសនា ព្រះមហាក្សត្រ", "lo"),
    ],
)
def test_a_text_in_another_script_is_refused_unless_forced(mekong, workdir, fake_cli, text, src):
    (workdir / "speech.txt").write_text(text + "\n", encoding="utf-8")
    tgt = "vi" if src != "vi" else "en"
    args = ["--src", src, "--tgt", tgt, "--model", "fake", "--store", "store"]
    refused = mekong("translate", "speech.txt", *args)
    assert refused.code != 0
    assert "--force-src" in refused.err and "Traceback" not in refused.err
    assert len(refused.err.strip().splitlines()) == 1
    assert not (workdir / "store" / "speech.parquet").exists()
    forced = mekong("translate", "speech.txt", *args, "--force-src")
    assert forced.code == 0, forced.err


@pytest.mark.parametrize("bad", ["speech\n", "speech ", "../speech", "a/b", "", "x" * 129])
def test_doc_ids_are_matched_whole(bad):
    with pytest.raises(UsageError, match="^doc_id ") as refused:
        store.check_doc_id(bad)
    assert refused.value.phrase(flag_of).startswith("--doc-id ")


def test_the_review_state_rule_lives_in_the_store() -> None:
    """One rule for every caller: an unchanged text is never an edit, a verdict survives an
    edit, an unknown state is refused."""
    import pytest

    from toolkit.errors import UsageError
    from toolkit.store import next_review

    assert next_review("new", "a", None, "a") == ("new", "a")
    assert next_review("new", "a", "approved", "a") == ("approved", "a")
    assert next_review("approved", "a", None, "b") == ("edited", "b")
    assert next_review("new", "a", "approved", "b") == ("approved", "b")
    assert next_review("edited", "b", "new", None) == ("new", "b")
    with pytest.raises(UsageError):
        next_review("new", "a", "done", None)
