"""XLIFF 1.2: what OmegaT, Trados and translate-toolkit read as `.xlf`.

1.2 names the target language per `<file>`, so one file holds every target: a `<file>` per
target language (`original` = the document id), a `trans-unit` per segment (`resname` = seg_id).
Review states: `review_states`. Score, status, origin, terms: `<note from="mekong-…">`.
`import-review` reads 1.2 through the same `.xlf` suffix as 2.0 (the version is detected).
"""

from __future__ import annotations

from xml.etree import ElementTree as ET

import polars as pl

from toolkit.errors import InputError
from toolkit.store.formats.base import (
    TEST_MODEL_NOTE,
    TOOL,
    TOOL_VERSION,
    ExportFormat,
    ImportedRow,
    parse_seg_id,
    parse_xml,
    row_notes,
    xml_text,
)
from toolkit.store.formats.review_states import review_of_12, state_12

NS = "urn:oasis:names:tc:xliff:document:1.2"
XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"


def _q(tag: str) -> str:
    return f"{{{NS}}}{tag}"


def _note(parent: ET.Element, origin: str, text: object) -> None:
    ET.SubElement(parent, _q("note"), {"from": origin}).text = xml_text(text)


def _unit(body: ET.Element, row: dict) -> None:
    seg_id = str(row["seg_id"])
    attrs = {"id": seg_id, "resname": seg_id, XML_SPACE: "preserve"}
    if row["review"] == "approved":
        attrs["approved"] = "yes"
    unit = ET.SubElement(body, _q("trans-unit"), attrs)
    ET.SubElement(unit, _q("source")).text = xml_text(row["src_text"])
    state, qualifier = state_12(row["review"])
    target_attrs = {"state": state} | ({"state-qualifier": qualifier} if qualifier else {})
    ET.SubElement(unit, _q("target"), target_attrs).text = xml_text(row["tgt_text"])
    for origin, text in row_notes(row):
        _note(unit, origin, text)


class Xliff12Format(ExportFormat):
    name = "xliff12"
    extension = ".xlf"
    importable = True

    def export(self, frame: pl.DataFrame) -> bytes:
        ET.register_namespace("", NS)
        root = ET.Element(_q("xliff"), {"version": "1.2"})
        keys = frame.select("doc_id", "src_lang", "tgt_lang").unique().sort(["doc_id", "tgt_lang"])
        for doc_id, src, tgt in keys.iter_rows():
            part = frame.filter((pl.col("doc_id") == doc_id) & (pl.col("tgt_lang") == tgt)).sort(
                "seg_id"
            )
            file_el = ET.SubElement(
                root,
                _q("file"),
                {
                    "original": doc_id,
                    "source-language": src,
                    "target-language": tgt,
                    "datatype": "plaintext",
                    "tool-id": "mekong",
                },
            )
            header = ET.SubElement(file_el, _q("header"))
            tool = {"tool-id": "mekong", "tool-name": TOOL, "tool-version": TOOL_VERSION}
            ET.SubElement(header, _q("tool"), tool)
            if "test_model" in part.columns and part["test_model"].any():
                _note(header, "mekong-warning", TEST_MODEL_NOTE)
            body = ET.SubElement(file_el, _q("body"))
            for row in part.to_dicts():
                _unit(body, row)
        ET.indent(root)
        return ET.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n"

    def read(self, data: bytes, where: str) -> list[ImportedRow]:
        return read_root(parse_xml(data, where), where)


def is_xliff12(root: ET.Element) -> bool:
    return root.tag == _q("xliff") or (
        root.tag == "xliff" and root.get("version", "").startswith("1.")
    )


def read_root(root: ET.Element, where: str) -> list[ImportedRow]:
    """Rows of an XLIFF 1.2 document (namespaced or not, as older tools write it)."""
    if not is_xliff12(root):
        raise InputError(f"{where}: not an XLIFF 1.2 file")
    ns = NS if root.tag == _q("xliff") else ""

    def q(tag: str) -> str:
        return f"{{{ns}}}{tag}" if ns else tag

    rows = []
    for file_el in root.iter(q("file")):
        tgt = (file_el.get("target-language") or "").split("-")[0].split("_")[0].lower()
        if not tgt:
            raise InputError(f"{where}: <file> without target-language")
        doc_id = file_el.get("original") or ""
        for unit in file_el.iter(q("trans-unit")):
            source, target = unit.find(q("source")), unit.find(q("target"))
            state = target.get("state") if target is not None else None
            qualifier = target.get("state-qualifier") if target is not None else None
            rows.append(
                ImportedRow(
                    doc_id=doc_id,
                    seg_id=parse_seg_id(unit.get("resname") or unit.get("id", ""), where),
                    tgt_lang=tgt,
                    tgt_text="".join(target.itertext()) if target is not None else "",
                    review=review_of_12(state, qualifier, unit.get("approved")),
                    src_text="".join(source.itertext()) if source is not None else None,
                )
            )
    return rows
