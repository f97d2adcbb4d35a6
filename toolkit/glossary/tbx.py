"""TBX Basic in both versions: v3 (ISO 30042:2019, `<tbx>`: conceptEntry / langSec / termSec)
and v2 (ISO 30042:2008, `<martif>`: termEntry / langSet / tig or ntig/termGrp), which
translate-toolkit and most CAT tools read and write. The version is detected on import.

The first variant of a cell is `preferredTerm-admn-sts`, the others `admittedTerm-admn-sts`,
forbidden variants `deprecatedTerm-admn-sts`. Mekong's own fields (status, dnt, source) travel
as `<admin>`/`<note>` elements so an export re-imports to the same concepts. Parsing uses
`toolkit.xmlsafe`: an external DOCTYPE line is accepted (never fetched), entities are refused.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from xml.etree import ElementTree as ET

from toolkit.errors import GlossaryError
from toolkit.glossary.base import (
    DEFAULT_COLUMNS,
    LANGS,
    VARIANT_SEP,
    Concept,
    Glossary,
    GlossaryFormat,
    Line,
)

NS = "urn:iso:std:iso:30042:ed-2"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
PREFERRED = "preferredTerm-admn-sts"
ADMITTED = "admittedTerm-admn-sts"
DEPRECATED = "deprecatedTerm-admn-sts"
NOTE_PREFIX = {
    key: f"mekong-{key}: " for key in ("status", "dnt", "scope", "level", "context", "gender")
}


@dataclass(frozen=True)
class Dialect:
    """Element names of one TBX version (v2 has no namespace)."""

    version: int
    ns: str
    root: str
    header: str
    entry: str
    lang: str
    term_group: str

    def q(self, tag: str) -> str:
        return f"{{{self.ns}}}{tag}" if self.ns else tag


V3 = Dialect(3, NS, "tbx", "tbxHeader", "conceptEntry", "langSec", "termSec")
V2 = Dialect(2, "", "martif", "martifHeader", "termEntry", "langSet", "tig")
V2_DOCTYPE = '<!DOCTYPE martif SYSTEM "TBXBasiccoreStructV02.dtd">\n'


def dumps(glossary: Glossary, version: int = 3) -> str:
    """The glossary as TBX-Basic v3 (default) or v2 (`martif`)."""
    d = V3 if version == 3 else V2
    _q = d.q
    if d.ns:
        ET.register_namespace("", d.ns)
    attrs = {"type": "TBX-Basic", XML_LANG: "en"}
    root = ET.Element(_q(d.root), {"style": "dca", **attrs} if d.version == 3 else attrs)
    header = ET.SubElement(root, _q(d.header))
    desc = ET.SubElement(ET.SubElement(header, _q("fileDesc")), _q("sourceDesc"))
    ET.SubElement(desc, _q("p")).text = f"Mekong glossary {glossary.version}"
    if d.version == 2:
        encoding = ET.SubElement(header, "encodingDesc")
        ET.SubElement(encoding, "p", {"type": "XCSURI"}).text = "TBXBasicXCSV02.xcs"
    body = ET.SubElement(ET.SubElement(root, _q("text")), _q("body"))
    for concept in glossary.concepts:
        entry = ET.SubElement(body, _q(d.entry), {"id": concept.id})
        if concept.type:
            ET.SubElement(entry, _q("descrip"), {"type": "subjectField"}).text = concept.type
        if concept.cells.get("source", ""):
            ET.SubElement(entry, _q("admin"), {"type": "source"}).text = concept.cells["source"]
        for key in NOTE_PREFIX:
            value = concept.cells.get(key, "")
            if value:
                ET.SubElement(entry, _q("note")).text = NOTE_PREFIX[key] + value
        if concept.cells.get("note", ""):
            ET.SubElement(entry, _q("note")).text = concept.cells["note"]
        for lang in LANGS:
            terms = [t.strip() for t in concept.cells.get(lang, "").split("|") if t.strip()]
            forbidden = [
                t.strip()
                for t in concept.cells.get(f"forbidden_{lang}", "").split("|")
                if t.strip()
            ]
            if not terms and not forbidden:
                continue
            sec = ET.SubElement(entry, _q(d.lang), {XML_LANG: lang})
            statuses = [PREFERRED] + [ADMITTED] * (len(terms) - 1) + [DEPRECATED] * len(forbidden)
            for term, status in zip(terms + forbidden, statuses, strict=True):
                term_sec = ET.SubElement(sec, _q(d.term_group))
                ET.SubElement(term_sec, _q("term")).text = term
                note = ET.SubElement(term_sec, _q("termNote"), {"type": "administrativeStatus"})
                note.text = status
    ET.indent(root)
    prolog = '<?xml version="1.0" encoding="UTF-8"?>\n' + (V2_DOCTYPE if d.version == 2 else "")
    return prolog + ET.tostring(root, "unicode") + "\n"


def parse(data: bytes, name: str, path: Path | None = None) -> Glossary:
    from toolkit import xmlsafe

    root = xmlsafe.parse_or_raise(
        data,
        lambda exc: GlossaryError(
            f"{name}: unsafe XML refused ({exc}): a TBX file may name an external DTD but must "
            "not have an internal DOCTYPE subset or entity declarations"
        ),
        lambda exc: GlossaryError(f"{name}:{exc.line or '?'}: {exc}"),
    )
    d = {"tbx": V3, "martif": V2}.get(_local(root.tag))
    if d is None:
        raise GlossaryError(f"{name}: not a TBX file (root element <{_local(root.tag)}>)")
    glossary = Glossary(columns=list(DEFAULT_COLUMNS), lines=[Line(header=True)], path=path)
    for number, entry in enumerate(_all(root, d.entry), start=1):
        cells = {c: "" for c in DEFAULT_COLUMNS}
        cells["id"] = (entry.get("id") or "").strip()
        notes: list[str] = []
        for child in entry:
            tag, text = _local(child.tag), (child.text or "").strip()
            if tag == "descrip" and child.get("type") == "subjectField":
                cells["type"] = text
            elif tag == "admin" and child.get("type") == "source":
                cells["source"] = text
            elif tag == "note":
                for key, prefix in NOTE_PREFIX.items():
                    if text.startswith(prefix):
                        cells[key] = text.removeprefix(prefix)
                        break
                else:
                    notes.append(text)
            elif tag == d.lang:
                _read_lang_sec(child, cells, name, cells["id"])
        cells["note"] = " ".join(notes)
        if not cells["id"]:  # optional in TBX v2 (translate-toolkit leaves it out)
            cells["id"] = _id_from(cells, number)
        glossary.lines.append(Line(concept=Concept(cells, number)))
    return glossary


def _read_lang_sec(sec: ET.Element, cells: dict[str, str], name: str, concept_id: str) -> None:
    lang = (sec.get(XML_LANG) or "").strip().lower().split("-")[0]
    if lang not in LANGS:
        raise GlossaryError(
            f"{name}: concept '{concept_id}': unknown language '{lang}' "
            f"(languages are {', '.join(LANGS)})"
        )
    preferred: list[str] = []
    admitted: list[str] = []
    forbidden: list[str] = []
    # v3 termSec, v2 tig, or v2 ntig with its term and termNotes inside a termGrp
    groups = [e for e in sec.iter() if _local(e.tag) in ("termSec", "tig", "ntig")]
    for term_sec in groups:
        term = next((t for t in term_sec.iter() if _local(t.tag) == "term"), None)
        if term is None or not (term.text or "").strip():
            continue
        status = next(
            (
                (n.text or "").strip()
                for n in term_sec.iter()
                if _local(n.tag) == "termNote" and n.get("type") == "administrativeStatus"
            ),
            ADMITTED,
        )
        text = " ".join((term.text or "").split())
        if status in (DEPRECATED, "supersededTerm-admn-sts"):
            forbidden.append(text)
        elif status == PREFERRED:
            preferred.append(text)
        else:
            admitted.append(text)
    cells[lang] = VARIANT_SEP.join(preferred + admitted)
    cells[f"forbidden_{lang}"] = VARIANT_SEP.join(forbidden)


def _id_from(cells: dict[str, str], number: int) -> str:
    """An id for an entry without one: its first English term as a slug, else its number."""
    first = cells.get("en", "").split(VARIANT_SEP)[0]
    slug = re.sub(r"[^a-z0-9]+", "-", first.lower()).strip("-")[:64]
    return slug or f"tbx-{number}"


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _all(element: ET.Element, tag: str) -> list[ET.Element]:
    return [e for e in element.iter() if _local(e.tag) == tag]


class TbxFormat(GlossaryFormat):
    """TBX-Basic v3 on export; either version on import (detected from the root element)."""

    name = "tbx"
    extensions = (".tbx", ".xml")
    version = 3

    def read(self, data: bytes, name: str, path: Path | None = None) -> Glossary:
        return parse(data, name, path)

    def write(self, glossary: Glossary) -> str:
        return dumps(glossary, version=self.version)


class Tbx2Format(TbxFormat):
    """TBX v2 (`martif`), for tools that read only the 2008 version; chosen by name only."""

    name = "tbx2"
    extensions = ()
    version = 2
