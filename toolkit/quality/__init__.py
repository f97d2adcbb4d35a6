"""Reference-free quality signals per segment, combined into a score and a status.

First version: empty output, target script, length ratio, model log-probability and glossary
term success. `SIGNAL_FIELDS` fixes the struct stored in the `signals` column.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

from toolkit import languages

SIGNAL_FIELDS: dict[str, type] = {
    "logprob": float,
    "length_ratio": float,
    "script_share": float,
    "term_success": float,
    "empty": bool,
    "test_model": bool,
    "tm_match": float,  # translation-memory match score (origin = tm), else None
    "align_score": float,  # sentence-alignment score (origin = aligned), else None
    "flags": list,
}


@dataclass
class QualityResult:
    score: float
    status: str
    signals: dict[str, object]
    flags: list[str] = field(default_factory=list)


def score_segment(
    src_text: str,
    tgt_text: str,
    src: str,
    tgt: str,
    *,
    logprob: float | None = None,
    terms: Sequence[dict[str, object]] = (),
    test_model: bool = False,
) -> QualityResult:
    """Score one translated segment without a reference."""
    flags: list[str] = []
    empty = not tgt_text.strip()
    ratio = len(tgt_text) / max(1, len(src_text))
    share = languages.script_share(tgt_text, tgt) if not empty else 0.0
    found = [bool(t.get("found")) for t in terms]
    term_success = sum(found) / len(found) if found else 1.0
    if empty:
        flags.append("empty")
    if share < 0.5:
        flags.append("wrong_script")
    if not empty and (ratio > 3.0 or ratio < 0.2):
        flags.append("length")
    if term_success < 1.0:
        flags.append("missing_term")
    score = 0.0 if empty else share * min(1.0, term_success)
    if logprob is not None and math.isfinite(logprob):
        score *= 0.5 + 0.5 * math.exp(max(logprob, -10.0) / 2)
    if "length" in flags:
        score *= 0.5
    status = "bad" if empty or "wrong_script" in flags else ("review" if flags or score < 0.6 else "ok")
    signals = {
        "logprob": logprob,
        "length_ratio": ratio,
        "script_share": share,
        "term_success": term_success,
        "empty": empty,
        "test_model": test_model,
        "tm_match": None,
        "align_score": None,
        "flags": flags,
    }
    return QualityResult(round(score, 4), status, signals, flags)
