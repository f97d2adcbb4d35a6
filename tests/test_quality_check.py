"""`mekong check`: planted faults in line-aligned files are flagged, good lines are ok."""

from __future__ import annotations

import json
import sys
import types
from dataclasses import dataclass
from pathlib import Path

import pytest

SAMPLE = Path(__file__).resolve().parent.parent / "samples" / "parallel-speech"


def _lines(lang: str) -> list[str]:
    return (SAMPLE / f"{lang}.txt").read_text(encoding="utf-8").splitlines()


def _write(path: Path, lines: list[str]) -> Path:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _native(number: str, lang: str) -> str:
    from toolkit import languages

    digits = languages.get(lang).digits
    return "".join(digits[int(d)] for d in number) if digits else number


def _faulty(src: str, tgt: str) -> tuple[list[str], dict[int, str]]:
    """The good translation with one fault planted per line: lines and {line number: flag}."""
    s, t = _lines(src), _lines(tgt)
    bad = list(t)
    other = {"km": "th", "lo": "th", "th": "lo", "vi": "km", "en": "km"}[tgt]
    n37 = "37" if "37" in t[1] else _native("37", tgt)
    n250 = "250" if "250" in t[8] else _native("250", tgt)
    phrase = " ".join(t[3].split()[-3:]) if tgt in ("en", "vi") else t[3][-10:]
    bad[2] = _lines(other)[2]  # wrong script
    bad[1] = t[1].replace(n37, "")  # dropped number
    bad[8] = t[8].replace(n250, _native("520", tgt))  # changed number
    bad[3] = t[3] + (" " + phrase) * 6  # repeated phrase loop
    bad[6] = s[6]  # copy of the source
    bad[7] = ""  # empty line
    copy_flag = "copy" if {src, tgt} <= {"en", "vi"} else "wrong_script"
    expected = {
        3: "wrong_script",
        2: "number_missing",
        9: "number_missing",
        4: "repetition",
        7: copy_flag,
        8: "empty",
    }
    return bad, expected


PAIRS = [("en", "km"), ("en", "lo"), ("en", "th"), ("en", "vi"), ("vi", "en"), ("km", "th")]


@pytest.mark.parametrize(("src", "tgt"), PAIRS)
def test_planted_faults_flagged_and_good_lines_ok(mekong, workdir, src, tgt):
    src_file = _write(workdir / f"src.{src}", _lines(src))
    good = _write(workdir / f"good.{tgt}", _lines(tgt))
    # rule-based signals only: adequacy has tests of its own (tests/test_quality_signals.py)
    result = mekong("check", src_file, good, "--src", src, "--tgt", tgt, "--no-adequacy")
    assert result.code == 0, result.err
    rows = [line.split("\t") for line in result.out.splitlines()]
    assert len(rows) == 12
    assert all(r[1] == "ok" and r[3] == "-" for r in rows), result.out
    assert "12 lines: 12 ok, 0 review, 0 bad" in result.err

    bad_lines, expected = _faulty(src, tgt)
    hyp = _write(workdir / f"bad.{tgt}", bad_lines)
    result = mekong("check", src_file, hyp, "--src", src, "--tgt", tgt, "--format", "jsonl")
    assert result.code == 0, result.err
    records = [json.loads(line) for line in result.out.splitlines()]
    assert [r["line"] for r in records] == list(range(1, 13))
    for record in records:
        if record["line"] in expected:
            assert record["status"] != "ok", record
            assert expected[record["line"]] in record["flags"], record
        else:
            assert record["status"] == "ok", record
    assert all(set(r["signals"]) >= {"script_share", "numbers_match", "flags"} for r in records)


@dataclass
class _Hit:
    term_id: str
    src: str
    tgt: str
    found: bool

    def as_dict(self) -> dict[str, object]:
        return {"term_id": self.term_id, "src": self.src, "tgt": self.tgt, "found": self.found}


