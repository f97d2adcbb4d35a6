"""The translate pipeline's public names, kept where callers import them from.

The code is in `toolkit.pipeline` (`translate.py` runs the stages of `stages.py`).
"""

from __future__ import annotations

from toolkit.pipeline import (
    SegmentRecord,
    TranslateOptions,
    TranslationResult,
    back_translate,
    check_languages,
    summarize,
    translate_document,
)

__all__ = [
    "SegmentRecord",
    "TranslateOptions",
    "TranslationResult",
    "back_translate",
    "check_languages",
    "summarize",
    "translate_document",
]
