"""Translating a document into the store: segments -> preflight -> lock -> stages -> rows.

`translate_document` is what `mekong translate` runs and what a library caller runs: the same
segmentation, glossary preflight (a term the model cannot produce fails before any work) and
document lock (a second writer of the same document fails at once) either way.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import polars as pl

from toolkit import languages, store
from toolkit.documents import Document
from toolkit.engines.base import Engine
from toolkit.engines.constraints import preflight
from toolkit.errors import UsageError
from toolkit.machine import long_segments
from toolkit.pipeline import stages
from toolkit.pipeline.record import Progress, Run, SegmentRecord, TranslateOptions
from toolkit.segment import Segment, segment
from toolkit.store.carry import (
    SourceStamp,
    check_same_source,
    dropped_reviewed,
    keep_superseded,
    occurrence_keys,
    reviewed_rows,
)
from toolkit.tm import TmEntry, TranslationMemory


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
    progress: Progress | None = None,
    write: bool = True,
    segments: list[Segment] | None = None,
    on_total: Callable[[int], None] | None = None,
) -> TranslationResult:
    """Translate every segment of `doc` into every target and store the aligned rows.

    `segments` may be passed when the caller has already segmented `doc` (in `options.src`);
    `on_total` hears the number of (segment, target) pairs before the work starts, `progress`
    how many are done as they finish.

    With `write`, the document's lock is held for the whole run (a second process writing the
    same document fails at once) and the store file is replaced atomically at the end, so a run
    that dies leaves the previous file as it was.
    """
    src, tgts = check_languages(options.src, options.tgts)
    options = replace(options, src=src, tgts=tgts)
    if segments is None:
        segments = segment(doc, options.src)
    if not segments:
        raise UsageError(f"{doc.path or 'document'}: no segments to translate")
    if options.glossary is not None:
        texts = [s.text for s in segments]
        preflight(engine, options.glossary, texts, options.src, options.tgts, options.jurisdiction)
    if on_total is not None:
        on_total(len(segments) * len(options.tgts))
    if not write:
        return _translate(segments, options, engine, progress, None)
    target = store.doc_path(options.out_dir, options.doc_id)
    with store.writing(target) as previous:
        stamp = SourceStamp.of(doc.text, doc.path)
        check_same_source(previous, stamp, options.doc_id, options.replace)
        result = _translate(segments, options, engine, progress, previous)
        result.frame = result.frame.with_columns(
            pl.lit(value, pl.String).alias(name) for name, value in stamp.columns().items()
        )
        gone = dropped_reviewed(previous, result.frame)
        if gone is not None:
            added, where = keep_superseded(options.out_dir, options.doc_id, gone)
            result.stats["superseded"] = {"rows": gone.height, "added": added, "path": str(where)}
        result.path = store.write_frame(result.frame, target)
    return result


def _translate(
    segments: list[Segment],
    options: TranslateOptions,
    engine: Engine,
    progress: Progress | None,
    previous: pl.DataFrame | None,
) -> TranslationResult:
    """The stages over every target's records, then the rows as one frame."""
    src, tgts = options.src, options.tgts
    kept_targets = _other_targets(previous, segments, src, tgts)
    run = _start(segments, options, engine, progress, previous)
    hits = stages.find_terms(run)
    plans: dict[str, list[SegmentRecord]] = {}
    for tgt in tgts:
        plans[tgt] = stages.with_terms(run, hits, tgt)
        stages.reuse(run, plans[tgt])
    stages.translate_all(run, plans)
    rows: list[dict[str, Any]] = []
    for records in plans.values():
        stages.measure(run, records)
        for rec in records:
            stages.verify(run, rec)
            stages.score(run, rec)
            rows.append(stages.to_row(run, rec))
    frame = store.to_frame(rows)
    if kept_targets is not None:
        frame = pl.concat([frame, kept_targets], how="diagonal_relaxed").select(frame.columns)
    frame = frame.sort(["seg_id", "tgt_lang"])
    stats = summarize(frame)
    if run.memory is not None and run.memory.skipped:
        stats["skipped_files"] = run.memory.skipped
    return TranslationResult(frame, None, segments, engine.info.test_model, stats)


def _start(
    segments: list[Segment],
    options: TranslateOptions,
    engine: Engine,
    progress: Progress | None,
    previous: pl.DataFrame | None,
) -> Run:
    """What the stages share: the previous run's reviewed rows, the memory, the long inputs."""
    src = options.src
    same_source = None if previous is None else previous.filter(pl.col("src_lang") == src)
    reviewed = reviewed_rows(same_source)
    keys = occurrence_keys(s.text for s in segments)
    memory = _load_tm(options, _unplaced(reviewed, keys))
    long = long_segments(engine, segments, options.glossary, src, options.jurisdiction)
    created = datetime.now(UTC)
    return Run(options, engine, segments, created, reviewed, keys, memory, long, progress)


def _unplaced(
    reviewed: dict[tuple[str, str, int], dict[str, Any]], keys: list[tuple[str, int]]
) -> list[tuple[str, TmEntry]]:
    """Reviewed rows of the previous run that no segment takes over (a changed sentence):
    memory entries for this run, so the changed sentence reuses its old approved translation."""
    placed = set(keys)
    return [
        (
            tgt,
            TmEntry(row["src_text"], row["tgt_text"], row["doc_id"], row["origin"], row["review"]),
        )
        for (tgt, text, n), row in reviewed.items()
        if (text, n) not in placed and (row["tgt_text"] or "").strip()
    ]


def _other_targets(
    previous: pl.DataFrame | None, segments: list[Segment], src: str, tgts: list[str]
) -> pl.DataFrame | None:
    """Rows of targets this run does not touch: kept when they translate the same segments.

    When the document changed since those targets were translated, refuse rather than keep
    stale rows or drop a reviewer's work.
    """
    if previous is None:
        return None
    others = previous.filter(~pl.col("tgt_lang").is_in(tgts))
    if others.is_empty():
        return None
    texts = [s.text for s in segments]
    stale = []
    for tgt in sorted(others["tgt_lang"].unique().to_list()):
        part = others.filter(pl.col("tgt_lang") == tgt).sort("seg_id")
        if part["src_lang"][0] != src or part["src_text"].to_list() != texts:
            stale.append(tgt)
    if stale:
        raise UsageError(
            f"the stored document '{previous['doc_id'][0]}' also has {', '.join(stale)}, "
            "translated from a different text: add them to {tgt} (reviewed segments are kept) "
            "or use another {doc_id}",
            options=["tgt", "doc_id"],
        )
    return others


def _load_tm(options: TranslateOptions, own: list[tuple[str, TmEntry]]) -> TranslationMemory | None:
    """The translation memory for this run (None with --no-tm), read once from the store,
    plus `own`: the document's reviewed rows this run no longer places."""
    if not options.use_tm:
        return None
    memory = TranslationMemory.load(
        options.out_dir, options.src, options.tgts, exclude_doc=options.doc_id
    )
    for tgt, entry in own:
        memory.add(tgt, entry)
    return memory if len(memory) or memory.skipped else None


def summarize(frame: pl.DataFrame) -> dict[str, Any]:
    """Per-target counts of statuses and origins, term success and the worst segments."""
    per_target: dict[str, dict[str, Any]] = {}
    for tgt in frame["tgt_lang"].unique(maintain_order=True).to_list():
        part = frame.filter(pl.col("tgt_lang") == tgt)
        terms = [t for row in part["terms"].to_list() for t in (row or [])]
        terms = [t for t in terms if (t.get("level") or "force") == "force"]  # checked: not counted
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
