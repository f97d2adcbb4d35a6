"""Quality of translations: reference-free scores per segment, reference-based corpus metrics.

`score_segment` and `QualityResult` live in `base`, `score_lines` (a batch, with adequacy) in
`batch`; each signal family has its own module (script, length, numbers with number_words,
repetition, untranslated, terms, adequacy, model, kiwi) and `metrics` wraps sacrebleu for
`mekong score`. Nothing heavy is imported here (the e5 model loads on first use).
"""

from __future__ import annotations

from toolkit.quality.base import (
    BAD_FLAGS,
    SIGNAL_FIELDS,
    STATUSES,
    QualityResult,
    combine,
    score_segment,
)

__all__ = ["BAD_FLAGS", "SIGNAL_FIELDS", "STATUSES", "QualityResult", "combine", "score_segment"]
