import codecs

import pytest

from toolkit import documents
from toolkit.cli.app import flag_of
from toolkit.errors import InputError


def test_normalise_nfc_zero_width_and_line_ends():
    doc = documents.from_text("Vie\u0323\u0302t Nam\u200b\r\nline\ufeff two\r\n")
    assert doc.text == "Việt Nam\nline two\n"


def test_khmer_joiner_kept_only_between_khmer_letters():
    assert documents.normalize("ក\u200cក a\u200cb") == "ក\u200cក ab"


def test_paragraph_spans_index_the_text():
    doc = documents.from_text("  Title\n\nExcellencies,\nLadies and gentlemen,\n \n\nLast.  ")
    texts = [doc.paragraph_text(p) for p in doc.paragraphs]
    assert texts == ["Title", "Excellencies,\nLadies and gentlemen,", "Last."]
    assert [p.para_id for p in doc.paragraphs] == [0, 1, 2]


@pytest.mark.parametrize(
    "encode",
    [
        lambda t: t.encode("utf-8"),
        lambda t: codecs.BOM_UTF8 + t.encode("utf-8"),
        lambda t: t.encode("utf-16"),
        lambda t: t.encode("utf-16-le"),
        lambda t: t.encode("utf-16-be"),
    ],
)
@pytest.mark.parametrize("text", ["Thank you, Excellencies.", "ขอบคุณครับ", "សូមអរគុណ។", "Cảm ơn."])
def test_read_detects_utf8_and_utf16(tmp_path, encode, text):
    path = tmp_path / "speech.txt"
    path.write_bytes(encode(text))
    assert documents.read(path).text == text


def test_legacy_encoding_needs_explicit_encoding(tmp_path):
    path = tmp_path / "thai.txt"
    path.write_bytes("กระทรวงยุติธรรม".encode("cp874"))
    with pytest.raises(InputError, match="thai.txt.*pass encoding ") as refused:
        documents.read(path)
    assert "pass --encoding (e.g. cp874" in refused.value.phrase(flag_of)
    assert documents.read(path, encoding="cp874").text == "กระทรวงยุติธรรม"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "no text"),
        (b"   \n\n\t\n", "no text"),
        (b"\x00\x01\x02\xff\xfe\x00binary\x00", "binary|UTF"),
        (b"caf\xe9 au lait", "not UTF-8"),
        (b"PK\x03\x04rest-of-zip", "zip"),
    ],
)
def test_bad_files_raise_input_errors(tmp_path, content, message):
    path = tmp_path / "bad.txt"
    path.write_bytes(content)
    with pytest.raises(InputError, match=message):
        documents.read(path)


def test_missing_and_directory(tmp_path):
    with pytest.raises(InputError, match="no such file"):
        documents.read(tmp_path / "nope.txt")
    with pytest.raises(InputError, match="directory"):
        documents.read(tmp_path)


def test_docx_paragraphs_and_tables(tmp_path):
    import docx

    d = docx.Document()
    d.add_paragraph("Opening remarks")
    d.add_paragraph("")
    table = d.add_table(rows=1, cols=2)
    table.cell(0, 0).text = "Ministry of Justice"
    table.cell(0, 1).text = "ក្រសួងយុត្តិធម៌"
    d.add_paragraph("Thank you!")
    path = tmp_path / "speech.docx"
    d.save(path)
    doc = documents.read(path)
    texts = [doc.paragraph_text(p) for p in doc.paragraphs]
    assert texts == ["Opening remarks", "Ministry of Justice", "ក្រសួងយុត្តិធម៌", "Thank you!"]


def test_corrupt_docx(tmp_path):
    path = tmp_path / "broken.docx"
    path.write_bytes(b"PK\x03\x04 not really a zip")
    with pytest.raises(InputError, match="broken.docx"):
        documents.read(path)


def _add_footnotes(path, notes):
    """Add a footnotes part to a saved .docx (python-docx cannot write footnotes)."""
    import zipfile

    w = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    body = "".join(
        f'<w:footnote w:id="{i}"><w:p><w:r><w:t>{text}</w:t></w:r></w:p></w:footnote>'
        for i, text in enumerate(notes, start=1)
    )
    footnotes = (
        f'<?xml version="1.0" encoding="UTF-8"?><w:footnotes xmlns:w="{w}">'
        '<w:footnote w:id="-1" w:type="separator"><w:p><w:r><w:t>---</w:t></w:r></w:p>'
        f"</w:footnote>{body}</w:footnotes>"
    )
    with zipfile.ZipFile(path) as zin:
        items = {n: zin.read(n) for n in zin.namelist()}
    items["word/footnotes.xml"] = footnotes.encode()
    items["[Content_Types].xml"] = items["[Content_Types].xml"].replace(
        b"</Types>",
        b'<Override PartName="/word/footnotes.xml" ContentType="application/'
        b'vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"/></Types>',
    )
    items["word/_rels/document.xml.rels"] = items["word/_rels/document.xml.rels"].replace(
        b"</Relationships>",
        b'<Relationship Id="rIdFn1" Type="http://schemas.openxmlformats.org/officeDocument/'
        b'2006/relationships/footnotes" Target="footnotes.xml"/></Relationships>',
    )
    with zipfile.ZipFile(path, "w") as zout:
        for name, data in items.items():
            zout.writestr(name, data)


def test_docx_footnotes_are_read_after_the_body(tmp_path):
    import docx

    d = docx.Document()
    d.add_paragraph("The penal code was amended in 2024.")
    path = tmp_path / "with-notes.docx"
    d.save(path)
    _add_footnotes(path, ["See the Penal Code, Article 12.", "ក្រមព្រហ្មទណ្ឌ"])
    doc = documents.read(path)
    texts = [doc.paragraph_text(p) for p in doc.paragraphs]
    assert texts == [
        "The penal code was amended in 2024.",
        "See the Penal Code, Article 12.",
        "ក្រមព្រហ្មទណ្ឌ",
    ]
