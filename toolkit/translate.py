"""The translation pipeline: document -> segments -> terms -> engine -> checks -> scores -> rows.

Each stage is a function of its own module; this one only wires them and builds store rows.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import polars as pl

from toolkit import languages, quality, store
from toolkit.documents import Document
from toolkit.engines.base import Engine, Hypothesis, TermConstraint
from toolkit.errors import UsageError
from toolkit.quality.base import REVIEW_CAP
from toolkit.segment import Segment, segment
from toolkit.tm import TranslationMemory


@dataclass
class TranslateOptions:
    src: str
    tgts: list[str]
    doc_id: str
    out_dir: Path = Path("aligned")
    glossary: Any = None  # toolkit.glossary.Glossary, or None for --no-glossary
    use_tm: bool = True
    roundtrip: bool = False  # translate each output back with the same engine (quality signal)


@dataclass
class TranslationResult:
    frame: pl.DataFrame
    path: Path | None
    segments: list[Segment]
    test_model: bool
    stats: dict[str, Any] = field(default_factory=dict)


def check_languages(src: str, tgts: Sequence[str]) -> tuple[str, list[str]]:
    src_code = languages.get(src).code
    tgt_codes = [languages.get(t).code for t in tgts]
    if src_code in tgt_codes:
        raise UsageError(f"source and target are the same language ({src_code})")
    return src_code, tgt_codes


def translate_document(
    doc: Document,
    options: TranslateOptions,
    engine: Engine,
    progress: Callable[[int], None] | None = None,
    write: bool = True,
) -> TranslationResult:
    """Translate every segment of `doc` into every target and store the aligned rows."""
    src, tgts = check_languages(options.src, options.tgts)
    segments = segment(doc, src)
    if not segments:
        raise UsageError(f"{doc.path or 'document'}: no segments to translate")
    rows: list[dict[str, Any]] = []
    created = datetime.now(UTC)
    glossary = options.glossary
    hits = [glossary.match(s.text, src) for s in segments] if glossary else [[] for _ in segments]
    memory = _load_tm(options, src, tgts)
    for tgt in tgts:
        constraints: list[list[TermConstraint]] = [
            glossary.constraints(h, tgt) if glossary else [] for h in hits
        ]
        matches = [memory.lookup(s.text, tgt) if memory else None for s in segments]
        todo = [k for k, match in enumerate(matches) if match is None]
        if progress and len(todo) < len(segments):
            progress(len(segments) - len(todo))
        machine: list[Hypothesis] = []
        if todo:
            machine = engine.translate(
                [segments[k].text for k in todo],
                src,
                tgt,
                constraints=[constraints[k] for k in todo],
                progress=progress,
            )
        hyps: list[Hypothesis] = [
            Hypothesis(match.entry.tgt_text) if match else Hypothesis("") for match in matches
        ]
        for k, hyp in zip(todo, machine, strict=True):
            hyps[k] = hyp
        backs = None
        if options.roundtrip:
            backs = back_translate(engine, [h.text for h in hyps], tgt, src)
        rows_in = zip(segments, hits, hyps, matches, strict=True)
        for i, (seg, seg_hits, hyp, match) in enumerate(rows_in):
            checks = glossary.verify(hyp.text, seg_hits, tgt) if glossary else []
            term_rows = [c.as_dict() if hasattr(c, "as_dict") else dict(c) for c in checks]
            q = quality.score_segment(
                seg.text,
                hyp.text,
                src,
                tgt,
                logprob=hyp.logprob,
                terms=term_rows,
                test_model=engine.info.test_model and match is None,
                back_text=backs[i] if backs else None,
                tm_match=match.score if match else None,
            )
            if match is not None and match.score < 1.0:
                _mark_fuzzy(q)
            rows.append(
                {
                    "doc_id": options.doc_id,
                    "seg_id": seg.seg_id,
                    "para_id": seg.para_id,
                    "src_lang": src,
                    "tgt_lang": tgt,
                    "src_text": seg.text,
                    "tgt_text": hyp.text,
                    "src_ids": [seg.seg_id],
                    "tgt_ids": [seg.seg_id],
                    "origin": "tm" if match else "mt",
                    "engine": f"tm:{match.entry.doc_id}" if match else engine.info.label,
                    "glossary_version": glossary.version if glossary else "",
                    "terms": term_rows,
                    "score": q.score,
                    "status": q.status,
                    "review": "new",
                    "created_at": created,
                    "mt_text": None if match else hyp.text,
                    "test_model": engine.info.test_model and match is None,
                    "src_start": seg.start,
                    "src_end": seg.end,
                    "signals": q.signals,
                }
            )
    frame = store.to_frame(rows).sort(["seg_id", "tgt_lang"])
    target = store.doc_path(options.out_dir, options.doc_id)
    path = store.write_frame(frame, target) if write else None
    return TranslationResult(frame, path, segments, engine.info.test_model, summarize(frame))


def back_translate(engine: Engine, texts: list[str], tgt: str, src: str) -> list[str]:
    """The outputs translated back into the source (round trip); empty outputs stay empty."""
    todo = [i for i, t in enumerate(texts) if t.strip()]
    back = engine.translate([texts[i] for i in todo], tgt, src) if todo else []
    result = [""] * len(texts)
    for i, hyp in zip(todo, back, strict=True):
        result[i] = hyp.text
    return result


def _load_tm(options: TranslateOptions, src: str, tgts: list[str]) -> TranslationMemory | None:
    """The translation memory for this run (None with --no-tm), read once from the store."""
    if not options.use_tm:
        return None
    memory = TranslationMemory.load(options.out_dir, src, tgts, exclude_doc=options.doc_id)
    return memory if len(memory) else None


def _mark_fuzzy(q: quality.QualityResult) -> None:
    """A fuzzy TM match always goes to review: a changed word may be a changed name."""
    q.flags.append("tm_fuzzy")
    q.signals["flags"] = q.flags
    if q.status == "ok":
        q.status = "review"
        q.score = min(q.score, REVIEW_CAP)


def summarize(frame: pl.DataFrame) -> dict[str, Any]:
    """Per-target counts of statuses and origins, term success and the worst segments."""
    per_target: dict[str, dict[str, Any]] = {}
    for tgt in frame["tgt_lang"].unique(maintain_order=True).to_list():
        part = frame.filter(pl.col("tgt_lang") == tgt)
        terms = [t for row in part["terms"].to_list() for t in (row or [])]
        flag_lists = part["signals"].struct.field("flags").to_list()
        per_target[tgt] = {
            "segments": part.height,
            "status": dict(Counter(part["status"].to_list())),
            "origin": dict(Counter(part["origin"].to_list())),
            "mean_score": float(part["score"].mean() or 0.0),
            "terms": len(terms),
            "terms_found": sum(1 for t in terms if t["found"]),
            "flags": dict(Counter(f for row in flag_lists for f in row or [])),
        }
    worst = (
        frame.sort("score")
        .head(5)
        .with_columns(pl.col("signals").struct.field("flags").alias("flags"))
        .select("seg_id", "tgt_lang", "score", "status", "flags", "src_text")
    )
    return {"targets": per_target, "worst": worst.to_dicts()}
