"""Issue 10: re-running a translation keeps review work; killed runs leave the store valid."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import polars as pl
import pytest

from toolkit import documents, store
from toolkit.errors import UsageError
from toolkit.translate import TranslateOptions, translate_document

ROOT = Path(__file__).resolve().parent.parent
TEXT = "Excellencies,\n\nThe Ministry of Justice thanks you. We will meet again.\n\nThank you!\n"


def _review(path: Path, seg_id: int, tgt: str, review: str, text: str | None = None) -> None:
    frame = pl.read_parquet(path)
    hit = (pl.col("seg_id") == seg_id) & (pl.col("tgt_lang") == tgt)
    frame = frame.with_columns(
        review=pl.when(hit).then(pl.lit(review)).otherwise(pl.col("review")),
        tgt_text=pl.when(hit & pl.lit(text is not None)).then(pl.lit(text)).otherwise("tgt_text"),
    )
    store.write_frame(frame, path)


def test_rerun_keeps_approved_and_edited_rows_where_they_moved(fake_engine, tmp_path):
    options = TranslateOptions("en", ["km", "th"], "speech", tmp_path, use_tm=False)
    first = translate_document(documents.from_text(TEXT), options, fake_engine)
    _review(first.path, 1, "km", "edited", "ក្រសួងយុត្តិធម៌សូមអរគុណ។")
    _review(first.path, 3, "th", "approved")
    approved_th = pl.read_parquet(first.path).filter(
        (pl.col("seg_id") == 3) & (pl.col("tgt_lang") == "th")
    )["tgt_text"][0]
    changed = "New opening line.\n\n" + TEXT  # every segment moves down by one
    second = translate_document(documents.from_text(changed), options, fake_engine)
    frame = pl.read_parquet(second.path)
    edited = frame.filter(pl.col("review") == "edited")
    assert edited.select("seg_id", "tgt_lang", "tgt_text").rows() == [(2, "km", "ក្រសួងយុត្តិធម៌សូមអរគុណ។")]
    approved = frame.filter(pl.col("review") == "approved")
    assert approved.select("seg_id", "tgt_lang", "tgt_text").rows() == [(4, "th", approved_th)]
    assert frame.height == 2 * len(second.segments)
    assert frame.filter(pl.col("seg_id") == 0)["review"].to_list() == ["new", "new"]


def test_other_targets_are_kept_or_the_run_refuses(fake_engine, tmp_path):
    doc = documents.from_text(TEXT)
    translate_document(
        doc, TranslateOptions("en", ["km"], "s", tmp_path, use_tm=False), fake_engine
    )
    path = tmp_path / "s.parquet"
    _review(path, 0, "km", "approved")
    translate_document(
        doc, TranslateOptions("en", ["lo"], "s", tmp_path, use_tm=False), fake_engine
    )
    frame = pl.read_parquet(path)
    assert sorted(frame["tgt_lang"].unique()) == ["km", "lo"]
    assert frame.filter(pl.col("tgt_lang") == "km")["review"].to_list()[0] == "approved"
    before = path.read_bytes()
    with pytest.raises(UsageError, match="also has km"):
        translate_document(
            documents.from_text(TEXT + "\nOne more line.\n"),
            TranslateOptions("en", ["lo"], "s", tmp_path, use_tm=False),
            fake_engine,
        )
    assert path.read_bytes() == before


def _translate_cmd(out: Path, speech: Path) -> list[str]:
    """The real CLI in a subprocess, with the fake engine (slowed down: see tests/fakes.py)."""
    return [
        sys.executable,
        "-m",
        "tests.fakes",
        "translate",
        str(speech),
        "--src",
        "en",
        "--tgt",
        "km,lo,th,vi",
        "--model",
        "fake",
        "--store",
        str(out),
        "--beam",
        "1",
        "--threads",
        "1",
        "--no-glossary",
        "--no-adequacy",
    ]


def test_killed_runs_leave_a_valid_store_and_a_rerun_completes(tmp_path):
    speech = tmp_path / "speech.txt"
    speech.write_text(TEXT * 6, encoding="utf-8")
    out = tmp_path / "aligned"
    env = {**os.environ, "PYTHONPATH": str(ROOT), "MEKONG_FAKE_DELAY": "0.03"}
    done = subprocess.run(_translate_cmd(out, speech), env=env, capture_output=True)
    assert done.returncode == 0, done.stderr
    path = out / "speech.parquet"
    complete = pl.read_parquet(path)
    _review(path, 0, "km", "approved")
    for delay in (0.5, 1.5, 2.5, 3.5):  # points during start-up and translating
        proc = subprocess.Popen(
            _translate_cmd(out, speech),
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        time.sleep(delay)
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
        frame = pl.read_parquet(path)  # always a complete, readable file
        assert frame.height == complete.height
        if proc.returncode == -signal.SIGKILL:
            assert frame.filter(pl.col("review") == "approved").height == 1
    done = subprocess.run(_translate_cmd(out, speech), env=env, capture_output=True)
    assert done.returncode == 0, done.stderr
    frame = pl.read_parquet(path)
    assert frame.height == complete.height
    assert frame.filter(pl.col("review") == "approved").height == 1
    assert not list(out.glob(".*.tmp"))  # temp files of killed writes are cleaned up


def test_stale_temp_files_are_removed_on_the_next_run(fake_engine, tmp_path):
    stale = tmp_path / ".speech.parquet.abc123_x.tmp"  # as atomic_write_bytes names them
    stale.write_bytes(b"half a parquet file")
    # another document's temp file (speech.v2 is being written right now) is not ours
    other = tmp_path / ".speech.v2.parquet.k3j4h5g6.tmp"
    other.write_bytes(b"another writer's file")
    options = TranslateOptions("en", ["vi"], "speech", tmp_path, use_tm=False)
    translate_document(documents.from_text(TEXT), options, fake_engine)
    assert not stale.exists()
    assert other.exists()
    assert (tmp_path / "speech.parquet").exists()


def test_only_a_files_own_temp_files_match(tmp_path):
    from toolkit.files import atomic_write_bytes, own_temp_files, temp_prefix

    for name in ("a.parquet", "a.v2.parquet", "a.parquet.x.parquet", "b.parquet"):
        (tmp_path / f"{temp_prefix(tmp_path / name)}zz9_q1.tmp").write_bytes(b"")
    mine = own_temp_files(tmp_path / "a.parquet")
    assert [p.name for p in mine] == [".a.parquet.zz9_q1.tmp"]
    # the writer's own temp names are the ones the cleanup matches
    import tempfile
    from unittest import mock

    seen = []
    real = tempfile.mkstemp

    def spy(*args, **kwargs):
        fd, name = real(*args, **kwargs)
        seen.append(Path(name))
        return fd, name

    with mock.patch("tempfile.mkstemp", spy):
        atomic_write_bytes(tmp_path / "c.parquet", b"x")
    (tmp_path / seen[0].name).write_bytes(b"")
    assert own_temp_files(tmp_path / "c.parquet") == [tmp_path / seen[0].name]
