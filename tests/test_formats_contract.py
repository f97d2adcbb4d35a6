"""One contract per family of file formats, run over every format of that family.

As translate-toolkit's storage tests do: a base class holds the suite, each format is a
subclass that names it (and its own malformed samples). A format registered without a subclass
here fails `test_every_*_format_runs_the_contract`, so a new format cannot skip the suite.

Glossary formats (toolkit.glossary.formats): a glossary with all five languages, variants and
forbidden forms survives a write and a read; a file without concepts stays without; an empty,
binary or malformed file is a GlossaryError naming the file (one line, exit 3 in the CLI);
an unknown suffix is a usage error that lists the known ones.

Store exchange formats (toolkit.store.formats): an export is stable bytes; an importable format
reads its own export back to the same targets; a file that is not one is an InputError.
"""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import ClassVar

import pytest

from toolkit.errors import GlossaryError, InputError, MekongError, UsageError
from toolkit.glossary import Glossary, load_glossary, save
from toolkit.glossary.base import DEFAULT_COLUMNS, LANGS, Concept, Line
from toolkit.glossary.fileio import dumps
from toolkit.glossary.formats import FORMATS as GLOSSARY_FORMATS
from toolkit.glossary.formats import format_for

# --- glossary formats -----------------------------------------------------------------------

ROWS = [
    {
        "id": "min-justice",
        "type": "institution",
        "en": "Ministry of Justice | Justice Ministry",
        "km": "ក្រសួងយុត្តិធម៌",
        "lo": "ກະຊວງຍຸຕິທຳ",
        "th": "กระทรวงยุติธรรม",
        "vi": "Bộ Tư pháp",
        "forbidden_en": "Department of Justice",
        "forbidden_km": "ក្រសួងច្បាប់",
        "forbidden_lo": "ກົມຍຸຕິທຳ",
        "forbidden_th": "กรมยุติธรรม",
        "forbidden_vi": "Sở Tư pháp | Bộ Công lý",
        "status": "verified",
        "source": "moj.gov.kh",
        "note": 'Official name, "quoted", with a comma',
    },
    {
        "id": "asean",
        "type": "acronym",
        **{lang: "ASEAN" for lang in LANGS},
        "dnt": "yes",
        "scope": "intl",
        "status": "proposed",
        "source": "asean.org",
    },
]


def sample_glossary() -> Glossary:
    """Two concepts in canonical columns, every language and forbidden column filled once."""
    lines = [Line(header=True)]
    for number, row in enumerate(ROWS, start=2):
        cells = {c: row.get(c, "") for c in DEFAULT_COLUMNS}
        lines.append(Line(concept=Concept(cells, number)))
    return Glossary(columns=list(DEFAULT_COLUMNS), lines=lines)


def content(glossary: Glossary) -> list[dict[str, str]]:
    """What a format must keep: each concept's non-empty cells, in order."""
    return [{k: v for k, v in c.cells.items() if v} for c in glossary.concepts]