class _FakeGlossary:
    """Stands in for toolkit.glossary (built on another branch): same calls, tiny behaviour."""

    terms = {"Ministry of Justice": {"km": "ក្រសួងយុត្តិធម៌"}, "National Assembly": {"km": "រដ្ឋសភា"}}

    def match(self, text: str, lang: str) -> list[str]:
        assert lang == "en"
        return [t for t in self.terms if t in text]

    def verify(self, tgt_text: str, hits: list[str], tgt: str) -> list[_Hit]:
        return [
            _Hit(h.lower().replace(" ", "-"), h, self.terms[h][tgt], self.terms[h][tgt] in tgt_text)
            for h in hits
        ]


def test_glossary_option_flags_missing_terms(mekong, workdir, monkeypatch):
    loaded: list[Path] = []
    fake = types.ModuleType("toolkit.glossary")
    fake.load_glossary = lambda path: loaded.append(Path(path)) or _FakeGlossary()  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "toolkit.glossary", fake)
    en, km = _lines("en"), _lines("km")
    km_missing = list(km)
    km_missing[5] = km[5].replace("រដ្ឋសភា", "សភា")  # National Assembly lost
    src_file = _write(workdir / "src.en", en)
    hyp = _write(workdir / "hyp.km", km_missing)
    gloss = _write(workdir / "g.tsv", ["id\ten\tkm"])
    result = mekong(
        "check",
        "--no-adequacy",
        src_file,
        hyp,
        "--src",
        "en",
        "--tgt",
        "km",
        "--glossary",
        gloss,
        "--format",
        "jsonl",
    )
    assert result.code == 0, result.err
    assert loaded == [gloss]
    records = [json.loads(line) for line in result.out.splitlines()]
    assert records[0]["status"] == "ok" and records[0]["terms"][0]["found"] is True
    assert records[5]["status"] == "review" and "missing_term" in records[5]["flags"]
    assert records[5]["terms"] == [
        {
            "term_id": "national-assembly",
            "src": "National Assembly",
            "tgt": "រដ្ឋសភា",
            "found": False,
        }
    ]
    assert all(r["status"] == "ok" for i, r in enumerate(records) if i != 5)


def test_mismatched_line_counts_are_one_clear_error(mekong, workdir):
    src_file = _write(workdir / "src.en", _lines("en"))
    hyp = _write(workdir / "hyp.km", _lines("km")[:-1])
    result = mekong("check", src_file, hyp, "--src", "en", "--tgt", "km")
    assert result.code == 3
    assert result.err.strip().count("\n") == 0
    assert "not line-aligned" in result.err and "12" in result.err and "11" in result.err
    assert result.out == ""


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["--src", "en", "--tgt", "km", "--format", "xml"], 2, "--format xml"),
        (["--src", "en", "--tgt", "en"], 2, "same language"),
        (["--src", "fr", "--tgt", "km"], 2, "unknown language 'fr'"),
    ],
)
def test_bad_options(mekong, workdir, args, code, message):
    src_file = _write(workdir / "src.en", _lines("en"))
    hyp = _write(workdir / "hyp.km", _lines("km"))
    result = mekong("check", src_file, hyp, *args)
    assert result.code == code and message in result.err
    assert "Traceback" not in result.err


def test_missing_file(mekong, workdir):
    hyp = _write(workdir / "hyp.km", _lines("km"))
    result = mekong("check", workdir / "nope.txt", hyp, "--src", "en", "--tgt", "km")
    assert result.code == 3 and "no such file" in result.err


def test_help_has_an_example(mekong):
    result = mekong("check", "--help")
    assert result.code == 0 and "Example: mekong check" in result.out


def test_kiwi_unavailable_is_one_clear_line(mekong, workdir, monkeypatch):
    monkeypatch.setitem(sys.modules, "comet", None)  # as if unbabel-comet were not installed
    src_file = _write(workdir / "src.en", _lines("en"))
    hyp = _write(workdir / "hyp.km", _lines("km"))
    result = mekong("check", src_file, hyp, "--src", "en", "--tgt", "km", "--kiwi", "models/kiwi")
    assert result.code == 4 and "unbabel-comet" in result.err
    assert len(result.err.strip().splitlines()) == 1 and result.out == ""
