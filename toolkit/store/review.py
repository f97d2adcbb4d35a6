"""The review state of a stored row: the one rule of how a reviewer's action changes it.

States: new (machine output, untouched), edited, approved, rejected. The page, reviewed-file
imports and any library caller go through `next_review`; what follows from the new state
(terms re-checked, the row rescored) is the caller's (`toolkit.review.changes`).
"""

from __future__ import annotations

from toolkit.errors import UsageError

REVIEWS = ("new", "approved", "edited", "rejected")
VERDICTS = ("approved", "rejected")  # an edit that carries one of these keeps it


def next_review(
    old_review: str, old_text: str, review: str | None, text: str | None
) -> tuple[str, str]:
    """The (review, text) a reviewer's action leads to: `review` None keeps the state, `text`
    None keeps the text; a changed text is an edit unless it is also approved or rejected, and
    an unchanged text never counts as an edit."""
    new_text = old_text if text is None else text
    if review is not None and review not in REVIEWS:
        raise UsageError(f"review state {review!r}: use one of {', '.join(REVIEWS)}")
    if new_text != old_text:
        return (review if review in VERDICTS else "edited"), new_text
    return review or old_review, new_text
