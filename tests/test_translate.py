"""The whole pipeline through the library (fake engine) and the CLI (the tiny random model)."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from toolkit import documents, store
from toolkit.errors import UsageError
from toolkit.translate import TranslateOptions, translate_document

SPEECH = """Opening Remarks

Excellencies,
Ladies and gentlemen,

On behalf of the Ministry of Justice, I welcome you to this workshop. The government will
strengthen cooperation with its regional partners.

In 2024, we handled 37 requests. We must protect children from every form of exploitation.

Thank you!
"""


@pytest.fixture
def speech(workdir: Path) -> Path:
    path = workdir / "speech.txt"
    path.write_text(SPEECH, encoding="utf-8")
    return path


def test_library_pipeline_rows(fake_engine, tmp_path):
    doc = documents.from_text(SPEECH)
    options = TranslateOptions(src="en", tgts=["km", "vi"], doc_id="s1", out_dir=tmp_path)
    result = translate_document(doc, options, fake_engine)
    frame = pl.read_parquet(tmp_path / "s1.parquet")
    n = len(result.segments)
    assert frame.height == 2 * n
    assert set(store.REQUIRED) <= set(frame.columns)
    assert frame["tgt_text"].str.len_chars().min() > 0
    assert frame["test_model"].all()
    assert "TEST MODEL" in frame["engine"][0]
    km = frame.filter(pl.col("tgt_lang") == "km").sort("seg_id")
    assert km["src_text"].to_list() == [s.text for s in result.segments]
    assert km["src_ids"].to_list() == [[s.seg_id] for s in result.segments]
    assert set(frame["origin"]) == {"mt"} and set(frame["review"]) == {"new"}
    assert frame["score"].is_between(0, 1).all()
    assert set(frame["status"]) <= {"ok", "review", "bad"}


def test_same_source_and_target_refused(fake_engine, tmp_path):
    doc = documents.from_text(SPEECH)
    with pytest.raises(UsageError, match="same language"):
        translate_document(doc, TranslateOptions("en", ["km", "en"], "x", tmp_path), fake_engine)


def test_cli_translate_all_targets(mekong, speech, tiny_model, workdir):
    result = mekong(
        "translate",
        speech,
        "--src",
        "en",
        "--tgt",
        "km,lo,th,vi",
        "--model",
        tiny_model,
        "--beam",
        "2",
        "--threads",
        "1",
        "--no-adequacy",  # e5 over the random model's long outputs: slow, and tested elsewhere
    )
    assert result.code == 0, result.err
    assert "TEST MODEL" in result.out and "TEST MODEL" in result.err
    frame = pl.read_parquet(workdir / "aligned" / "speech.parquet")
    n_segments = frame["seg_id"].n_unique()
    assert frame.height == 4 * n_segments
    assert sorted(frame["tgt_lang"].unique()) == ["km", "lo", "th", "vi"]
    first = frame.filter(pl.col("tgt_lang") == "km").sort("seg_id")["src_text"].to_list()
    assert first[0] == "Opening Remarks" and first[-1] == "Thank you!"
    assert all(t.strip() for t in frame["tgt_text"].to_list())
    for tgt in ("km", "lo", "th", "vi"):
        assert f"\n{tgt} " in result.out  # summary table row per target

    exported = mekong("export", "speech", "--format", "tsv")
    assert exported.code == 0
    lines = exported.out.splitlines()
    assert lines[0].startswith("doc_id\tseg_id")
    assert len(lines) == frame.height + 1


def test_default_model_offline_gives_one_clear_line(mekong, speech):
    result = mekong("translate", speech, "--src", "en", "--tgt", "km")
    assert result.code == 4
    lines = result.err.strip().splitlines()
    assert len(lines) == 1
    assert "nllb-200-distilled-600M" in lines[0] and "--model PATH" in lines[0]
    assert "mekong models pull" in lines[0]
    assert "Traceback" not in result.err


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["missing.txt", "--src", "en", "--tgt", "km"], 3, "no such file"),
        ([".", "--src", "en", "--tgt", "km"], 3, "directory"),
        (["empty.txt", "--src", "en", "--tgt", "km"], 3, "no text"),
        (["binary.txt", "--src", "en", "--tgt", "km"], 3, "binary"),
        (["latin1.txt", "--src", "en", "--tgt", "km"], 3, "not UTF-8"),
        (["speech.txt", "--src", "fr", "--tgt", "km"], 2, "unknown language 'fr'"),
        (["speech.txt", "--src", "en", "--tgt", "km,xx"], 2, "supported are"),
        (["speech.txt", "--src", "en", "--tgt", "en"], 2, "same language"),
        (["speech.txt", "--src", "en", "--tgt", "km", "--doc-id", "../evil"], 2, "doc-id"),
        (
            ["speech.txt", "--src", "en", "--tgt", "km", "--model", "no/such-model"],
            4,
            "not available",
        ),
        (["speech.txt", "--src", "en", "--tgt", "km", "--model", "./nope"], 2, "no such folder"),
    ],
)
def test_bad_input_one_line_and_store_untouched(mekong, speech, workdir, args, code, message):
    (workdir / "empty.txt").write_bytes(b"")
    (workdir / "binary.txt").write_bytes(b"\x00\x01\x02\x03binary\x00\xff")
    (workdir / "latin1.txt").write_bytes("café".encode("latin-1"))
    aligned = workdir / "aligned"
    aligned.mkdir()
    existing = aligned / "speech.parquet"
    existing.write_bytes(b"previous work")
    result = mekong("translate", *args)
    assert result.code == code, result.err
    assert len(result.err.strip().splitlines()) == 1
    assert message in result.err
    assert "Traceback" not in result.err
    assert existing.read_bytes() == b"previous work"


def test_unwritable_output_folder(mekong, speech, workdir, fake_cli):
    blocker = workdir / "blocked"
    blocker.write_text("a file where a folder should be")
    result = mekong(
        "translate",
        speech,
        "--src",
        "en",
        "--tgt",
        "km",
        "--model",
        "fake",
        "--store",
        blocker / "aligned",
    )
    assert result.code == 5
    assert "cannot create output folder" in result.err


def test_python_dash_m_entry_point(speech):
    import subprocess
    import sys

    proc = subprocess.run(
        [sys.executable, "-m", "toolkit", "translate", "--help"],
        capture_output=True,
        text=True,
        check=False,
        cwd=Path(__file__).resolve().parent.parent,
    )
    assert proc.returncode == 0
    assert "Example: mekong translate" in proc.stdout


def test_import_toolkit_does_not_load_torch():
    import subprocess
    import sys

    code = (
        "import sys, toolkit, toolkit.cli, toolkit.translate, toolkit.store;"
        "print('torch' in sys.modules, 'transformers' in sys.modules)"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        cwd=Path(__file__).resolve().parent.parent,
    )
    assert proc.stdout.strip() == "False False"
