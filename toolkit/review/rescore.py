"""Rescoring a reviewed row with the translation's rules (`toolkit.quality.score_segment`).

An edit makes the stored score, status and flags describe text that is gone; they are measured
again on the new text, the way `translate` measures a fresh output:
- signals of the machine output (engine confidence, CometKiwi, translation-memory match, the
  test-model flag) are kept only while the text is still that output; a person's text has none;
- glossary terms are re-checked by the caller (`changes.recheck_terms`) and scored here;
- adequacy (e5 similarity with the source, and the margin over the neighbouring sources) is
  measured again when translation measured it, with the same window of neighbours;
- a segment translated from a third language (flag `source_<lang>`) is scored from that
  language and stays flagged; a paragraph kept as written stays `kept_as_written` while its
  text is the source's; a fuzzy memory match stays `tm_fuzzy` (as `translate` marks them).
The round trip (`--roundtrip`) cannot be redone without the engine: an edited text has none.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import polars as pl

MACHINE_SIGNALS = ("logprob", "kiwi", "tm_match", "align_score")


def _source_lang(flags: Sequence[str], src: str) -> str:
    """The language the segment was translated from (a mixed document's third language)."""
    for flag in flags:
        if flag.startswith("source_") and len(flag) > len("source_"):
            return flag[len("source_") :]
    return src


def _neighbours(frame: pl.DataFrame, texts: list[str], i: int) -> tuple[list[str], list[str], int]:
    """Sources and targets of row i's target language within the adequacy window, and where
    row i sits among them (the same neighbours `translate` compares a segment with)."""
    from toolkit.quality.adequacy import WINDOW

    langs, seg_ids = frame["tgt_lang"].to_list(), frame["seg_id"].to_list()
    order = sorted((k for k, lang in enumerate(langs) if lang == langs[i]), key=seg_ids.__getitem__)
    srcs = frame["src_text"].to_list()
    keep = [k for k in order if (srcs[k] or "").strip() and (texts[k] or "").strip()]
    if i not in keep:
        return [], [], -1
    at = keep.index(i)
    window = keep[max(0, at - WINDOW) : at + WINDOW + 1]
    return [srcs[k] for k in window], [texts[k] for k in window], window.index(i)


def _adequacy(frame: pl.DataFrame, texts: list[str], i: int, old: dict[str, Any]) -> tuple:
    """(Adequacy or None, missing) for row i, measured only where translation measured it."""
    from toolkit.quality.adequacy import measure_if_available

    wanted = old.get("adequacy") is not None or "adequacy" in (old.get("signals_missing") or "")
    if not wanted:
        return None, False
    srcs, tgts, at = _neighbours(frame, texts, i)
    if at < 0:
        return None, False
    measured, missing = measure_if_available(srcs, tgts)
    return measured[at], missing


def rescore_row(
    frame: pl.DataFrame, texts: list[str], i: int, terms: list[dict[str, Any]], machine: bool
) -> tuple[float, str, dict[str, Any]]:
    """(score, status, signals) of row i with its current text `texts[i]`.

    `texts` holds every row's current text (neighbours matter for adequacy); `machine` says
    whether the text is still the machine output, whose own signals then still apply.
    """
    from toolkit.pipeline import status
    from toolkit.quality import score_segment

    row = frame.row(i, named=True)
    old: dict[str, Any] = row.get("signals") or {}
    old_flags = [str(f) for f in (old.get("flags") or [])]
    src = _source_lang(old_flags, row["src_lang"])
    kept = {k: old.get(k) if machine else None for k in MACHINE_SIGNALS}
    adequacy, missing = _adequacy(frame, texts, i, old)
    result = score_segment(
        row["src_text"] or "",
        texts[i],
        src if src != row["tgt_lang"] else row["src_lang"],
        row["tgt_lang"],
        logprob=kept["logprob"],
        terms=terms,
        test_model=bool(row.get("test_model")) and machine,
        kiwi=kept["kiwi"],
        tm_match=kept["tm_match"],
        align_score=kept["align_score"],
        adequacy=adequacy,
        signals_missing=("adequacy",) if missing else (),
    )
    third = src != row["src_lang"]
    as_written = not third and "kept_as_written" in old_flags and texts[i] == row["src_text"]
    tm_match = kept["tm_match"] if machine and not (third or as_written) else None
    facts = status.ReviewFacts(row["src_lang"], src, tm_match=tm_match, kept_as_written=as_written)
    status.decide_review(result, facts)  # as `translate` decides it
    return result.score, result.status, result.signals
