"""No write corrupts a glossary or destroys a file: cell rule, output checks, symlinks, zips."""

from __future__ import annotations

import io
import random
import stat
import zipfile
from pathlib import Path

import pytest

from toolkit import documents, files
from toolkit.cli.app import flag_of
from toolkit.errors import InputError, UsageError
from toolkit.glossary import load_glossary
from toolkit.glossary.base import Concept, Glossary

HEADER = "id\ttype\ten\tvi\tstatus\tsource\tnote\n"
ROW = "court\tinstitution\tSupreme Court\tTòa án Tối cao\tproposed\tsession test\t\n"


@pytest.fixture
def gfile(workdir: Path) -> Path:
    path = workdir / "terms.tsv"
    path.write_text(HEADER + ROW, encoding="utf-8")
    return path


ADD = ["glossary", "add", "new-term", "--type", "institution", "--en", "Audit Office"]
BAD_ADDS = {
    "tab in note": [*ADD, "--vi", "Kiểm toán", "--source", "s", "--note", "a\tb"],
    "newline in source": [*ADD, "--vi", "Kiểm toán", "--source", "one\ntwo"],
    "newline in id": ["glossary", "add", "bad\nid", "--type", "other", "--source", "s"],
    "control char in term": [*ADD, "--vi", "Kiểm\x07toán", "--source", "s"],
    "line separator in note": [*ADD, "--vi", "Kiểm toán", "--source", "s", "--note", "a\u2028b"],
}


@pytest.mark.parametrize("case", sorted(BAD_ADDS))
def test_add_refuses_bad_cells_and_leaves_the_file(mekong, gfile, case):
    before = gfile.read_bytes()
    result = mekong(*BAD_ADDS[case], "-g", gfile)
    assert result.code == 3, result.err
    assert len(result.err.strip().splitlines()) == 1, result.err
    assert "concept" in result.err and "not allowed in a glossary cell" in result.err
    assert gfile.read_bytes() == before
    assert mekong("glossary", "remove", "court", "-g", gfile).code == 0  # still loadable


def test_set_refuses_a_control_character(mekong, gfile):
    before = gfile.read_bytes()
    result = mekong("glossary", "set", "court", "note", "x\x1by", "-g", gfile)
    assert result.code == 3 and "note" in result.err and "U+001B" in result.err
    assert gfile.read_bytes() == before


def _bad_sources(folder: Path) -> dict[str, Path]:
    """The same bad concept (a line break in its note) as CSV and TBX, and a TSV with a BEL."""
    from toolkit.glossary import csvfile, tbx

    cells = {
        "id": "audit",
        "type": "institution",
        "en": "Audit Office",
        "vi": "Kiểm toán",
        "status": "proposed",
        "source": "s",
        "note": "first line\nsecond line",
    }
    g = Glossary(columns=list(cells), path=None)
    g.add(Concept(dict(cells)))
    out = {"csv": folder / "in.csv", "tbx": folder / "in.tbx", "tsv": folder / "in.tsv"}
    out["csv"].write_text(csvfile.dumps(g), encoding="utf-8")
    out["tbx"].write_text(tbx.dumps(g), encoding="utf-8")
    out["tsv"].write_text(HEADER + "audit\tinstitution\tAudit\tKiểm toán\tproposed\ts\tbell\x07\n")
    return out


@pytest.mark.parametrize("fmt", ["csv", "tbx", "tsv"])
def test_import_of_every_format_refuses_bad_cells(mekong, gfile, workdir, fmt):
    source = _bad_sources(workdir)[fmt]
    before = gfile.read_bytes()
    result = mekong("glossary", "import", source, "-g", gfile, "--force")
    assert result.code == 3, result.err
    assert "concept 'audit'" in result.err and "note" in result.err
    assert gfile.read_bytes() == before
    assert mekong("glossary", "lint", gfile).code == 0  # the target still loads and is clean


