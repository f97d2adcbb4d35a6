"""Reading documents: files in, one normalised text with its paragraphs out.

Normalisation happens once, here, so every later span (segments, glossary hits) indexes the
same string: NFC, Unix line ends, no zero-width characters that carry no meaning.
"""

from __future__ import annotations

import codecs
import io
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from toolkit.errors import InputError
from toolkit.files import check_zip, display_name, is_stdio, read_input_bytes

MAX_BYTES = 50 * 1024 * 1024
TEXT_SUFFIXES = {".txt", ".md", ".text", ".markdown", ""}
DOCX_SUFFIXES = {".docx"}

# Always removed: zero-width space, word joiner, BOM used as ZWNBSP, soft hyphen.
_ALWAYS_DROP = re.compile("[\u200b\u2060\ufeff\u00ad]")
# ZWNJ / ZWJ only matter between letters of a complex script (Khmer rendering); elsewhere dropped.
_JOINERS = re.compile("[\u200c\u200d]")
_KHMER = re.compile("[\u1780-\u17ff\u19e0-\u19ff]")
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_PARA_BREAK = re.compile(r"\n[ \t\u00a0]*\n\s*")


@dataclass(frozen=True)
class Paragraph:
    para_id: int
    start: int
    end: int


@dataclass
class Document:
    """A normalised document: `text` plus paragraph spans into it."""

    text: str
    paragraphs: list[Paragraph] = field(default_factory=list)
    path: str | None = None

    def paragraph_text(self, para: Paragraph) -> str:
        return self.text[para.start : para.end]


def strip_controls(text: str) -> str:
    """Without C0 control characters (tab and newline kept): no text in the store has them,
    so every export format (XML 1.0 cannot hold them) round-trips what is stored."""
    return _CONTROL.sub("", text)


def entering_text(text: str) -> str:
    """An edited or imported target as the store keeps it: Unix line ends, no control
    characters (one rule for review files and the review page)."""
    return strip_controls(text.replace("\r\n", "\n").replace("\r", "\n"))


