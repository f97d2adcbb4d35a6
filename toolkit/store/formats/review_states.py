"""Mekong review states in XLIFF 2.0 and 1.2, both ways, in one place.

Mekong has four states; an export writes one XLIFF state per Mekong state, and reading that
state back gives the same Mekong state, so export -> import -> export changes nothing in either
version. A Mekong approval is a reviewer's sign-off: XLIFF 2.0 `reviewed`, 1.2 `signed-off`
(with `approved="yes"`, which translate-toolkit reads). `final` in either version is read as
approved too (Mekong has no separate "locked" state) and comes back as reviewed/signed-off.
Rejected has no XLIFF state: 2.0 writes `initial` with subState `mekong:rejected`, 1.2 writes
`needs-translation` with state-qualifier `x-mekong-rejected` (1.2's own `rejected-*`
qualifiers read as rejected too). An unedited machine translation is 2.0 `initial` and 1.2
`needs-review-translation` (1.2's state for a translation that awaits review).
"""

from __future__ import annotations

REJECTED_SUBSTATE = "mekong:rejected"  # XLIFF 2.0 subState
REJECTED_QUALIFIER = "x-mekong-rejected"  # XLIFF 1.2 state-qualifier

# review -> (state, subState) in XLIFF 2.0
STATE_2_OF_REVIEW: dict[str, tuple[str, str | None]] = {
    "new": ("initial", None),
    "edited": ("translated", None),
    "approved": ("reviewed", None),
    "rejected": ("initial", REJECTED_SUBSTATE),
}
REVIEW_OF_STATE_2 = {"initial": "new", "translated": "edited", "reviewed": "approved"}
REVIEW_OF_STATE_2["final"] = "approved"

# review -> (state, state-qualifier) in XLIFF 1.2
STATE_12_OF_REVIEW: dict[str, tuple[str, str | None]] = {
    "new": ("needs-review-translation", None),
    "edited": ("translated", None),
    "approved": ("signed-off", None),
    "rejected": ("needs-translation", REJECTED_QUALIFIER),
}
REVIEW_OF_STATE_12 = {
    "new": "new",
    "needs-translation": "new",
    "needs-adaptation": "new",
    "needs-l10n": "new",
    "needs-review-translation": "new",
    "needs-review-adaptation": "new",
    "needs-review-l10n": "new",
    "translated": "edited",
    "signed-off": "approved",
    "final": "approved",
}


def state_2(review: str | None) -> tuple[str, str | None]:
    return STATE_2_OF_REVIEW.get(review or "new", STATE_2_OF_REVIEW["new"])


def review_of_2(state: str | None, sub_state: str | None) -> str | None:
    """The Mekong review state an XLIFF 2.0 segment state stands for (None: no state)."""
    if sub_state == REJECTED_SUBSTATE:
        return "rejected"
    return REVIEW_OF_STATE_2.get(state or "")


def state_12(review: str | None) -> tuple[str, str | None]:
    return STATE_12_OF_REVIEW.get(review or "new", STATE_12_OF_REVIEW["new"])


def review_of_12(state: str | None, qualifier: str | None, approved: str | None) -> str | None:
    """The Mekong review state of an XLIFF 1.2 target (state, state-qualifier, approved)."""
    if qualifier == REJECTED_QUALIFIER or (qualifier or "").startswith("rejected-"):
        return "rejected"
    review = REVIEW_OF_STATE_12.get(state or "")
    if approved == "yes" and review in (None, "edited"):
        return "approved"
    return review
