"""What every signal family returns, and the text units the families count in.

Khmer, Lao and Thai are written without spaces between words, so anything that counts words
there counts characters instead (code points, whitespace dropped).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

NO_SPACE_LANGS = frozenset({"km", "lo", "th"})

_WORD = re.compile(r"\w+", re.UNICODE)


@dataclass
class Part:
    """One family's contribution: raw signal values, a score factor in [0, 1] and its flags."""

    values: dict[str, object]
    factor: float = 1.0
    flags: list[str] = field(default_factory=list)


def units(text: str, lang: str) -> list[str]:
    """Lower-cased words for en/vi; characters (no whitespace) for km/lo/th."""
    if lang in NO_SPACE_LANGS:
        return [c for c in text if not c.isspace()]
    return [w.lower() for w in _WORD.findall(text)]


def ramp(value: float, full_at: float, floor: float = 0.4) -> float:
    """A factor that is 1 from `full_at` upwards and falls linearly to `floor` at 0."""
    if full_at <= 0:
        return 1.0
    return max(floor, min(1.0, floor + (1.0 - floor) * value / full_at))