def normalize(text: str) -> str:
    """NFC, Unix line ends, zero-width characters dropped where they mean nothing."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _ALWAYS_DROP.sub("", text)
    text = _JOINERS.sub(lambda m: _keep_joiner(m, text), text)
    text = strip_controls(text)
    return unicodedata.normalize("NFC", text)


def _keep_joiner(match: re.Match[str], text: str) -> str:
    i = match.start()
    before = text[i - 1] if i > 0 else ""
    after = text[i + 1] if i + 1 < len(text) else ""
    return match.group() if _KHMER.match(before) and _KHMER.match(after) else ""


def split_paragraphs(text: str) -> list[Paragraph]:
    """Paragraphs are separated by blank lines; spans exclude surrounding whitespace."""
    paragraphs: list[Paragraph] = []
    pos = 0
    for chunk in _PARA_BREAK.split(text):
        start = text.index(chunk, pos) if chunk else pos
        end = start + len(chunk)
        pos = end
        stripped_start = start + (len(chunk) - len(chunk.lstrip()))
        stripped_end = start + len(chunk.rstrip())
        if stripped_end > stripped_start:
            paragraphs.append(Paragraph(len(paragraphs), stripped_start, stripped_end))
    return paragraphs


def from_text(text: str, path: str | None = None) -> Document:
    """Build a Document from a string (normalising it)."""
    normalised = normalize(text)
    return Document(normalised, split_paragraphs(normalised), path)


def decode(data: bytes, name: str, encoding: str | None = None) -> str:
    """Decode bytes: an explicit encoding, else UTF-8 / UTF-16 by BOM or by NUL pattern."""
    if encoding:
        try:
            codecs.lookup(encoding)
        except LookupError:
            raise InputError(f"{name}: unknown encoding '{encoding}'") from None
        try:
            return data.decode(encoding)
        except UnicodeDecodeError as exc:
            raise InputError(f"{name}: not valid {encoding} (byte {exc.start})") from None
    if data.startswith(codecs.BOM_UTF8):
        return _strict(data[3:], "utf-8", name)
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return _strict(data, "utf-16", name)
    utf16 = _guess_utf16_without_bom(data)
    if utf16:
        return _strict(data, utf16, name)
    if b"\x00" in data:
        raise InputError(f"{name}: looks like a binary file (NUL bytes), not text")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(
            f"{name}: not UTF-8 or UTF-16 (undecodable byte at offset {exc.start}); "
            "convert it to UTF-8 or pass {encoding} (e.g. cp874 for legacy Thai)",
            options=["encoding"],
        ) from None


def _strict(data: bytes, encoding: str, name: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise InputError(f"{name}: invalid {encoding} at byte {exc.start}") from None


def _guess_utf16_without_bom(data: bytes) -> str | None:
    sample = data[:4096]
    if len(sample) < 4 or len(sample) % 2:
        return None
    half = len(sample) // 2
    # UTF-16 text has a near-constant high byte: 0x00 for Latin, 0x0E for Thai/Lao, 0x17 for
    # Khmer, 0x1E for Vietnamese letters, 0x20 for punctuation. UTF-8 text never does.
    high_bytes = (0x00, 0x0E, 0x17, 0x1E, 0x20)
    even_high = sum(sample[0::2].count(b) for b in high_bytes)
    odd_high = sum(sample[1::2].count(b) for b in high_bytes)
    odd_dominant = max(sample[1::2].count(b) for b in high_bytes[:4]) > 0.4 * half
    even_dominant = max(sample[0::2].count(b) for b in high_bytes[:4]) > 0.4 * half
    if odd_high > 0.6 * half and odd_dominant and even_high < 0.3 * half:
        return "utf-16-le"
    if even_high > 0.6 * half and even_dominant and odd_high < 0.3 * half:
        return "utf-16-be"
    return None


def read(path: str | Path, encoding: str | None = None) -> Document:
    """Read a .txt, .md or .docx file (or text on stdin for `-`) into a normalised Document."""
    name = display_name(path)
    p = Path(path)
    if not is_stdio(path) and p.suffix.lower() in DOCX_SUFFIXES:
        data = read_input_bytes(path, MAX_BYTES)
        check_zip(data, name, ".docx file")  # a zip bomb fails here, before python-docx inflates it
        text = _read_docx(data, name)
    else:
        data = read_input_bytes(path, MAX_BYTES)
        if data.startswith(b"PK\x03\x04"):
            raise InputError(
                f"{name}: looks like a zip/Office file; use a .docx name for Word files"
            )
        text = decode(data, name, encoding)
    doc = from_text(text, name)
    if not doc.paragraphs:
        raise InputError(f"{name}: no text in the document")
    return doc


def _read_docx(data: bytes, path: str) -> str:
    """Paragraphs and table cells of a Word file, in body order, blank-line separated."""
    try:
        import docx  # python-docx
        from docx.opc.exceptions import PackageNotFoundError
    except ImportError as exc:  # pragma: no cover - declared dependency
        raise InputError("reading .docx needs python-docx (pip install python-docx)") from exc
    try:
        document = docx.Document(io.BytesIO(data))
    except (PackageNotFoundError, KeyError, ValueError, OSError) as exc:
        raise InputError(f"{path}: not a readable .docx file ({exc.__class__.__name__})") from None
    except Exception as exc:  # zipfile.BadZipFile and lxml errors on corrupt files
        raise InputError(f"{path}: not a readable .docx file ({exc.__class__.__name__})") from None
    from docx.table import Table
    from docx.text.paragraph import Paragraph as DocxParagraph

    blocks: list[str] = []
    for item in document.iter_inner_content():
        if isinstance(item, DocxParagraph):
            blocks.append(item.text)
        elif isinstance(item, Table):
            for row in item.rows:
                for cell in row.cells:
                    blocks.append(cell.text)
    blocks.extend(_docx_footnotes(document))
    return "\n\n".join(b for b in blocks if b.strip())


_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _docx_footnotes(document: object) -> list[str]:
    """Footnote paragraphs (python-docx does not expose them), parsed with a safe XML parser."""
    from defusedxml import ElementTree as SafeET

    blocks: list[str] = []
    package = document.part.package  # type: ignore[attr-defined]
    for part in package.iter_parts():
        if str(part.partname) not in ("/word/footnotes.xml", "/word/endnotes.xml"):
            continue
        try:
            root = SafeET.fromstring(part.blob)
        except Exception as exc:  # defusedxml raises its own and ParseError types
            raise InputError(f"unreadable footnotes in .docx ({exc.__class__.__name__})") from None
        for note in root:
            note_id = note.get(f"{_W}id", "0")
            if note_id.lstrip("-").isdigit() and int(note_id) <= 0:
                continue  # separators
            for para in note.iter(f"{_W}p"):
                text = "".join(t.text or "" for t in para.iter(f"{_W}t"))
                if text.strip():
                    blocks.append(text)
    return blocks
