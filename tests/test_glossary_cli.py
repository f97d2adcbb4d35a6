"""`mekong glossary ...`: maintenance keeps the file intact; bad input is one line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from toolkit.glossary import load_glossary

ROOT = Path(__file__).resolve().parent.parent
SHIPPED = ROOT / "glossaries" / "legal-institutional.tsv"


@pytest.fixture
def gfile(workdir: Path) -> Path:
    path = workdir / "terms.tsv"
    path.write_bytes(SHIPPED.read_bytes())
    return path


def test_lint_shipped_exits_zero(mekong):
    result = mekong("glossary", "lint", SHIPPED)
    assert result.code == 0, result.out
    assert "no problems" in result.out


def test_lint_planted_problem_exits_one_with_row(mekong, gfile):
    lines = gfile.read_text(encoding="utf-8").splitlines()
    row = next(i for i, line in enumerate(lines) if line.startswith("country-vn\t"))
    lines[row] = lines[row].replace("\tViệt Nam\t", "\tViệt Nam \t")
    gfile.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = mekong("glossary", "lint", gfile)
    assert result.code == 1
    assert f"terms.tsv:{row + 1}: vi: leading or trailing spaces" in result.out


def test_add_set_remove_keep_other_lines(mekong, gfile):
    original = gfile.read_text(encoding="utf-8").splitlines()
    added = mekong(
        "glossary", "add", "kh-moeys", "--type", "institution", "--source", "test",
        "--en", "Ministry of Education, Youth and Sport", "--km", "ក្រសួងអប់រំ យុវជន និងកីឡា",
        "--lo", "ກະຊວງສຶກສາທິການ", "--th", "กระทรวงศึกษาธิการ", "--vi", "Bộ Giáo dục",
        "--forbidden", "en=Education Ministry", "-g", gfile,
    )  # fmt: skip
    assert added.code == 0, added.err
    after = gfile.read_text(encoding="utf-8").splitlines()
    assert after[:-1] == original and after[-1].startswith("kh-moeys\tinstitution\t")
    assert load_glossary(gfile).get("kh-moeys").forbidden("en") == ["Education Ministry"]

    changed = mekong("glossary", "set", "country-vn", "status", "verified", "-g", gfile)
    assert changed.code == 0, changed.err
    assert load_glossary(gfile).get("country-vn").status == "verified"
    assert mekong("glossary", "remove", "kh-moeys", "-g", gfile).code == 0
    final = gfile.read_text(encoding="utf-8").splitlines()
    diff = [i for i, (a, b) in enumerate(zip(original, final, strict=True)) if a != b]
    assert len(final) == len(original) and len(diff) == 1  # only the edited row changed
    assert final[diff[0]].startswith("country-vn\t")

    shown = mekong("glossary", "show", "country-vn", "-g", gfile)
    assert "forbidden_en   Vietnam" in shown.out and "status         verified" in shown.out
    listed = mekong("glossary", "list", "--type", "place", "--lang", "km", "-g", gfile)
    assert "country-vn" in listed.out and "វៀតណាម" in listed.out and "min-justice" not in listed.out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["add", "min-justice", "--type", "title", "--source", "s", "--en", "X"], "already exists"),
        (["set", "country-vn", "km", "Vietnam"], "not written in the Khmer script"),
        (["set", "country-vn", "fr", "Viêt-nam"], "unknown language column 'fr'"),
        (["set", "no-such-id", "note", "x"], "no concept with id 'no-such-id'"),
        (["remove", "no-such-id"], "no concept with id"),
    ],
)  # fmt: skip
def test_refused_edits_leave_the_file_unchanged(mekong, gfile, args, message):
    before = gfile.read_bytes()
    result = mekong("glossary", *args, "-g", gfile)
    assert result.code != 0
    assert len(result.err.strip().splitlines()) == 1 and message in result.err
    assert gfile.read_bytes() == before


def test_find_lists_terms_with_positions(mekong, workdir):
    text = "Opening.\n\nH.E. the Minister of Justice thanked UNODC and the Ministry of Interior.\n"
    (workdir / "doc.txt").write_text(text, encoding="utf-8")
    result = mekong("glossary", "find", "doc.txt", "--lang", "en", "--format", "jsonl")
    assert result.code == 0, result.err
    hits = [json.loads(line) for line in result.out.splitlines()]
    assert [h["term_id"] for h in hits] == [
        "title-he",
        "title-minister-of-justice",
        "unodc",
        "min-interior",
    ]
    assert all(text[h["start"] : h["end"]] == h["text"] for h in hits)
    plain = mekong("glossary", "find", "doc.txt", "--lang", "en")
    assert "4 hits of 4 concepts" in plain.err


def test_tbx_export_reimports_to_the_same_concepts(mekong, workdir, gfile):
    exported = mekong("glossary", "export", "-g", gfile, "--format", "tbx", "-o", "g.tbx")
    assert exported.code == 0, exported.err
    imported = mekong("glossary", "import", "g.tbx", "-g", "copy.tsv")
    assert imported.code == 0, imported.err
    a, b = load_glossary(gfile), load_glossary(workdir / "copy.tsv")
    assert [c.cells for c in a.concepts] == [
        {k: c.cells.get(k, "") for k in a.columns} for c in b.concepts
    ]
    assert a.version == b.version
    csv_out = mekong("glossary", "export", "-g", gfile, "--format", "csv")
    assert csv_out.out.splitlines()[0].startswith("id,type,en,km")


def test_import_refuses_unsafe_tbx(mekong, workdir, gfile):
    before = gfile.read_bytes()
    (workdir / "x.tbx").write_text(
        '<?xml version="1.0"?>\n<!DOCTYPE tbx [<!ENTITY e "boom">]>\n<tbx>&e;</tbx>\n',
        encoding="utf-8",
    )
    result = mekong("glossary", "import", "x.tbx", "-g", gfile)
    assert result.code == 3 and "unsafe XML refused" in result.err
    assert gfile.read_bytes() == before


def test_help_has_examples(mekong):
    for command in ("list", "show", "add", "set", "remove", "lint", "find", "import", "export"):
        result = mekong("glossary", command, "--help")
        assert result.code == 0 and f"Example: mekong glossary {command}" in result.out, command
