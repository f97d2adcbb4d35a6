"""The translate pipeline's stages, each a small function over one target's segment records.

terms -> reuse (reviewed rows, translation memory) -> engine -> verification -> scoring -> row;
`translate.py` runs them in that order for every target.
"""

from __future__ import annotations

from typing import Any

from toolkit import quality
from toolkit.engines.base import AT_LIMIT, Engine, Hypothesis
from toolkit.engines.batching import Recorder
from toolkit.machine import machine_translate, units_for
from toolkit.pipeline import status
from toolkit.pipeline.record import Run, SegmentRecord
from toolkit.quality.adequacy import measure_if_available
from toolkit.store import rows


def find_terms(run: Run) -> list[list[Any]]:
    """Glossary matches in each source segment (once for every target)."""
    glossary = run.glossary
    if glossary is None:
        return [[] for _ in run.segments]
    return [glossary.match(s.text, run.src, run.options.jurisdiction) for s in run.segments]


def with_terms(run: Run, hits: list[list[Any]], tgt: str) -> list[SegmentRecord]:
    """One record per segment for `tgt`, with the term constraints that target gets."""
    glossary = run.glossary
    return [
        SegmentRecord(k, seg, tgt, hits[k], glossary.constraints(hits[k], tgt) if glossary else [])
        for k, seg in enumerate(run.segments)
    ]


def reuse(run: Run, records: list[SegmentRecord]) -> None:
    """A reviewed row of the previous run at the same text, else a translation-memory match."""
    for rec, key in zip(records, run.keys, strict=True):
        rec.carried = run.reviewed.get((rec.tgt, *key))
        if rec.carried is not None:
            rec.hyp = Hypothesis(rec.carried["tgt_text"])
        elif run.memory is not None:
            rec.match = run.memory.lookup(rec.seg.text, rec.tgt)
            if rec.match is not None:
                rec.hyp = Hypothesis(rec.match.entry.tgt_text)
    reused = sum(1 for rec in records if not rec.needs_engine)
    if run.progress and reused:
        run.progress(reused)


def translate_all(run: Run, plans: dict[str, list[SegmentRecord]]) -> None:
    """The engine stage for every target; with several targets and an engine that batches
    across them (`translate_rows`), all in shared batches (`toolkit.engines.batching`)."""
    jobs = {tgt: _job(run, tgt, records) for tgt, records in plans.items()}
    engine: Engine = run.engine
    if len(jobs) > 1 and hasattr(engine, "translate_rows"):
        recorder = Recorder.like(engine)
        for tgt, (units, todo) in jobs.items():
            machine_translate(recorder, units, todo, run.src, tgt, recorder.ignore)  # type: ignore[arg-type]
        engine = recorder.run(engine, run.progress)  # type: ignore[assignment]
    for tgt, (units, todo) in jobs.items():
        hyps = machine_translate(engine, units, todo, run.src, tgt, run.progress)
        for k, hyp in hyps.items():
            plans[tgt][k].hyp = hyp


def _job(run: Run, tgt: str, records: list[SegmentRecord]) -> tuple[list[Any], list[int]]:
    constraints = [rec.constraints for rec in records]
    units = units_for(run.segments, constraints, run.long, run.glossary, tgt)
    return units, [rec.index for rec in records if rec.needs_engine]


def measure(run: Run, records: list[SegmentRecord]) -> None:
    """Adequacy (cross-lingual similarity) in one batch, and the round trip when asked for;
    a carried row was measured when it was made."""
    srcs = [rec.seg.text if rec.carried is None else "" for rec in records]
    measured, missing = measure_if_available(
        srcs, [rec.hyp.text for rec in records], run.options.adequacy
    )
    backs = None
    if run.options.roundtrip:
        texts = [rec.hyp.text if rec.carried is None else "" for rec in records]
        backs = back_translate(run.engine, texts, records[0].tgt, run.src) if records else []
    for k, rec in enumerate(records):
        rec.adequacy, rec.adequacy_missing = measured[k], missing
        rec.back = backs[k] if backs is not None else None


def back_translate(engine: Engine, texts: list[str], tgt: str, src: str) -> list[str]:
    """The outputs translated back into the source (round trip); empty outputs stay empty."""
    todo = [i for i, t in enumerate(texts) if t.strip()]
    back = engine.translate([texts[i] for i in todo], tgt, src) if todo else []
    result = [""] * len(texts)
    for i, hyp in zip(todo, back, strict=True):
        result[i] = hyp.text
    return result


def verify(run: Run, rec: SegmentRecord) -> None:
    """Which glossary terms the output has (a term row per source hit)."""
    if run.glossary is None or rec.carried is not None:
        return
    checks = run.glossary.verify(rec.hyp.text, rec.hits, rec.tgt)
    rec.terms = [c.as_dict() if hasattr(c, "as_dict") else dict(c) for c in checks]


def score(run: Run, rec: SegmentRecord) -> None:
    """The quality signals, score and status of the output (a carried row keeps its own)."""
    if rec.carried is not None:
        return
    src, tgt, match = run.src, rec.tgt, rec.match
    seg_lang = rec.seg.lang or src
    rec.quality = quality.score_segment(
        rec.seg.text,
        rec.hyp.text,
        seg_lang if seg_lang != tgt else src,
        tgt,
        logprob=rec.hyp.logprob,
        terms=rec.terms,
        test_model=run.engine.info.test_model and match is None,
        back_text=rec.back,
        tm_match=match.score if match else None,
        adequacy=rec.adequacy,
        signals_missing=("adequacy",) if rec.adequacy_missing else (),
    )
    facts = status.ReviewFacts(
        src_lang=src,
        seg_lang=seg_lang,
        tm_match=match.score if match else None,
        kept_as_written=seg_lang == tgt,
        split=rec.index in run.long,
        at_limit=bool(rec.hyp.extra.get(AT_LIMIT)),
    )
    status.decide_review(rec.quality, facts)


def to_row(run: Run, rec: SegmentRecord) -> dict[str, Any]:
    """The store row of a record (`toolkit.store.rows`, as for align and carried rows)."""
    seg, options = rec.seg, run.options
    place = rows.Placement.one_segment(options.doc_id, seg.seg_id, seg.para_id, seg.start, seg.end)
    if rec.carried is not None:
        return rows.carried_row(rec.carried, place)
    q, match, engine = rec.quality, rec.match, run.engine
    if q is None:
        raise RuntimeError("to_row before score: the stages ran out of order")
    content = rows.Content(
        src_lang=run.src,
        tgt_lang=rec.tgt,
        src_text=seg.text,
        tgt_text=rec.hyp.text,
        origin="tm" if match else "mt",
        engine=f"tm:{match.entry.doc_id}" if match else engine.info.label,
        score=q.score,
        status=q.status,
        signals=q.signals,
        created_at=run.created,
        glossary_version=run.glossary.version if run.glossary else "",
        terms=rec.terms,
        mt_text=None if match else rec.hyp.text,
        test_model=engine.info.test_model and match is None,
    )
    return rows.build_row(place, content)
