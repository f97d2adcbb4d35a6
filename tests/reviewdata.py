"""A stored document for the export, import and review tests, made by the real pipeline.

The engine's output (tests/fakes.py's, or a test model's) is not a real translation, so glossary
terms are attached afterwards: one whose expected target form is taken from the segment's own
output (found) and one that is missing.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl

from toolkit import documents, store
from toolkit.translate import TranslateOptions, translate_document

SAMPLE = """Address at the opening of the regional workshop

On behalf of the Ministry of Justice, I welcome all delegates to Vientiane.
The National Assembly adopted the new law in 2024. <script>alert("x")</script> & "quotes"

We thank our partners for their support.
"""

DOC_ID = "workshop"
MISSING_FORM = "ក្រសួងយុត្តិធម៌"


_CACHE: dict[tuple[int, tuple[str, ...]], pl.DataFrame] = {}


def make_stored_doc(engine, out_dir: Path, tgts: tuple[str, ...] = ("km", "vi")) -> Path:
    """Translate SAMPLE with `engine` (once per session), attach two terms, store a copy."""
    key = (id(engine), tgts)
    if key not in _CACHE:
        _CACHE[key] = _translated(engine, out_dir, tgts)
    return store.write_frame(_CACHE[key], store.doc_path(out_dir, DOC_ID))


def _translated(engine, out_dir: Path, tgts: tuple[str, ...]) -> pl.DataFrame:
    doc = documents.from_text(SAMPLE)
    options = TranslateOptions(src="en", tgts=list(tgts), doc_id=DOC_ID, out_dir=out_dir)
    frame = translate_document(doc, options, engine, write=False).frame
    terms = []
    for row in frame.iter_rows(named=True):
        if row["seg_id"] == 1 and "Ministry of Justice" in row["src_text"]:
            found = row["tgt_text"].strip().split()[0][:6] or row["tgt_text"][:3]
            terms.append(
                [
                    {
                        "term_id": "moj",
                        "src": "Ministry of Justice",
                        "tgt": MISSING_FORM,
                        "found": False,
                    },
                    {"term_id": "vte", "src": "Vientiane", "tgt": found, "found": True},
                ]
            )
        else:
            terms.append(row["terms"])
    return frame.with_columns(pl.Series("terms", terms, dtype=frame["terms"].dtype))
