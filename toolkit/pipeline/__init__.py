"""The pipelines: a document in, rows in the store out (DESIGN.md's data flow, in code).

- `translate`: segments -> glossary preflight -> document lock -> the stages of `stages`
  (terms -> reuse of reviewed rows and translation memory -> engine -> verification ->
  scoring -> row) over one `record.SegmentRecord` per segment and target -> atomic write.
- `align`: two documents -> segments -> MT (or none) -> alignment groups -> rows, under the
  same document lock.
Rows of both come from one builder (`toolkit.store.rows`); `status.decide_review` is the one
rule that sends a row to review beyond its quality signals.
"""

from __future__ import annotations

from toolkit.pipeline.record import SegmentRecord, TranslateOptions
from toolkit.pipeline.stages import back_translate
from toolkit.pipeline.translate import (
    TranslationResult,
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