@pytest.mark.parametrize("fmt", ["csv", "tbx", "tsv"])
def test_lint_reports_bad_cells(mekong, workdir, fmt):
    source = _bad_sources(workdir)[fmt]
    result = mekong("glossary", "lint", source)
    assert result.code == 1
    assert "note: contains" in result.out and "not allowed in a glossary cell" in result.out


def test_export_refuses_a_glossary_with_a_bad_cell(mekong, workdir):
    source = _bad_sources(workdir)["csv"]
    result = mekong("glossary", "export", "-g", source, "-f", "tsv", "-o", "-")
    assert result.code == 3 and result.out == "" and "note" in result.err


# --- outputs never destroy an input, a store file or (without --force) an existing file -----


def test_check_output_rules(tmp_path: Path):
    store_dir = tmp_path / "aligned"
    store_dir.mkdir()
    doc = store_dir / "speech.parquet"
    doc.write_bytes(b"PAR1 stand-in for a store file")
    other = tmp_path / "old.tmx"
    other.write_text("old")
    with pytest.raises(UsageError, match="input of this command"):
        files.check_output(doc, [doc], force=True)
    with pytest.raises(UsageError, match="store file"):
        files.check_output(store_dir / "new.parquet", [], force=True, stores=[store_dir])
    with pytest.raises(UsageError, match="store file"):
        files.check_output(doc, [], force=True)  # a Parquet file anywhere
    with pytest.raises(UsageError, match="exists; pass force=True") as refused:
        files.check_output(other, [], force=False)
    assert refused.value.phrase(flag_of) == f"--output {other}: exists; pass --force to replace it"
    files.check_output(other, [], force=True)
    files.check_output(tmp_path / "new.tmx", [], force=False)
    files.check_output("-", [doc], force=False)
    link = tmp_path / "link.tsv"
    link.symlink_to(other)
    with pytest.raises(UsageError, match="input of this command"):
        files.check_output(link, [other], force=True)


def test_glossary_export_onto_its_own_file_is_refused(mekong, gfile, workdir):
    before = gfile.read_bytes()
    for extra in ([], ["--force"]):
        result = mekong("glossary", "export", "-g", gfile, "-f", "tsv", "-o", gfile, *extra)
        assert result.code == 2 and "input of this command" in result.err
        assert gfile.read_bytes() == before
    (workdir / "copy.csv").write_text("keep me")
    refused = mekong("glossary", "export", "-g", gfile, "-f", "csv", "-o", "copy.csv")
    assert refused.code == 2 and "--force" in refused.err
    assert (workdir / "copy.csv").read_text() == "keep me"
    forced = mekong("glossary", "export", "-g", gfile, "-f", "csv", "-o", "copy.csv", "--force")
    assert forced.code == 0 and (workdir / "copy.csv").read_text().startswith("id,")


# --- atomic writes: symlinks, modes, line ends and BOM -------------------------------------


def test_atomic_write_through_a_symlink_updates_its_target(tmp_path: Path):
    real = tmp_path / "shared" / "terms.tsv"
    real.parent.mkdir()
    real.write_text("old")
    real.chmod(0o640)
    link = tmp_path / "terms.tsv"
    link.symlink_to(real)
    files.atomic_write_bytes(link, b"new")
    assert link.is_symlink() and real.read_bytes() == b"new"
    assert stat.S_IMODE(real.stat().st_mode) == 0o640


def test_glossary_edit_through_a_symlink_keeps_the_link(mekong, gfile, workdir):
    link = workdir / "linked.tsv"
    link.symlink_to(gfile)
    gfile.chmod(0o600)
    assert mekong("glossary", "set", "court", "note", "checked", "-g", link).code == 0
    assert link.is_symlink()
    assert load_glossary(gfile).get("court").cells["note"] == "checked"
    assert stat.S_IMODE(gfile.stat().st_mode) == 0o600


