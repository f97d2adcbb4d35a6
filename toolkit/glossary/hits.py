"""What glossary matching hands on: a term found in a source (`TermHit`), a term the engine
must produce (`TermConstraint`) and whether a translation has it (`TermCheck`).

Plain data with no dependencies, so the matcher, the glossary model and the engines all import
it without importing each other (engines see constraints, never glossaries).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class TermConstraint:
    """A target term that must appear (any of `required`, first preferred) and forms to avoid."""

    term_id: str
    required: tuple[str, ...]
    forbidden: tuple[str, ...] = ()
    source: str = ""  # the source text that asked for it: where the engine looks for its place


@dataclass(frozen=True)
class TermHit:
    """A glossary term found in a source text: span, the matched variant and its concept."""

    term_id: str
    lang: str
    start: int
    end: int
    text: str  # the source text as written at [start, end)
    variant: str  # the glossary form that matched
    level: str = "force"  # force | check: only forced hits become decoding constraints
    counterpart: str = ""  # gender unknown: the other gender's row, whose forms also verify

    def as_dict(self) -> dict[str, object]:
        out: dict[str, object] = {
            "term_id": self.term_id,
            "level": self.level,
            "lang": self.lang,
            "start": self.start,
            "end": self.end,
            "text": self.text,
            "variant": self.variant,
        }
        if self.counterpart:
            out["counterpart"] = self.counterpart
        return out


@dataclass(frozen=True)
class TermCheck:
    """Whether a hit's target form is present in a translation (stored in the `terms` column)."""

    term_id: str
    src: str
    tgt: str
    found: bool
    level: str = "force"

    def as_dict(self) -> dict[str, object]:
        return {
            "term_id": self.term_id,
            "src": self.src,
            "tgt": self.tgt,
            "found": self.found,
            "level": self.level,
        }
