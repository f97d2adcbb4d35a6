"""XLIFF 2.0: one file per target language (2.0 has a single trgLang per document).

Review states map onto XLIFF's segment states as `review_states` says (the same table reads
them back, so a round trip keeps every state).
"""

from __future__ import annotations

from xml.etree import ElementTree as ET

import polars as pl

from toolkit.errors import InputError, UsageError
from toolkit.store.formats import xliff12
from toolkit.store.formats.base import (
    TEST_MODEL_NOTE,
    ExportFormat,
    ImportedRow,
    ordered_rows,
    parse_seg_id,
    parse_xml,
    row_notes,
    single_value,
    xml_text,
)
from toolkit.store.formats.review_states import review_of_2, state_2

NS = "urn:oasis:names:tc:xliff:document:2.0"


def _q(tag: str) -> str:
    return f"{{{NS}}}{tag}"


def _note(parent: ET.Element, category: str, text: object) -> None:
    ET.SubElement(parent, "note", {"category": category}).text = xml_text(text)


class XliffFormat(ExportFormat):
    name = "xliff"
    extension = ".xlf"
    per_target = True
    importable = True

    def export(self, frame: pl.DataFrame) -> bytes:
        tgt = single_value(frame, "tgt_lang", default="")
        if not tgt:
            raise UsageError(
                "XLIFF 2.0 holds one target language per file: choose one with {tgt}",
                options=["tgt"],
            )
        root = ET.Element(
            "xliff",
            {
                "xmlns": NS,
                "version": "2.0",
                "srcLang": single_value(frame, "src_lang"),
                "trgLang": tgt,
            },
        )
        doc_id = single_value(frame, "doc_id")
        file_attrs = {"id": "f1", "original": doc_id, "canResegment": "no"}
        file_el = ET.SubElement(root, "file", file_attrs)
        if "test_model" in frame.columns and frame["test_model"].any():
            _note(ET.SubElement(file_el, "notes"), "mekong-warning", TEST_MODEL_NOTE)
        for row in ordered_rows(frame):
            seg_id = row["seg_id"]
            unit = ET.SubElement(file_el, "unit", {"id": f"u{seg_id}", "name": str(seg_id)})
            notes = ET.SubElement(unit, "notes")
            for category, text in row_notes(row):
                _note(notes, category, text)
            state, sub_state = state_2(row["review"])
            attrs = {"id": f"s{seg_id}", "state": state}
            if sub_state:
                attrs["subState"] = sub_state
            segment = ET.SubElement(unit, "segment", attrs)
            ET.SubElement(segment, "source").text = xml_text(row["src_text"])
            ET.SubElement(segment, "target").text = xml_text(row["tgt_text"])
        ET.indent(root)
        return ET.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n"

    def read(self, data: bytes, where: str) -> list[ImportedRow]:
        root = parse_xml(data, where)
        if xliff12.is_xliff12(root):  # `.xlf` is either version: read what the file is
            return xliff12.read_root(root, where)
        if root.tag != _q("xliff") or root.get("version", "").split(".")[0] != "2":
            raise InputError(f"{where}: not an XLIFF 1.2 or 2.0 file")
        tgt = root.get("trgLang")
        if not tgt:
            raise InputError(f"{where}: XLIFF without trgLang")
        rows = []
        for file_el in root.iter(_q("file")):
            doc_id = file_el.get("original") or ""
            for unit in file_el.iter(_q("unit")):
                segment = unit.find(_q("segment"))
                if segment is None:
                    continue
                target = segment.find(_q("target"))
                source = segment.find(_q("source"))
                seg_id = parse_seg_id(unit.get("name") or unit.get("id", "").lstrip("u"), where)
                rows.append(
                    ImportedRow(
                        doc_id=doc_id,
                        seg_id=seg_id,
                        tgt_lang=tgt,
                        tgt_text="".join(target.itertext()) if target is not None else "",
                        review=review_of_2(segment.get("state"), segment.get("subState")),
                        src_text="".join(source.itertext()) if source is not None else None,
                    )
                )
        return rows
