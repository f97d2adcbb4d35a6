"""TMX 1.4b: one `tu` per source segment, a `tuv` for the source and one for each target.

That is how TMX holds several languages: a CAT tool picks the `tuv` of its project's target
(the older one-`tu`-per-target shape repeated the source, and OmegaT then took whichever
target came first). `--tgt` gives a bilingual file. CAT tools need the header's required
attributes; Mekong's fields travel as `x-` props (doc_id/seg_id on the `tu`, review, score and
status on each target `tuv`) for `import-review`, which reads both shapes. Edited and
approved targets carry `changedate`/`changeid`. An empty target gets no `tuv` (a CAT tool
would take it as a translation into nothing), a segment with no target text no `tu`.
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
    parse_seg_id,
    parse_xml,
    single_value,
    xml_text,
)

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
TU_PROPS = ("doc_id", "seg_id")
TUV_PROPS = ("score", "status", "review", "origin", "test_model")
CHANGED = ("edited", "approved")
CHANGE_ID = "mekong-review"


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


def _tuv(parent: ET.Element, lang: str, text: object, row: dict[str, Any] | None = None) -> None:
    tuv = ET.SubElement(parent, "tuv", {XML_LANG: lang})
    if row is not None:
        date = _change_date(row)
        if date:
            tuv.set("changedate", date)
            tuv.set("changeid", str(row.get("reviewer") or CHANGE_ID))
        for name in TUV_PROPS:
            if row.get(name) is not None:
                _prop(tuv, name, row[name])
        flags = flags_of(row)
        if flags:
            _prop(tuv, "flags", " ".join(flags))
    ET.SubElement(tuv, "seg").text = xml_text(text)


def _change_date(row: dict[str, Any]) -> str | None:
    """When an edited/approved target last changed (the store's newest known time for it)."""
    if row.get("review") not in CHANGED:
        return None
    return _tmx_date(row.get("changed_at") or row.get("reviewed_at") or row.get("created_at"))


def _has_text(row: dict[str, Any]) -> bool:
    return bool((row.get("tgt_text") or "").strip())


def _units(frame: pl.DataFrame) -> list[list[dict[str, Any]]]:
    """Rows with target text grouped by source segment (doc_id, seg_id), in document order,
    targets sorted; a segment whose targets are all empty is left out."""
    groups: dict[tuple[str, int], list[dict[str, Any]]] = {}
    for row in frame.sort(["doc_id", "seg_id", "tgt_lang"]).to_dicts():
        if _has_text(row):
            groups.setdefault((row["doc_id"], row["seg_id"]), []).append(row)
    return list(groups.values())


def missing_targets(frame: pl.DataFrame) -> dict[str, int]:
    """How many segments of a multi-language TMX have no text for each target language.

    OmegaT (and other CAT tools) fill such a segment with another language's `tuv`, so
    `mekong export` warns about them. Segments with no target text at all get no `tu` and
    are not counted; empty for a bilingual export.
    """
    langs = sorted(set(frame["tgt_lang"].to_list()))
    if len(langs) < 2:
        return {}
    have: dict[str, set[tuple[str, int]]] = {lang: set() for lang in langs}
    for row in frame.select("doc_id", "seg_id", "tgt_lang", "tgt_text").to_dicts():
        if _has_text(row):
            have[row["tgt_lang"]].add((row["doc_id"], row["seg_id"]))
    exported = set().union(*have.values())
    missing = {lang: len(exported - have[lang]) for lang in langs}
    return {lang: n for lang, n in missing.items() if n}


def _text(tuv: ET.Element) -> str | None:
    seg = tuv.find("seg")
    return None if seg is None else "".join(seg.itertext())


def _props(element: ET.Element) -> dict[str, str]:
    """An element's own `x-` props (not those of its children)."""
    return {
        (p.get("type") or "").removeprefix("x-"): (p.text or "") for p in element.findall("prop")
    }


class TmxFormat(ExportFormat):
    name = "tmx"
    extension = ".tmx"
    importable = True

    def export(self, frame: pl.DataFrame) -> bytes:
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
                "srclang": single_value(frame, "src_lang"),
                "datatype": "plaintext",
                "creationdate": _tmx_date(datetime.now(UTC)) or "",
            },
        )
        if "test_model" in frame.columns and frame["test_model"].any():
            ET.SubElement(header, "note").text = TEST_MODEL_NOTE
        body = ET.SubElement(root, "body")
        for rows in _units(frame):
            first = rows[0]
            attrs = {"tuid": f"{first['doc_id']}:{first['seg_id']}", "srclang": first["src_lang"]}
            date = _tmx_date(first.get("created_at"))
            if date:
                attrs["creationdate"] = date
            changed = sorted(filter(None, (_change_date(r) for r in rows)))
            if changed:
                attrs["changedate"] = changed[-1]
                attrs["changeid"] = CHANGE_ID
            tu = ET.SubElement(body, "tu", attrs)
            for name in TU_PROPS:
                _prop(tu, name, first[name])
            _tuv(tu, first["src_lang"], first["src_text"])
            for row in rows:
                _tuv(tu, row["tgt_lang"], row["tgt_text"], row)
        ET.indent(root)
        return ET.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n"

    def read(self, data: bytes, where: str) -> list[ImportedRow]:
        """Rows of a Mekong TMX in either shape: one target per `tu` (an `x-tgt_lang` prop) or
        every target of a segment in one `tu` (one row per target `tuv`)."""
        root = parse_xml(data, where)
        if root.tag != "tmx":
            raise InputError(f"{where}: not a TMX file (root element <{root.tag}>)")
        header = root.find("header")
        root_srclang = header.get("srclang", "") if header is not None else ""
        rows = []
        for n, tu in enumerate(root.iter("tu"), start=1):
            props = _props(tu)
            if "doc_id" not in props or "seg_id" not in props:
                raise InputError(
                    f"{where}: tu #{n} has no x-doc_id/x-seg_id props (not exported by Mekong)"
                )
            seg_id = parse_seg_id(props["seg_id"], where)
            src = _primary(tu.get("srclang") or root_srclang)
            # CAT tools may rewrite "km" as "km-KH" or "KM": compare primary language subtags
            variants = {
                _primary(tuv.get(XML_LANG) or tuv.get("lang")): tuv
                for tuv in tu.iter("tuv")
                if tuv.find("seg") is not None
            }
            src_text = _text(variants[src]) if src in variants else None
            if "tgt_lang" in props:  # the older shape: the props are on the tu
                targets = {_primary(props["tgt_lang"]): props}
            else:
                targets = {lang: _props(tuv) for lang, tuv in variants.items() if lang != src}
            if not targets:
                raise InputError(f"{where}: tu #{n} has no target variant")
            for tgt, tprops in targets.items():
                if tgt not in variants:
                    raise InputError(f"{where}: tu #{n} has no {tgt} variant")
                rows.append(
                    ImportedRow(
                        doc_id=props["doc_id"],
                        seg_id=seg_id,
                        tgt_lang=tgt,
                        tgt_text=_text(variants[tgt]) or "",
                        review=tprops.get("review") or None,
                        src_text=src_text,
                    )
                )
        return rows
