"""TMX 1.4b: one `tu` per segment and target, Mekong's fields as `x-` props.

CAT tools (OmegaT, Trados, memoQ) need the header's required attributes and a `tuv` per
language; they ignore the props, which carry doc_id/seg_id back for `import-review`.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from xml.etree import ElementTree as ET

import polars as pl

from toolkit.errors import InputError
from toolkit.store.formats.base import (
    TEST_MODEL_NOTE,
    TOOL,
    TOOL_VERSION,
    ExportFormat,
    ImportedRow,
    flags_of,
    ordered_rows,
    parse_seg_id,
    parse_xml,
    single_value,
    xml_text,
)

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
PROPS = ("doc_id", "seg_id", "tgt_lang", "score", "status", "review", "origin", "test_model")


def _tmx_date(value: Any) -> str | None:
    if not isinstance(value, datetime):
        return None
    if value.tzinfo is not None:
        value = value.astimezone(UTC)
    return value.strftime("%Y%m%dT%H%M%SZ")


def _primary(tag: str | None) -> str:
    return (tag or "").split("-")[0].split("_")[0].lower()


def _prop(parent: ET.Element, name: str, value: object) -> None:
    el = ET.SubElement(parent, "prop", {"type": f"x-{name}"})
    el.text = xml_text(str(value).lower() if isinstance(value, bool) else value)


def _tuv(parent: ET.Element, lang: str, text: object) -> None:
    tuv = ET.SubElement(parent, "tuv", {XML_LANG: lang})
    ET.SubElement(tuv, "seg").text = xml_text(text)


class TmxFormat(ExportFormat):
    name = "tmx"
    extension = ".tmx"
    importable = True

    def export(self, frame: pl.DataFrame) -> bytes:
        srclang = single_value(frame, "src_lang")
        root = ET.Element("tmx", {"version": "1.4"})
        header = ET.SubElement(
            root,
            "header",
            {
                "creationtool": TOOL,
                "creationtoolversion": TOOL_VERSION,
                "segtype": "sentence",
                "o-tmf": "mekong-parquet",
                "adminlang": "en",
                "srclang": srclang,
                "datatype": "plaintext",
                "creationdate": _tmx_date(datetime.now(UTC)) or "",
            },
        )
        if "test_model" in frame.columns and frame["test_model"].any():
            ET.SubElement(header, "note").text = TEST_MODEL_NOTE
        body = ET.SubElement(root, "body")
        for row in ordered_rows(frame):
            attrs = {
                "tuid": f"{row['doc_id']}:{row['seg_id']}:{row['tgt_lang']}",
                "srclang": row["src_lang"],
            }
            date = _tmx_date(row.get("created_at"))
            if date:
                attrs["creationdate"] = date
            tu = ET.SubElement(body, "tu", attrs)
            for name in PROPS:
                if row.get(name) is not None:
                    _prop(tu, name, row[name])
            flags = flags_of(row)
            if flags:
                _prop(tu, "flags", " ".join(flags))
            _tuv(tu, row["src_lang"], row["src_text"])
            _tuv(tu, row["tgt_lang"], row["tgt_text"])
        ET.indent(root)
        return ET.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n"

    def read(self, data: bytes, where: str) -> list[ImportedRow]:
        root = parse_xml(data, where)
        if root.tag != "tmx":
            raise InputError(f"{where}: not a TMX file (root element <{root.tag}>)")
        header = root.find("header")
        root_srclang = header.get("srclang", "") if header is not None else ""
        rows = []
        for n, tu in enumerate(root.iter("tu"), start=1):
            props = {
                (p.get("type") or "").removeprefix("x-"): (p.text or "") for p in tu.iter("prop")
            }
            if "doc_id" not in props or "seg_id" not in props or "tgt_lang" not in props:
                raise InputError(
                    f"{where}: tu #{n} has no x-doc_id/x-seg_id/x-tgt_lang props "
                    "(not exported by Mekong)"
                )
            tgt = _primary(props["tgt_lang"])
            # CAT tools may rewrite "km" as "km-KH" or "KM": compare primary language subtags
            texts = {
                _primary(tuv.get(XML_LANG) or tuv.get("lang")): "".join(tuv.find("seg").itertext())
                for tuv in tu.iter("tuv")
                if tuv.find("seg") is not None
            }
            if tgt not in texts:
                raise InputError(f"{where}: tu #{n} has no {tgt} variant")
            rows.append(
                ImportedRow(
                    doc_id=props["doc_id"],
                    seg_id=parse_seg_id(props["seg_id"], where),
                    tgt_lang=tgt,
                    tgt_text=texts[tgt],
                    review=props.get("review") or None,
                    src_text=texts.get(_primary(tu.get("srclang") or root_srclang)),
                )
            )
        return rows
