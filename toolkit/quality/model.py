"""Signals from translation models: the engine's own confidence and the round trip.

- Confidence: the engine reports the mean log-probability per output token; exp() of it is the
  geometric-mean token probability. Thresholds are assumptions (no real NLLB output could be
  measured offline): below -1.5 (mean token probability < 0.22) is "low_confidence".
- Round trip: the output translated back into the source language with the same engine, and
  compared with the source by sentence chrF in [0, 1]; below 0.35 is "roundtrip_low".
  chrF ignores whitespace, so it works for Khmer, Lao and Thai sources as well.
"""

from __future__ import annotations

import math

from toolkit.quality.common import Part, ramp

LOW_LOGPROB = -1.5
FULL_CONFIDENCE = 0.5  # mean token probability from which confidence costs nothing
LOW_ROUNDTRIP = 0.35
FULL_ROUNDTRIP = 0.6


def confidence(logprob: float | None) -> Part:
    if logprob is None or not math.isfinite(logprob):
        return Part({"logprob": None, "confidence": None})
    conf = math.exp(min(0.0, logprob))
    flags = ["low_confidence"] if logprob < LOW_LOGPROB else []
    return Part({"logprob": logprob, "confidence": conf}, ramp(conf, FULL_CONFIDENCE), flags)


def roundtrip(src_text: str, back_text: str | None) -> Part:
    if back_text is None:
        return Part({"roundtrip_chrf": None})
    from toolkit.quality.untranslated import similarity

    chrf = similarity(back_text, src_text)
    flags = ["roundtrip_low"] if chrf < LOW_ROUNDTRIP else []
    return Part({"roundtrip_chrf": chrf}, ramp(chrf, FULL_ROUNDTRIP), flags)
