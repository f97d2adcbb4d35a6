"""The one rule that decides a row's review status beyond what its text shows.

`quality.score_segment` rates a text on its own; the pipeline also knows how the text came to
be (a fuzzy memory match, a long input translated in pieces, a paragraph kept as written, an
alignment group). `decide_review` turns those facts into flags and a status in one place, for
`translate`, for the review page's rescoring of an edited row and for `align`.
"""

from __future__ import annotations

from dataclasses import dataclass

from toolkit.quality.base import QualityResult, mark_review

# Below this alignment score (MT-vs-target similarity) a group is sent to review.
REVIEW_BELOW = 0.3


@dataclass(frozen=True)
class ReviewFacts:
    """What is known about how a row's text was made (all optional but the languages)."""

    src_lang: str  # the document's source language
    seg_lang: str  # the language the segment was translated from (a mixed document's own)
    tm_match: float | None = None  # a translation-memory match (origin tm): its score
    kept_as_written: bool = False  # a paragraph already in the target language, kept as is
    split: bool = False  # a long input translated in pieces: the joins need a look
    at_limit: bool = False  # the engine stopped at its length limit: the output may be cut
    align_score: float | None = None  # an alignment group (origin aligned): its score
    one_sided: bool = False  # an alignment group with no source or no target sentence


def decide_review(q: QualityResult, facts: ReviewFacts) -> None:
    """Set `q`'s flags, status and score from `facts` (in place)."""
    if facts.align_score is not None:
        _aligned(q, facts.align_score, facts.one_sided)
        return
    if facts.tm_match is not None:
        if facts.tm_match < 1.0:
            mark_review(q, "tm_fuzzy")  # a changed word may be a changed name
        return
    if facts.split:
        mark_review(q, "long_input_split")
    if facts.at_limit:
        mark_review(q, "output_limit")
    if facts.kept_as_written:
        mark_review(q, "kept_as_written", drop=("copy",))
    elif facts.seg_lang != facts.src_lang:
        mark_review(q, f"source_{facts.seg_lang}")


def _aligned(q: QualityResult, score: float, one_sided: bool) -> None:
    """An alignment group: its score is the alignment's; any flag means review, never bad
    (the published translation is a person's, the flags say where the alignment is unsure)."""
    flags = ["unaligned"] if one_sided else []
    if not one_sided:
        if score < REVIEW_BELOW:
            flags.append("low_align_score")
        flags += [f for f in q.flags if f not in flags]
    q.flags[:] = flags
    q.signals["flags"] = q.flags
    q.status = "review" if flags else "ok"
    q.score = score
