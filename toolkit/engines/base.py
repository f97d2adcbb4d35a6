"""The translation engine protocol, shared by every backend.

Engines translate batches of plain segments; glossary constraints arrive as `TermConstraint`s
so backends need not know about glossaries.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Protocol, runtime_checkable

# Re-exported: engine code imports TermConstraint from here; the test-model marker lives with
# the model registry.
from toolkit.glossary.hits import TermConstraint
from toolkit.models import TEST_MODEL_MARKER

__all__ = [
    "AT_LIMIT",
    "TEST_MODEL_MARKER",
    "Engine",
    "EngineInfo",
    "Hypothesis",
    "TermConstraint",
]


AT_LIMIT = "at_limit"  # Hypothesis.extra key: the output stopped at the length limit, not an end


@dataclass
class Hypothesis:
    text: str
    logprob: float | None = None  # length-normalised log-probability of the output
    tokens: int = 0  # number of generated tokens
    extra: dict[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class EngineInfo:
    engine: str  # backend name: transformers | ctranslate2
    model: str  # hub id or local path
    test_model: bool  # random-weight model built by `mekong models build-tiny`

    @property
    def label(self) -> str:
        note = " [TEST MODEL: random or toy weights, not a translation]" if self.test_model else ""
        return f"{self.engine}:{self.model}{note}"


@runtime_checkable
class Engine(Protocol):
    info: EngineInfo

    def translate(
        self,
        texts: Sequence[str],
        src: str,
        tgt: str,
        constraints: Sequence[Sequence[TermConstraint]] | None = None,
        progress: Callable[[int], None] | None = None,
    ) -> list[Hypothesis]:
        """Translate `texts` from `src` to `tgt` (ISO codes), one hypothesis per input."""
        ...