class GlossaryFormatContract:
    """The suite every glossary format passes; a subclass names `fmt` and its bad samples."""

    fmt: ClassVar[str]
    malformed: ClassVar[tuple[bytes, ...]] = ()

    @property
    def spec(self):
        return GLOSSARY_FORMATS[self.fmt]

    def path(self, folder: Path, stem: str = "terms") -> Path:
        suffix = self.spec.extensions[0] if self.spec.extensions else ".xml"
        return folder / f"{stem}{suffix}"

    def test_round_trip_keeps_every_language_variant_and_forbidden_form(self) -> None:
        glossary = sample_glossary()
        back = self.spec.read(self.spec.write(glossary).encode("utf-8"), "mem")
        assert content(back) == content(glossary)
        assert back.concepts[0].terms("en") == ["Ministry of Justice", "Justice Ministry"]
        assert back.concepts[0].forbidden("vi") == ["Sở Tư pháp", "Bộ Công lý"]
        assert back.version == glossary.version

    def test_save_and_load_go_through_the_registry(self, tmp_path: Path) -> None:
        path = self.path(tmp_path)
        save(sample_glossary(), path, self.fmt)
        assert content(load_glossary(path, self.fmt)) == content(sample_glossary())
        if self.spec.extensions:  # the suffix alone selects the format
            assert format_for(path) is self.spec
            assert content(load_glossary(path)) == content(sample_glossary())

    def test_a_glossary_without_concepts_stays_without(self) -> None:
        empty = Glossary()
        back = self.spec.read(dumps(empty, self.fmt).encode("utf-8"), "mem")
        assert back.concepts == []

    def test_layout_is_kept_where_the_format_promises_it(self) -> None:
        glossary = sample_glossary()
        glossary.lines.insert(1, Line(raw="# a comment the maintainers wrote"))
        text = self.spec.write(glossary)
        back = self.spec.read(text.encode("utf-8"), "mem")
        assert content(back) == content(glossary)
        if self.spec.keeps_layout:
            assert self.spec.write(back) == text

    @pytest.mark.parametrize("data", [b"", b"\xff\xfe\x00\x81 not a glossary \x80"])
    def test_empty_or_binary_file_is_a_glossary_error(self, data: bytes, tmp_path: Path) -> None:
        path = self.path(tmp_path, "bad")
        path.write_bytes(data)
        with pytest.raises(GlossaryError, match="bad"):
            load_glossary(path, self.fmt)

    def test_malformed_file_is_a_glossary_error_naming_the_file(self, tmp_path: Path) -> None:
        assert self.malformed, "a format names at least one malformed sample of its own"
        for number, data in enumerate(self.malformed):
            path = self.path(tmp_path, f"broken{number}")
            path.write_bytes(data)
            with pytest.raises(GlossaryError, match=f"broken{number}"):
                load_glossary(path, self.fmt)

    def test_cli_reports_a_malformed_file_in_one_line(self, mekong, workdir: Path) -> None:
        path = self.path(workdir, "broken")
        path.write_bytes(self.malformed[0])
        result = mekong("glossary", "import", path, "-f", self.fmt, "-g", "new.tsv")
        assert result.code == 3, result.err
        assert "Traceback" not in result.err
        assert len(result.err.strip().splitlines()) == 1
        assert result.err.startswith("error: ") and "broken" in result.err
        assert not (workdir / "new.tsv").exists()

    def test_cli_exports_what_the_library_writes(self, mekong, workdir: Path) -> None:
        save(sample_glossary(), workdir / "g.tsv", "tsv")
        result = mekong("glossary", "export", "-g", "g.tsv", "-f", self.fmt, "-o", "-")
        assert result.code == 0, result.err
        assert result.out == dumps(load_glossary(workdir / "g.tsv"), self.fmt)


class TestTsvGlossary(GlossaryFormatContract):
    fmt = "tsv"
    malformed = (
        b"id\ttype\tstatus\tsource\ten\nx\tother\tproposed\n",  # a row short of cells
        b"id\ttype\tstatus\tsource\tzz\n",  # an unknown language column
        b"id\ttype\ten\nx\tother\tX\n",  # required columns missing
    )


class TestCsvGlossary(GlossaryFormatContract):
    fmt = "csv"
    malformed = (
        b'id,type,status,source,en\nx,other,proposed,s,"unclosed\n',
        b"id,type,status,source,en\nx,other\n",
        b"en,km\nA,B\n",
    )


TBX_BAD = (
    b"<tbx><text><body><conceptEntry id='x'>",  # cut off
    b"<?xml version='1.0'?><html><body/></html>",  # not TBX
    b"<tbx><text><body><conceptEntry id='x'><langSec xml:lang='zz'><termSec><term>A</term>"
    b"</termSec></langSec></conceptEntry></body></text></tbx>",  # unknown language
    b"<!DOCTYPE tbx [<!ENTITY e 'x'>]><tbx>&e;</tbx>",  # entities refused
)


class TestTbxGlossary(GlossaryFormatContract):
    fmt = "tbx"
    malformed = TBX_BAD


class TestTbx2Glossary(GlossaryFormatContract):
    fmt = "tbx2"
    malformed = TBX_BAD


def test_every_glossary_format_runs_the_contract() -> None:
    tested = {cls.fmt for cls in GlossaryFormatContract.__subclasses__()}
    assert tested == set(GLOSSARY_FORMATS)


def test_cli_names_the_registrys_glossary_formats() -> None:
    from toolkit.cli.options import GLOSSARY_FORMATS as CLI_FORMATS

    assert tuple(GLOSSARY_FORMATS) == CLI_FORMATS


