"""Aligning two documents into the store: read, segment, translate the source (or take a given
line-by-line MT), align, and write one store row per alignment group (`origin = aligned`).

Rows come from the store's row builder and are written under the document lock, as
`translate`'s are; `status.decide_review` decides which groups need review.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import polars as pl

from toolkit import documents, quality, store
from toolkit.align.base import AlignedGroup, Alignment
from toolkit.align.dp import DpAligner, DpConfig
from toolkit.documents import Document
from toolkit.engines.base import Engine
from toolkit.errors import InputError, UsageError
from toolkit.files import display_name, read_input_bytes
from toolkit.pipeline import status
from toolkit.pipeline.status import REVIEW_BELOW
from toolkit.pipeline.translate import check_languages
from toolkit.segment import Segment, segment
from toolkit.store import rows as store_rows

__all__ = ["REVIEW_BELOW", "AlignOptions", "AlignResult", "align_documents", "read_mt_lines"]


@dataclass
class AlignOptions:
    src: str
    tgt: str
    doc_id: str
    out_dir: Path = Path("aligned")
    presegmented: bool = False
    config: DpConfig = DpConfig()


@dataclass
class AlignResult:
    alignment: Alignment
    src_segments: list[Segment]
    tgt_segments: list[Segment]
    frame: pl.DataFrame
    path: Path | None
    engine_label: str
    test_model: bool


def lines_as_segments(doc: Document) -> list[Segment]:
    """One segment per non-blank line (--presegmented); blank lines still separate paragraphs."""
    segments: list[Segment] = []
    for para in doc.paragraphs:
        offset = para.start
        for line in doc.paragraph_text(para).split("\n"):
            stripped = line.strip()
            if stripped:
                start = offset + (len(line) - len(line.lstrip()))
                segments.append(
                    Segment(len(segments), para.para_id, start, start + len(stripped), stripped)
                )
            offset += len(line) + 1
    return segments


def split(doc: Document, lang: str, presegmented: bool) -> list[Segment]:
    return lines_as_segments(doc) if presegmented else segment(doc, lang)


def read_mt_lines(path: Path, expected: int) -> list[str]:
    """A line-by-line translation of the source segments; the count must match."""
    data = read_input_bytes(path, documents.MAX_BYTES, "machine translation file")
    lines = documents.normalize(documents.decode(data, display_name(path))).split("\n")
    while lines and not lines[-1].strip():
        lines.pop()
    if len(lines) != expected:
        non_blank = [line for line in lines if line.strip()]
        if len(non_blank) != expected:
            raise InputError(
                f"{path}: {{src_mt}} has {len(lines)} lines but the source has {expected} "
                "segments; give one translated line per source segment (use {presegmented} "
                "when the source is one sentence per line)",
                options=["src_mt", "presegmented"],
            )
        lines = non_blank
    return [line.strip() for line in lines]


def align_documents(
    src_doc: Document,
    tgt_doc: Document,
    options: AlignOptions,
    engine: Engine | None = None,
    src_mt: Sequence[str] | Path | None = None,
    progress: Callable[[int], None] | None = None,
    write: bool = True,
) -> AlignResult:
    """Align `src_doc` with its translation `tgt_doc` and store the groups."""
    src, (tgt,) = check_languages(options.src, [options.tgt])
    src_segs = split(src_doc, src, options.presegmented)
    tgt_segs = split(tgt_doc, tgt, options.presegmented)
    if not src_segs or not tgt_segs:
        side = src_doc.path if not src_segs else tgt_doc.path
        raise InputError(f"{side or 'document'}: no sentences to align")
    if isinstance(src_mt, Path):
        mt = read_mt_lines(src_mt, len(src_segs))
        label, test_model = f"src-mt:{src_mt.name}", False
    elif src_mt is not None:
        mt = list(src_mt)
        if len(mt) != len(src_segs):
            raise InputError(f"{len(mt)} MT lines for {len(src_segs)} source segments")
        label, test_model = "src-mt", False
    elif engine is not None:
        hyps = engine.translate([s.text for s in src_segs], src, tgt, progress=progress)
        mt = [h.text for h in hyps]
        label, test_model = engine.info.label, engine.info.test_model
    elif options.config.similarity != "ngram":
        mt, label, test_model = None, "none (cross-lingual embeddings)", False
    else:
        raise UsageError(
            "aligning needs an engine or a line-by-line translation ({src_mt})", options=["src_mt"]
        )
    aligner = DpAligner(options.config)
    src_paras, tgt_paras = [s.para_id for s in src_segs], [s.para_id for s in tgt_segs]
    tgt_texts = [s.text for s in tgt_segs]
    src_texts = [s.text for s in src_segs]
    alignment = aligner.align(mt, tgt_texts, src_paras, tgt_paras, src=src_texts)
    sides = _Sides(src_doc, tgt_doc, src_segs, tgt_segs, mt or [""] * len(src_segs))
    created = datetime.now(UTC)
    rows = [
        _row(k, group, sides, options, (src, tgt), label, test_model, created)
        for k, group in enumerate(alignment.groups)
    ]
    frame = store.to_frame(rows)
    path = None
    if write:
        target = store.doc_path(options.out_dir, options.doc_id)
        with store.writing(target):
            path = store.write_frame(frame, target)
    return AlignResult(alignment, src_segs, tgt_segs, frame, path, label, test_model)


@dataclass
class _Sides:
    src_doc: Document
    tgt_doc: Document
    src_segs: list[Segment]
    tgt_segs: list[Segment]
    mt: Sequence[str]


Span = tuple[str, int | None, int | None]
_LINE_BREAKS = re.compile(r"\s*\n\s*")


def _span_text(doc: Document, segs: list[Segment], ids: Sequence[int]) -> Span:
    """The document text covering a group (separators kept, line breaks as spaces), its span."""
    if not ids:
        return "", None, None
    start, end = segs[ids[0]].start, segs[ids[-1]].end
    return _LINE_BREAKS.sub(" ", doc.text[start:end]), start, end


def _row(
    k: int,
    group: AlignedGroup,
    sides: _Sides,
    options: AlignOptions,
    pair: tuple[str, str],
    label: str,
    test_model: bool,
    created: datetime,
) -> dict[str, Any]:
    src, tgt = pair
    src_segs, tgt_segs = sides.src_segs, sides.tgt_segs
    src_text, src_start, src_end = _span_text(sides.src_doc, src_segs, group.src)
    tgt_text, _, _ = _span_text(sides.tgt_doc, tgt_segs, group.tgt)
    para_id = src_segs[group.src[0]].para_id if group.src else tgt_segs[group.tgt[0]].para_id
    # the usual quality signals of the pair (numbers, script, length...) with the alignment score;
    # the row's score stays the alignment score, its status also follows the quality check
    q = quality.score_segment(src_text, tgt_text, src, tgt, align_score=group.score)
    one_sided = not group.src or not group.tgt
    status.decide_review(
        q, status.ReviewFacts(src, src, align_score=group.score, one_sided=one_sided)
    )
    place = store_rows.Placement(
        options.doc_id, k, para_id, list(group.src), list(group.tgt), src_start, src_end
    )
    content = store_rows.Content(
        src_lang=src,
        tgt_lang=tgt,
        src_text=src_text,
        tgt_text=tgt_text,
        origin="aligned",
        engine=label,
        score=q.score,
        status=q.status,
        signals={**q.signals, "test_model": test_model},
        created_at=created,
        mt_text=" ".join(sides.mt[i] for i in group.src),
        test_model=test_model,
    )
    return store_rows.build_row(place, content)
