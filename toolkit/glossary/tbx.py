"""TBX v3 Basic (ISO 30042): conceptEntry / langSec / termSec / term.

The first variant of a cell is `preferredTerm-admn-sts`, the others `admittedTerm-admn-sts`,
forbidden variants `deprecatedTerm-admn-sts`. Mekong's own fields (status, dnt, source) travel
as `<admin>`/`<note>` elements so an export re-imports to the same concepts. Parsing uses
defusedxml: a DOCTYPE or an entity declaration is refused, never resolved.
"""

from __future__ import annotations

from pathlib import Path
from xml.etree import ElementTree as ET

from toolkit.errors import GlossaryError
from toolkit.glossary.base import DEFAULT_COLUMNS, LANGS, VARIANT_SEP, Concept, Glossary, Line

NS = "urn:iso:std:iso:30042:ed-2"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
PREFERRED = "preferredTerm-admn-sts"
ADMITTED = "admittedTerm-admn-sts"
DEPRECATED = "deprecatedTerm-admn-sts"
NOTE_PREFIX = {key: f"mekong-{key}: " for key in ("status", "dnt", "scope", "level", "context")}


def _q(tag: str) -> str:
    return f"{{{NS}}}{tag}"


def dumps(glossary: Glossary) -> str:
    ET.register_namespace("", NS)
    root = ET.Element(_q("tbx"), {"style": "dca", "type": "TBX-Basic", XML_LANG: "en"})
    header = ET.SubElement(root, _q("tbxHeader"))
    desc = ET.SubElement(ET.SubElement(header, _q("fileDesc")), _q("sourceDesc"))
    ET.SubElement(desc, _q("p")).text = f"Mekong glossary {glossary.version}"
    body = ET.SubElement(ET.SubElement(root, _q("text")), _q("body"))
    for concept in glossary.concepts:
        entry = ET.SubElement(body, _q("conceptEntry"), {"id": concept.id})
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
            sec = ET.SubElement(entry, _q("langSec"), {XML_LANG: lang})
            statuses = [PREFERRED] + [ADMITTED] * (len(terms) - 1) + [DEPRECATED] * len(forbidden)
            for term, status in zip(terms + forbidden, statuses, strict=True):
                term_sec = ET.SubElement(sec, _q("termSec"))
                ET.SubElement(term_sec, _q("term")).text = term
                note = ET.SubElement(term_sec, _q("termNote"), {"type": "administrativeStatus"})
                note.text = status
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, "unicode") + "\n"


def parse(data: bytes, name: str, path: Path | None = None) -> Glossary:
    from defusedxml import DefusedXmlException
    from defusedxml.ElementTree import fromstring

    try:
        root = fromstring(data, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DefusedXmlException as exc:
        raise GlossaryError(
            f"{name}: unsafe XML refused ({exc.__class__.__name__}): a TBX file must not have a "
            "DOCTYPE or entity declarations"
        ) from None
    except ET.ParseError as exc:
        line = exc.position[0] if exc.position else "?"
        raise GlossaryError(f"{name}:{line}: not well-formed XML ({exc})") from None
    if _local(root.tag) != "tbx":
        raise GlossaryError(f"{name}: not a TBX file (root element <{_local(root.tag)}>)")
    glossary = Glossary(columns=list(DEFAULT_COLUMNS), lines=[Line(header=True)], path=path)
    for number, entry in enumerate(_all(root, "conceptEntry"), start=1):
        cells = {c: "" for c in DEFAULT_COLUMNS}
        cells["id"] = (entry.get("id") or "").strip()
        if not cells["id"]:
            raise GlossaryError(f"{name}: conceptEntry #{number} has no id attribute")
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
            elif tag == "langSec":
                _read_lang_sec(child, cells, name, cells["id"])
        cells["note"] = " ".join(notes)
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
    for term_sec in _all(sec, "termSec"):
        term = next((t for t in term_sec if _local(t.tag) == "term"), None)
        if term is None or not (term.text or "").strip():
            continue
        status = next(
            (
                (n.text or "").strip()
                for n in term_sec
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


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _all(element: ET.Element, tag: str) -> list[ET.Element]:
    return [e for e in element.iter() if _local(e.tag) == tag]
