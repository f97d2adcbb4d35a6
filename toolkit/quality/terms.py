"""Glossary term success: the share of the segment's term hits whose target term is present.

Term dicts come from `toolkit.glossary` (`verify(...)` results as dicts: term_id, src, tgt,
found); a missing term is "missing_term" (review): official names must be exact.
"""

from __future__ import annotations

from collections.abc import Sequence

from toolkit.quality.common import Part


def check(terms: Sequence[dict[str, object]]) -> Part:
    """Success over forced terms; a missing term of either level is flagged."""
    found = [bool(t.get("found")) for t in terms if (t.get("level") or "force") == "force"]
    success = sum(found) / len(found) if found else 1.0
    missing = [str(t.get("term_id", "")) for t in terms if not t.get("found")]
    flags = ["missing_term"] if missing else []
    return Part(
        {"term_success": success, "terms_missing": " ".join(missing)}, 0.5 + 0.5 * success, flags
    )
