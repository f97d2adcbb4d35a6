"""Translation memories from other tools: a foreign TMX becomes its own store document.

Any tool's TMX (OmegaT, Trados, memoQ, translate-toolkit), any number of languages: every
`tu` with a variant in the source language gives one row per other supported language
(en km lo th vi; others are counted and skipped). Rows carry `origin = tm` and
`engine = tmx:<creationtool>` — the mark `toolkit.tm` reads as "imported memory, reusable" (a
reviewer can still reject a unit) — and are scored like any translation, so a unit in the
wrong script or with other numbers shows up as `bad`/`review` on the review page.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import polars as pl

from toolkit import languages, quality, store
from toolkit.errors import InputError, StoreError, UsageError
from toolkit.tm import IMPORTED_ENGINE_PREFIX

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
MAX_TMX_BYTES = 500 * 1024 * 1024


@dataclass
class TmImport:
    doc_id: str
    path: Path
    units: int = 0  # tu elements read
    rows: dict[str, int] = field(default_factory=dict)  # rows per target language
    skipped_langs: dict[str, int] = field(default_factory=dict)  # variants of other languages
    without_source: int = 0  # tu with no variant in the source language


def _lang(tag: str | None) -> str:
    return (tag or "").replace("_", "-").split("-")[0].lower()


def _seg_text(tuv: Any) -> str:
    seg = tuv.find("seg")
    return "" if seg is None else "".join(seg.itertext()).strip()


def _source_lang(header: Any, src: str | None, where: str) -> str:
    declared = _lang(header.get("srclang")) if header is not None else ""
    code = src or declared
    if not code or code == "*all*":
        raise UsageError(
            f"{where}: the TMX names no single source language: pass {{src}}", options=["src"]
        )
    try:
        return languages.get(code).code
    except UsageError:
        raise UsageError(f"{where}: source language {code!r} is not supported") from None


def read_tmx(data: bytes, where: str, src: str | None, doc_id: str) -> tuple[list[dict], TmImport]:
    """Store rows of a foreign TMX and what was read."""
    from toolkit import xmlsafe

    root = xmlsafe.parse_or_raise(
        data,
        lambda exc: InputError(f"{where}: refused: {exc}"),
        lambda exc: InputError(f"{where}: {exc}"),
    )
    if root.tag != "tmx":
        raise InputError(f"{where}: not a TMX file (root element <{root.tag}>)")
    header = root.find("header")
    src_lang = _source_lang(header, src, where)
    tool = (header.get("creationtool") if header is not None else None) or "unknown"
    report = TmImport(doc_id, Path(where))
    supported = set(languages.SUPPORTED)
    rows: list[dict] = []
    created = datetime.now(UTC)
    for tu in root.iter("tu"):
        report.units += 1
        variants: dict[str, str] = {}
        for tuv in tu.findall("tuv"):
            lang, text = _lang(tuv.get(XML_LANG) or tuv.get("lang")), _seg_text(tuv)
            if lang not in supported:
                report.skipped_langs[lang] = report.skipped_langs.get(lang, 0) + 1
            elif text and lang not in variants:
                variants[lang] = text
        if src_lang not in variants:
            report.without_source += 1
            continue
        seg_id = report.units - 1
        for tgt, text in sorted(variants.items()):
            if tgt != src_lang:
                rows.append(_row(doc_id, seg_id, src_lang, tgt, variants[src_lang], text, tool))
                rows[-1]["created_at"] = created
                report.rows[tgt] = report.rows.get(tgt, 0) + 1
    return rows, report


def _row(doc_id: str, seg_id: int, src: str, tgt: str, src_text: str, tgt_text: str, tool: str):
    q = quality.score_segment(src_text, tgt_text, src, tgt)
    return {
        "doc_id": doc_id,
        "seg_id": seg_id,
        "para_id": seg_id,
        "src_lang": src,
        "tgt_lang": tgt,
        "src_text": src_text,
        "tgt_text": tgt_text,
        "src_ids": [seg_id],
        "tgt_ids": [seg_id],
        "origin": "tm",
        "engine": f"{IMPORTED_ENGINE_PREFIX}{tool}",
        "glossary_version": "",
        "terms": [],
        "score": q.score,
        "status": q.status,
        "review": "new",
        "mt_text": None,
        "test_model": False,
        "signals": q.signals,
    }


def import_tmx(
    path: Path, store_dir: Path, src: str | None = None, doc_id: str | None = None
) -> TmImport:
    """Write the TMX's units as store document `doc_id` (default `tm-<file name>`)."""
    path = Path(path)
    if not path.is_file():
        raise InputError(f"{path}: no such file")
    if path.stat().st_size > MAX_TMX_BYTES:
        raise InputError(f"{path}: file too large (over {MAX_TMX_BYTES // 2**20} MiB)")
    doc_id = store.check_doc_id(doc_id or store.doc_id_from(f"tm-{path.stem}.tmx"))
    rows, report = read_tmx(path.read_bytes(), str(path), src, doc_id)
    if not rows:
        raise InputError(f"{path}: no unit has both the source language and a supported target")
    report.path = store.write_frame(store.to_frame(rows), store.doc_path(store_dir, doc_id))
    return report


def is_imported(frame: pl.DataFrame) -> bool:
    """A document `tm import` wrote (every row origin tm, engine tmx:...)."""
    return bool(frame.height) and bool(
        ((frame["origin"] == "tm") & frame["engine"].str.starts_with(IMPORTED_ENGINE_PREFIX)).all()
    )


def list_tms(store_dir: Path) -> list[dict[str, Any]]:
    """Imported memories in the store: doc_id, source tool, languages, rows."""
    found = []
    for file in sorted(Path(store_dir).glob("*.parquet")):
        frame = store.read_doc(file)
        if not is_imported(frame):
            continue
        found.append(
            {
                "doc_id": file.stem,
                "tool": frame["engine"][0].removeprefix(IMPORTED_ENGINE_PREFIX),
                "src": frame["src_lang"][0],
                "rows": dict(sorted(frame.group_by("tgt_lang").len().iter_rows())),
            }
        )
    return found


def remove_tm(store_dir: Path, doc_id: str) -> Path:
    """Delete an imported memory (only documents `tm import` wrote: never a translation)."""
    path = store.doc_path(store_dir, doc_id)
    if not path.exists():
        raise StoreError(f"{path}: no such stored document")
    if not is_imported(store.read_doc(path)):
        raise UsageError(f"{doc_id}: not an imported translation memory; nothing removed")
    path.unlink()
    return path
