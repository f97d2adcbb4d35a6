"""Batching by tokens across target languages.

A speech into four languages is four times the same sources with another target prefix: on
CPU, decoding pays per step, not per row, so the segments of every target share batches
(CTranslate2 takes a target prefix per example). Rows are sorted by source length and cut into
batches whose padded size (rows x longest source, in tokens) stays within a budget, so short
segments travel in big batches and long ones in small ones. Results come back in input order.

The pipeline reaches this through `Recorder`: `toolkit.machine.machine_translate` runs once per
target against a recorder (which only notes the requests), the notes are translated together
(`Recorder.run`), and a second run per target reads them back (`Replay`): the routing of mixed
languages and long segments stays in one place.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from toolkit.engines.base import EngineInfo, Hypothesis, TermConstraint

# Measured on the NLLB-600M shape, CTranslate2 int8, 2 CPU threads, the 60-segment speech
# into four targets (bench/README.md, "A speech in four languages"): at beam 1, 4,096 tokens /
# 128 rows took 55.1 s against 61.0 s for 2,048 / 64 (peak RSS 1,756 MB). A beam keeps several
# hypotheses a row: at beam 4, 2,048 / 64 took 87.9 s at 2,105-2,318 MB peak, 1,536 / 48 89.9 s
# at 1,900 MB, 1,024 / 32 99.7 s at 1,636 MB: the last keeps a margin under 2 GB.
CPU_BATCH_TOKENS = 1024
CPU_BATCH_ROWS = 32
GREEDY_BATCH_TOKENS = 4096
GREEDY_BATCH_ROWS = 128


class Row(NamedTuple):
    """One segment to translate: text, source language, target language, glossary terms."""

    text: str
    src: str
    tgt: str
    constraints: Sequence[TermConstraint] = ()


@dataclass(frozen=True)
class Budget:
    """How big a batch may be: padded source tokens (rows x longest row) and rows."""

    tokens: int = CPU_BATCH_TOKENS
    rows: int = CPU_BATCH_ROWS

    def __post_init__(self) -> None:
        if self.tokens < 1 or self.rows < 1:
            raise ValueError("a batch budget needs at least one token and one row")

    @classmethod
    def for_beam(cls, beam_size: int) -> Budget:
        """The measured CPU default: bigger batches where one hypothesis a row is kept."""
        if beam_size == 1:
            return cls(GREEDY_BATCH_TOKENS, GREEDY_BATCH_ROWS)
        return cls()

    @classmethod
    def of_rows(cls, rows: int) -> Budget:
        """At most `rows` rows a batch, whatever their length (one target's `translate`)."""
        return cls(tokens=sys.maxsize, rows=rows)


def plan(lengths: Sequence[int], budget: Budget) -> list[list[int]]:
    """Indices of `lengths` in batches, longest first; a row over the budget goes alone."""
    order = sorted(range(len(lengths)), key=lambda i: lengths[i], reverse=True)
    batches: list[list[int]] = []
    current: list[int] = []
    for i in order:
        longest = lengths[current[0]] if current else lengths[i]
        fits = (len(current) + 1) * max(1, longest) <= budget.tokens
        if current and (not fits or len(current) >= budget.rows):
            batches.append(current)
            current = []
        current.append(i)
    if current:
        batches.append(current)
    return batches


def run_batches(
    lengths: Sequence[int],
    budget: Budget,
    decode: Callable[[list[int]], list[Hypothesis]],
    progress: Callable[[int], None] | None = None,
) -> list[Hypothesis]:
    """`decode` every planned batch (it gets row indices) and put the results in input order."""
    results: list[Hypothesis | None] = [None] * len(lengths)
    for idx in plan(lengths, budget):
        hyps = decode(idx)
        if len(hyps) != len(idx):
            raise RuntimeError(f"a batch of {len(idx)} rows gave {len(hyps)} hypotheses")
        for i, hyp in zip(idx, hyps, strict=True):
            results[i] = hyp
        if progress:
            progress(len(idx))
    return [h for h in results if h is not None]


def per_target(
    engine: Any, rows: Sequence[Row], progress: Callable[[int], None] | None = None
) -> list[Hypothesis]:
    """The fallback for engines without shared batches: one `translate` call per (src, tgt)."""
    groups: dict[tuple[str, str], list[int]] = {}
    for i, row in enumerate(rows):
        groups.setdefault((row.src, row.tgt), []).append(i)
    out: list[Hypothesis | None] = [None] * len(rows)
    for (src, tgt), idx in groups.items():
        cons = [list(rows[i].constraints) for i in idx]
        hyps = engine.translate([rows[i].text for i in idx], src, tgt, cons, progress)
        for i, hyp in zip(idx, hyps, strict=True):
            out[i] = hyp
    return [h for h in out if h is not None]


def translate_rows(
    engine: Any, rows: Sequence[Row], progress: Callable[[int], None] | None = None
) -> list[Hypothesis]:
    """Shared batches where the engine has them (`translate_rows`), else per target."""
    if hasattr(engine, "translate_rows"):
        return list(engine.translate_rows(rows, progress=progress))
    return per_target(engine, rows, progress)


@dataclass
class _Call:
    rows: list[Row]
    counts: bool  # the caller passed a progress callback: these rows are counted by `run`


@dataclass
class Recorder:
    """An engine stand-in that notes each `translate` request and answers with blanks."""

    info: EngineInfo
    tokenizer: Any = None
    max_length: int | None = None
    calls: list[_Call] = field(default_factory=list)

    @classmethod
    def like(cls, engine: Any) -> Recorder:
        """A recorder that looks like `engine` to the pipeline (same limits, same tokenizer)."""
        return cls(
            engine.info, getattr(engine, "tokenizer", None), getattr(engine, "max_length", None)
        )

    def translate(
        self,
        texts: Sequence[str],
        src: str,
        tgt: str,
        constraints: Sequence[Sequence[TermConstraint]] | None = None,
        progress: Callable[[int], None] | None = None,
    ) -> list[Hypothesis]:
        cons = constraints or [[] for _ in texts]
        rows = [Row(t, src, tgt, tuple(c)) for t, c in zip(texts, cons, strict=True)]
        self.calls.append(_Call(rows, progress is not None))
        return [Hypothesis("") for _ in texts]

    @staticmethod
    def ignore(_n: int) -> None:
        """The progress callback of the recording run (nothing is translated yet)."""

    def run(self, engine: Any, progress: Callable[[int], None] | None = None) -> Replay:
        """Translate every noted row in shared batches; the answers, ready to be read back."""
        rows = [row for call in self.calls for row in call.rows]
        counted = sum(len(call.rows) for call in self.calls if call.counts)
        done = reported = 0

        def tick(n: int) -> None:
            # the rows that count (whole segments, not pieces) as a share of the rows done
            nonlocal done, reported
            done += n
            now = done * counted // max(1, len(rows))
            if progress and now > reported:
                progress(now - reported)
                reported = now

        hyps = translate_rows(engine, rows, tick if progress else None)
        answers, at = [], 0
        for call in self.calls:
            answers.append((call.rows, hyps[at : at + len(call.rows)]))
            at += len(call.rows)
        return Replay(self.info, self.tokenizer, self.max_length, answers)


@dataclass
class Replay:
    """Gives back, call by call, what `Recorder.run` translated (same order as recorded)."""

    info: EngineInfo
    tokenizer: Any
    max_length: int | None
    answers: list[tuple[list[Row], list[Hypothesis]]]

    def translate(
        self,
        texts: Sequence[str],
        src: str,
        tgt: str,
        constraints: Sequence[Sequence[TermConstraint]] | None = None,
        progress: Callable[[int], None] | None = None,  # counted while decoding
    ) -> list[Hypothesis]:
        if not self.answers:
            raise RuntimeError("replay: more requests than were recorded")
        rows, hyps = self.answers.pop(0)
        if [r.text for r in rows] != list(texts) or {(r.src, r.tgt) for r in rows} - {(src, tgt)}:
            raise RuntimeError("replay: the request differs from the recorded one")
        return hyps