def test_glossary_save_keeps_crlf_and_bom(mekong, gfile):
    text = "# comment\n" + HEADER + ROW
    gfile.write_bytes(b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode("utf-8"))
    assert mekong("glossary", "set", "court", "note", "seen", "-g", gfile).code == 0
    data = gfile.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf# comment\r\n")
    assert data.count(b"\r\n") == data.count(b"\n") == 3
    assert b"\tseen\r\n" in data
    assert mekong("glossary", "remove", "court", "-g", gfile).code == 0
    assert gfile.read_bytes().count(b"\r\n") == 2


# --- zip bombs -----------------------------------------------------------------------------


def _docx_with(tmp_path: Path, extra: dict[str, bytes]) -> Path:
    import docx

    d = docx.Document()
    d.add_paragraph("The delegates arrived in the morning.")
    buffer = io.BytesIO()
    d.save(buffer)
    path = tmp_path / "speech.docx"
    with zipfile.ZipFile(buffer, "a", zipfile.ZIP_DEFLATED) as zf:
        for name, data in extra.items():
            zf.writestr(name, data)
    path.write_bytes(buffer.getvalue())
    return path


def test_docx_bomb_is_refused_before_parsing(tmp_path: Path):
    path = _docx_with(tmp_path, {"word/media/pad.bin": bytes(20 * 1024 * 1024)})
    assert path.stat().st_size < 100_000
    with pytest.raises(InputError, match="zip bomb"):
        documents.read(path)


def test_zip_total_size_limit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    path = _docx_with(tmp_path, {"word/media/a.bin": random.Random(7).randbytes(2 * 1024 * 1024)})
    assert documents.read(path).text.startswith("The delegates")
    monkeypatch.setattr(files, "MAX_UNZIPPED", 1024 * 1024)
    with pytest.raises(InputError, match=r"expands to .* zip bomb"):
        documents.read(path)


def test_xlsx_bomb_is_refused_on_import(mekong, workdir):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("xl/sharedStrings.xml", bytes(30 * 1024 * 1024))
    (workdir / "review.xlsx").write_bytes(buffer.getvalue())
    result = mekong("import-review", "review.xlsx")
    assert result.code == 3 and "zip bomb" in result.err
    assert len(result.err.strip().splitlines()) == 1


def test_export_never_overwrites_a_store_file(mekong, workdir, fake_engine):
    from tests.reviewdata import DOC_ID, make_stored_doc

    path = make_stored_doc(fake_engine, workdir / "aligned")
    before = path.read_bytes()
    for target in (path, workdir / "aligned" / "new.parquet"):
        for command in (["export", DOC_ID, "-f", "tsv"], ["export-tm"]):
            result = mekong(*command, "-o", target, "--force")
            assert result.code == 2, result.err
            assert "store file" in result.err or "input of this command" in result.err
    assert path.read_bytes() == before and not (workdir / "aligned" / "new.parquet").exists()
    assert mekong("export", DOC_ID, "-f", "tsv", "-o", "out.tsv").code == 0
    again = mekong("export", DOC_ID, "-f", "tmx", "-o", "out.tsv")
    assert again.code == 2 and "exists; pass --force" in again.err
    assert mekong("export", DOC_ID, "-f", "tmx", "-o", "out.tsv", "--force").code == 0
    assert (workdir / "out.tsv").read_bytes().lstrip().startswith(b"<?xml")


def test_two_symlinks_to_one_glossary_share_its_lock(tmp_path: Path):
    from toolkit.errors import StoreError
    from toolkit.files import exclusive

    real = tmp_path / "real.tsv"
    real.write_text(HEADER)
    one, two = tmp_path / "one.tsv", tmp_path / "two.tsv"
    one.symlink_to(real)
    two.symlink_to(real)
    busy = pytest.raises(StoreError, match="another mekong process")
    with exclusive(one, "glossary"), busy, exclusive(two, "glossary"):
        pass
