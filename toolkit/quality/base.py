"""Reference-free quality of one translated segment: signals -> score in [0, 1] -> status.

Each signal family (one module each) returns raw values, a factor in [0, 1] and flags.
The rule that combines them (also in docs/quality.md):

1. score = product of the factors: script share, length, numbers, glossary terms,
   repetition, copy, adequacy, model confidence, round trip and CometKiwi (the last four when
   measured).
2. Flags decide the status first. "Bad" flags mean the output cannot be used as it is:
   empty, wrong_script, copy, repetition, too_long. Any of them: status "bad" and the score is
   capped at 0.25.
3. Any other flag (number_missing, number_added, missing_term, length, repeated,
   wrong_language, low_adequacy, misplaced, omission, kept_as_written, source_copied,
   low_confidence, roundtrip_low, kiwi_low, added_text, test_model), or a score below 0.6
   (flag "low_score"): status "review" and the score is capped at 0.59.
4. Otherwise "ok" (so an ok segment always scores at least 0.6).
Sorting by score therefore shows bad segments and those under review first.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from toolkit import languages
from toolkit.quality import adequacy as adequacy_family
from toolkit.quality import kiwi as kiwi_family
from toolkit.quality import length, model, numbers, repetition, script, untranslated
from toolkit.quality import terms as term_family
from toolkit.quality.common import Part

# The struct stored in the `signals` column: every row has every key (None when not measured).
SIGNAL_FIELDS: dict[str, type] = {
    "logprob": float,  # mean log-probability per output token, from the engine
    "confidence": float,  # exp(logprob): geometric-mean token probability
    "length_ratio": float,  # output / source non-space characters
    "length_vs_expected": float,  # that ratio over the pair's expected ratio (with slack)
    "script_share": float,  # share of the output's letters in the target script
    "numbers_match": float,  # matched numbers / all numbers on both sides (1.0 when none)
    "numbers_missing": str,  # source numbers absent from the output, space-separated
    "numbers_added": str,  # output numbers absent from the source
    "term_success": float,  # glossary terms found / term hits (1.0 when none)
    "terms_missing": str,  # term ids not found, space-separated
    "repetition": float,  # repeated n-gram share beyond the source's own
    "loop": int,  # most back-to-back copies of one stretch of the output (1: none)
    "copy_similarity": float,  # chrF of the output against the source, 0-1
    "roundtrip_chrf": float,  # chrF of the back-translation against the source (--roundtrip)
    "kiwi": float,  # CometKiwi score when that model was used
    "adequacy": float,  # e5 cosine of source and output (cross-lingual), when measured
    "adequacy_margin": float,  # that cosine minus the best of the nearby sources' cosines
    "signals_missing": str,  # default signals that could not be measured ("adequacy")
    "empty": bool,
    "test_model": bool,
    "tm_match": float,  # translation-memory match score (origin = tm), else None
    "align_score": float,  # sentence-alignment score (origin = aligned), else None
    "flags": list,
}

BAD_FLAGS = frozenset({"empty", "wrong_script", "copy", "repetition", "too_long"})
OK_MIN = 0.6
BAD_CAP = 0.25
REVIEW_CAP = 0.59
STATUSES = ("ok", "review", "bad")


@dataclass
class QualityResult:
    score: float
    status: str
    signals: dict[str, object]
    flags: list[str] = field(default_factory=list)


def combine(parts: Sequence[Part]) -> tuple[float, str, list[str]]:
    """Score, status and flags from the families' parts, by the rule in the module docstring."""
    score = 1.0
    flags: list[str] = []
    for part in parts:
        score *= max(0.0, min(1.0, part.factor))
        flags.extend(f for f in part.flags if f not in flags)
    if any(f in BAD_FLAGS for f in flags):
        return min(score, BAD_CAP), "bad", flags
    if score < OK_MIN and not flags:
        flags.append("low_score")
    if flags:
        return min(score, REVIEW_CAP), "review", flags
    return score, "ok", flags


def score_segment(
    src_text: str,
    tgt_text: str,
    src: str,
    tgt: str,
    *,
    logprob: float | None = None,
    terms: Sequence[dict[str, object]] = (),
    test_model: bool = False,
    back_text: str | None = None,
    kiwi: float | None = None,
    tm_match: float | None = None,
    align_score: float | None = None,
    adequacy: adequacy_family.Adequacy | None = None,
    signals_missing: Sequence[str] = (),
) -> QualityResult:
    """Score one translated segment without a reference.

    `back_text` is the output translated back into `src` (round trip), `kiwi` a CometKiwi score
    computed beforehand (see toolkit.quality.kiwi), `adequacy` the cross-lingual similarity
    measured in a batch (`adequacy.measure_if_available`); all optional. `signals_missing`
    names default signals that could not be measured on this machine.
    """
    src, tgt = languages.get(src).code, languages.get(tgt).code
    signals: dict[str, object] = dict.fromkeys(SIGNAL_FIELDS)
    empty = not tgt_text.strip()
    parts: list[Part] = [
        model.confidence(logprob),
        model.roundtrip(src_text, back_text),
        kiwi_family.check(kiwi),
        term_family.check(terms),
    ]
    if not src_text.strip():
        # nothing to translate (a blank line in `mekong check`): only an output is a problem
        parts.append(Part({}, 1.0, [] if empty else ["added_text"]))
    elif empty:
        parts.append(Part({}, 0.0, ["empty"]))
    else:
        copy = untranslated.check(src_text, tgt_text, src)
        # a quotation kept as written: its script says nothing about the translation
        if "kept_as_written" not in copy.flags:
            parts.append(script.check(tgt_text, tgt, src_text))
        parts += [
            length.check(src_text, tgt_text, src, tgt),
            numbers.check(src_text, tgt_text, src, tgt),
            repetition.check(src_text, tgt_text, src, tgt),
            copy,
        ]
    lengths = [p.values["length_vs_expected"] for p in parts if "length_vs_expected" in p.values]
    parts.append(adequacy_family.check(adequacy, src, tgt, lengths[0] if lengths else None))
    if test_model:
        parts.append(Part({}, 1.0, ["test_model"]))
    for part in parts:
        signals.update(part.values)
    score, status, flags = combine(parts)
    signals.update(
        empty=empty, test_model=test_model, tm_match=tm_match, align_score=align_score, flags=flags
    )
    signals["signals_missing"] = " ".join(signals_missing)
    return QualityResult(round(score, 4), status, signals, flags)


def mark_review(q: QualityResult, flag: str, drop: tuple[str, ...] = ()) -> None:
    """Send a segment to review with `flag` (dropping flags that no longer apply); used by
    `translate` and by the review page's rescoring, so both mark segments the same way."""
    q.flags[:] = [f for f in q.flags if f not in drop] + [flag]
    q.signals["flags"] = q.flags
    if drop and q.status == "bad" and not any(f in BAD_FLAGS for f in q.flags):
        q.status = "review"
    if q.status == "ok":
        q.status = "review"
    if q.status == "review":
        q.score = min(q.score, REVIEW_CAP)