def test_unknown_suffix_is_a_usage_error_listing_the_known_ones(tmp_path: Path) -> None:
    path = tmp_path / "terms.docx"
    path.write_text("id\ttype\n", encoding="utf-8")
    with pytest.raises(UsageError) as refused:
        load_glossary(path)
    message = str(refused.value)
    assert "'.docx'" in message and "--" not in message
    for suffix in (".tsv", ".csv", ".tbx"):
        assert suffix in message
    with pytest.raises(UsageError, match="choose one of tsv, csv, tbx, tbx2"):
        load_glossary(path, "docx")


def test_cli_spells_the_unknown_suffix_error_with_its_flag(mekong, workdir: Path) -> None:
    (workdir / "terms.docx").write_text("id\ttype\n", encoding="utf-8")
    result = mekong("glossary", "import", "terms.docx", "-g", "new.tsv")
    assert result.code == 2
    assert "'.docx'" in result.err and "--format" in result.err
    assert len(result.err.strip().splitlines()) == 1


# --- store exchange formats -----------------------------------------------------------------


@pytest.fixture(scope="module")
def frame(tmp_path_factory: pytest.TempPathFactory):
    """A stored document with two targets (made by the pipeline on the fake engine)."""
    from tests.fakes import FakeEngine
    from tests.reviewdata import make_stored_doc
    from toolkit import store

    folder = tmp_path_factory.mktemp("aligned")
    return store.read_doc(str(make_stored_doc(FakeEngine(), folder)), folder)


class StoreFormatContract:
    """The suite every store exchange format passes; a subclass names `fmt`."""

    fmt: ClassVar[str]

    @property
    def spec(self):
        from toolkit.store.formats import get_format

        return get_format(self.fmt)

    def rows(self, frame):
        """What one file of this format holds: one target for a per-target format."""
        return frame.filter(frame["tgt_lang"] == "km") if self.spec.per_target else frame

    def test_export_is_stable_bytes(self, frame) -> None:
        data = self.spec.export(self.rows(frame))
        assert isinstance(data, bytes) and data
        assert self.spec.export(self.rows(frame)) == data

    def test_import_reads_its_own_export_back(self, frame) -> None:
        rows = self.rows(frame)
        data = self.spec.export(rows)
        if not self.spec.importable:
            with pytest.raises(InputError, match="cannot be imported"):
                self.spec.read(data, "file")
            return
        back = {(r.doc_id, r.seg_id, r.tgt_lang): r for r in self.spec.read(data, "file")}
        expected = {(r["doc_id"], r["seg_id"], r["tgt_lang"]): r for r in rows.to_dicts()}
        assert set(back) == set(expected)
        for key, row in expected.items():
            assert back[key].tgt_text == row["tgt_text"]
            assert back[key].src_text in (None, row["src_text"])
            assert back[key].review in (None, row["review"])

    def test_no_rows_is_a_file_or_a_domain_error(self, frame) -> None:
        try:
            data = self.spec.export(self.rows(frame).head(0))
        except MekongError:
            return
        if self.spec.importable:
            with contextlib.suppress(InputError):  # a file of nothing may be refused
                assert self.spec.read(data, "file") == []

    @pytest.mark.parametrize("kind", ["empty", "binary", "cut"])
    def test_a_file_that_is_not_one_is_an_input_error(self, kind: str, frame) -> None:
        if not self.spec.importable:
            pytest.skip("export only")
        whole = self.spec.export(self.rows(frame))
        data = {"empty": b"", "binary": b"\xff\xfe\x00\x81garbage", "cut": whole[: len(whole) // 2]}
        with pytest.raises(InputError, match="^broken"):
            self.spec.read(data[kind], "broken")


class TestTsvStore(StoreFormatContract):
    fmt = "tsv"


class TestTmxStore(StoreFormatContract):
    fmt = "tmx"


class TestXliffStore(StoreFormatContract):
    fmt = "xliff"


class TestXliff12Store(StoreFormatContract):
    fmt = "xliff12"


class TestXlsxStore(StoreFormatContract):
    fmt = "xlsx"


def test_every_store_format_runs_the_contract() -> None:
    from toolkit.store.formats import FORMATS

    assert {cls.fmt for cls in StoreFormatContract.__subclasses__()} == set(FORMATS)


def test_unknown_store_format_is_a_usage_error() -> None:
    from toolkit.store.formats import get_format

    with pytest.raises(UsageError, match="choose one of tsv, tmx"):
        get_format("docx")
