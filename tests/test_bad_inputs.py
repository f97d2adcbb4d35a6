"""Issue 10: a list of bad inputs, each with one clear line on stderr, a non-zero exit code,
no traceback, and nothing stored (documents, glossaries) changed by the bad run."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.reviewdata import make_stored_doc

ROOT = Path(__file__).resolve().parent.parent
GLOSSARY = ROOT / "glossaries" / "legal-institutional.tsv"


def _digest(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and not p.name.endswith(".lock")
    }


@pytest.fixture
def setup(workdir: Path, fake_engine, tiny_model: Path) -> Path:
    """An existing stored document and a glossary copy that bad runs must leave untouched."""
    make_stored_doc(fake_engine, workdir / "aligned")
    shutil.copy(workdir / "aligned" / "workshop.parquet", workdir / "aligned" / "speech.parquet")
    (workdir / "g").mkdir()
    shutil.copy(GLOSSARY, workdir / "g" / "terms.tsv")
    (workdir / "speech.txt").write_text("Excellencies,\n\nThe Ministry of Justice thanks you.\n")
    (workdir / "hyp.txt").write_text("one\ntwo\n")
    (workdir / "src.txt").write_text("one\n")
    files = {
        "empty.txt": b"",
        "blank.txt": b" \n\t\n\n",
        "binary.txt": b"\x00\x01\x02\x03\x04binary\x00\xff\xfe",
        "latin1.txt": "café crème".encode("latin-1"),
        "zip.txt": b"PK\x03\x04rest of a zip",
        "broken.docx": b"PK\x03\x04not really a docx",
        "bad-row.tsv": b"id\ttype\ten\tkm\tstatus\tsource\nx\tinstitution\tA\n",
        "no-id.tsv": b"type\ten\tkm\tstatus\tsource\ninstitution\tA\tB\tproposed\tme\n",
        "unknown-lang.tsv": b"id\ttype\ten\tfr\tstatus\tsource\nx\tother\tA\tB\tproposed\tme\n",
        "entity.tbx": (
            b'<?xml version="1.0"?>\n<!DOCTYPE tbx [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n'
            b"<tbx><text><body><conceptEntry id='a'>&x;</conceptEntry></body></text></tbx>"
        ),
        "bomb.tmx": (
            b'<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol">'
            b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>\n'
            b"<tmx version='1.4'><header/><body>&lol2;</body></tmx>"
        ),
        "notxml.xlf": b"<xliff><file>unclosed",
        "notparquet.parquet": b"this is not parquet",
    }
    for name, data in files.items():
        (workdir / name).write_bytes(data)
    (workdir / "dir.txt").mkdir()
    (workdir / "model-bad").mkdir()
    (workdir / "model-bad" / "config.json").write_text("{not json")
    os.symlink(tiny_model, workdir / "tiny")
    return workdir


T = ["translate"]
TIN = ["--src", "en", "--tgt", "km", "--model", "tiny"]

BAD = [
    ("missing file", [*T, "missing.txt", *TIN], 3, "no such file"),
    ("directory", [*T, "dir.txt", *TIN], 3, "directory"),
    ("empty file", [*T, "empty.txt", *TIN], 3, "no text"),
    ("whitespace only", [*T, "blank.txt", *TIN], 3, "no text"),
    ("binary file", [*T, "binary.txt", *TIN], 3, "binary"),
    ("undecodable bytes", [*T, "latin1.txt", *TIN], 3, "not UTF-8"),
    ("zip named .txt", [*T, "zip.txt", *TIN], 3, "zip"),
    ("corrupt docx", [*T, "broken.docx", *TIN], 3, "broken.docx"),
    ("unknown encoding", [*T, "speech.txt", *TIN, "--encoding", "klingon"], 3, "encoding"),
    ("wrong encoding", [*T, "latin1.txt", *TIN, "--encoding", "ascii"], 3, "not valid ascii"),
    ("unknown source", [*T, "speech.txt", "--src", "fr", "--tgt", "km"], 2, "supported are"),
    ("unknown target", [*T, "speech.txt", "--src", "en", "--tgt", "km,de"], 2, "supported are"),
    ("same languages", [*T, "speech.txt", "--src", "en", "--tgt", "en"], 2, "same language"),
    ("path in doc id", [*T, "speech.txt", *TIN, "--doc-id", "../x"], 2, "doc-id"),
    ("unknown engine", [*T, "speech.txt", *TIN, "--engine", "moses"], 2, "--engine moses"),
    (
        "no such model",
        [*T, "speech.txt", "--src", "en", "--tgt", "km", "--model", "./nope"],
        2,
        "no such folder",
    ),
    (
        "broken model",
        [*T, "speech.txt", "--src", "en", "--tgt", "km", "--model", "model-bad"],
        4,
        "model-bad",
    ),
    ("offline default model", [*T, "speech.txt", "--src", "en", "--tgt", "km"], 4, "--model PATH"),
    ("unconverted ct2 model", [*T, "speech.txt", *TIN, "--engine", "ctranslate2"], 4, "convert"),
    ("bad glossary row", [*T, "speech.txt", *TIN, "--glossary", "bad-row.tsv"], 3, "bad-row.tsv"),
    ("glossary without id", [*T, "speech.txt", *TIN, "--glossary", "no-id.tsv"], 3, "no-id.tsv"),
    ("glossary unknown language", ["glossary", "lint", "unknown-lang.tsv"], 3, "fr"),
    (
        "TBX with external entity",
        ["glossary", "import", "entity.tbx", "-g", "g/terms.tsv"],
        3,
        "entity.tbx",
    ),
    ("TMX entity bomb", ["import-review", "bomb.tmx"], 3, "bomb.tmx"),
    ("malformed XLIFF", ["import-review", "notxml.xlf"], 3, "notxml.xlf"),
    ("export of unknown document", ["export", "nothing-here"], 5, "no such stored document"),
    ("export to unknown format", ["export", "speech", "--format", "pdf"], 2, "--format"),
    ("corrupt store file", ["export", "notparquet.parquet"], 5, "not a readable store file"),
    ("segment unknown language", ["segment", "speech.txt", "--lang", "xx"], 2, "supported are"),
    (
        "check with unequal lines",
        ["check", "src.txt", "hyp.txt", "--src", "en", "--tgt", "km"],
        3,
        "line",
    ),
    (
        "score with unknown language",
        ["score", "hyp.txt", "hyp.txt", "--lang", "zz"],
        2,
        "supported are",
    ),
]


@pytest.mark.parametrize(("args", "code", "message"), [b[1:] for b in BAD], ids=[b[0] for b in BAD])
def test_bad_input_is_one_clear_line(setup, mekong, args, code, message):
    before = _digest(setup / "aligned"), _digest(setup / "g")
    result = mekong(*args)
    assert result.code == code, (result.code, result.err)
    lines = result.err.strip().splitlines()
    assert len(lines) == 1, result.err
    assert lines[0].startswith("error: ")
    assert message in lines[0]
    assert "Traceback" not in result.err + result.out
    assert (_digest(setup / "aligned"), _digest(setup / "g")) == before


def test_list_is_long_enough():
    assert len(BAD) >= 25


def test_document_locked_by_another_process(setup, mekong):
    """A second writer of the same document gets a clear line; the store stays as it was."""
    target = setup / "aligned" / "speech.parquet"
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, pathlib\n"
            "from toolkit.files import exclusive\n"
            f"with exclusive(pathlib.Path({str(target)!r})):\n"
            "    print('locked', flush=True); sys.stdin.readline()\n",
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    )
    try:
        assert holder.stdout.readline().strip() == "locked"
        before = _digest(setup / "aligned")
        result = mekong("translate", "speech.txt", *TIN, "--doc-id", "speech")
        assert result.code == 5
        assert "another mekong process" in result.err
        assert _digest(setup / "aligned") == before
        glossary_target = setup / "g" / "terms.tsv"
        with_lock = subprocess.Popen(
            [
                sys.executable,
                "-c",
                "import sys, pathlib\n"
                "from toolkit.files import exclusive\n"
                f"with exclusive(pathlib.Path({str(glossary_target)!r})):\n"
                "    print('locked', flush=True); sys.stdin.readline()\n",
            ],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            cwd=ROOT,
        )
        assert with_lock.stdout.readline().strip() == "locked"
        g_before = _digest(setup / "g")
        edit = mekong("glossary", "set", "country-vn", "note", "x", "-g", "g/terms.tsv")
        with_lock.communicate("\n", timeout=10)
        assert edit.code == 5 and "another mekong process" in edit.err
        assert _digest(setup / "g") == g_before
    finally:
        holder.communicate("\n", timeout=10)
