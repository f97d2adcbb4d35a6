"""Khmer: ។ (khan), ៕ (bariyoosan), ៚, ? and ! end a sentence.

Never a boundary: ៗ (repetition mark), ៛ (riel sign), ៖ (colon), and the ។ inside or at
the end of "។ល។" (et cetera). Spaces separate phrases in Khmer, so they never end a sentence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from toolkit.segment.base import spans_from_cuts
from toolkit.segment.latin import merge_letterless

_CLOSERS = "\"'”’»)]}"
# A sentence mark plus closing quotes/brackets; "។ល។" is matched whole so it is skipped.
SENTENCE_MARKS = "។៕៚"  # always end a sentence (also read by toolkit.segment.srx)
ETC = "។ល។"  # et cetera: never an end
_MARK = re.compile(
    rf"។\s*ល\s*។|[{SENTENCE_MARKS}]+[\"'”’»)\]}}]*|[?!？！]+[\"'”’»)\]}}]*(?=\s|$|[\u1780-\u17ff])"
)


@dataclass
class KhmerSegmenter:
    lang: str = "km"

    def split(self, text: str) -> list[tuple[int, int]]:
        cuts = [m.end() for m in _MARK.finditer(text) if not m.group().endswith(("ល។", "ល ។"))]
        cuts = [_past_final_mark(text, c) for c in cuts if not _etc_follows(text, c)]
        return merge_letterless(text, spans_from_cuts(text, cuts))


_ETC_AFTER = re.compile(r"\s*ល\s*។")


def _etc_follows(text: str, cut: int) -> bool:
    """'។ ល។' written with a space is still et cetera, not an end."""
    return bool(_ETC_AFTER.match(text, cut))


_MARK_AFTER = re.compile(r"\s*[។៕.]+[\"'”’»)\]}]*")


def _past_final_mark(text: str, cut: int) -> int:
    """'...!" ។' and '...។.': the mark or stray dot that follows belongs to the same sentence."""
    m = _MARK_AFTER.match(text, cut)
    return m.end() if m and not _etc_follows(text, cut) else cut


def segmenter() -> KhmerSegmenter:
    return KhmerSegmenter()
