"""Machine translation of a document's segments: routing by paragraph language, and long
segments translated in pieces (`toolkit.long_input`) and joined into one hypothesis."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from toolkit.documents import strip_controls
from toolkit.engines.base import AT_LIMIT, Engine, Hypothesis, TermConstraint
from toolkit.long_input import budget_for, join_pieces, split_to_fit
from toolkit.segment import Segment


@dataclass(frozen=True)
class Unit:
    """What the engine translates for one segment: its text, or its pieces when too long."""

    lang: str | None
    pieces: list[str]
    constraints: list[list[TermConstraint]]


def long_segments(
    engine: Engine, segments: list[Segment], glossary: Any, src: str, where: str | None
) -> dict[int, tuple[list[str], list[Any]]]:
    """Segments over the engine's token budget: their pieces and each piece's glossary hits."""
    budget = budget_for(engine)
    if budget is None:
        return {}
    long: dict[int, tuple[list[str], list[Any]]] = {}
    for k, seg in enumerate(segments):
        pieces = split_to_fit(seg.text, budget)
        if len(pieces) > 1:
            lang = seg.lang or src
            hits = [
                glossary.match(p, src, where) if glossary and lang == src else [] for p in pieces
            ]
            long[k] = (pieces, hits)
    return long


def units_for(
    segments: list[Segment],
    constraints: list[list[TermConstraint]],
    long: dict[int, tuple[list[str], list[Any]]],
    glossary: Any,
    tgt: str,
) -> list[Unit]:
    units = []
    for k, seg in enumerate(segments):
        if k in long:
            pieces, hits = long[k]
            per_piece = [glossary.constraints(h, tgt) if glossary else [] for h in hits]
            units.append(Unit(seg.lang, pieces, per_piece))
        else:
            units.append(Unit(seg.lang, [seg.text], [constraints[k]]))
    return units


def machine_translate(
    engine: Engine,
    units: list[Unit],
    todo: list[int],
    src: str,
    tgt: str,
    progress: Callable[[int], None] | None,
) -> dict[int, Hypothesis]:
    """Machine translations of the segments `todo`, each from its own paragraph's language.

    In a mixed document a paragraph already in the target language is kept as written, and
    one in a third language is translated from that language (glossary constraints come from
    matches in the document's source language, so they apply to `src` segments only). A long
    segment's pieces are translated in the same batch and joined.
    """
    result: dict[int, Hypothesis] = {}
    by_lang: dict[str, list[int]] = {}
    for k in todo:
        lang = units[k].lang or src
        if lang == tgt:
            result[k] = Hypothesis(" ".join(units[k].pieces))
        else:
            by_lang.setdefault(lang, []).append(k)
    if progress and result:
        progress(len(result))
    for lang, ks in by_lang.items():
        owners = [k for k in ks for _ in units[k].pieces]
        hyps = engine.translate(
            [p for k in ks for p in units[k].pieces],
            lang,
            tgt,
            constraints=[c if lang == src else [] for k in ks for c in units[k].constraints],
            progress=progress if len(owners) == len(ks) else None,
        )
        if progress and len(owners) > len(ks):
            progress(len(ks))  # pieces: the bar counts segments
        grouped: dict[int, list[Hypothesis]] = {}
        for k, hyp in zip(owners, hyps, strict=True):
            grouped.setdefault(k, []).append(hyp)
        result.update((k, _joined(parts)) for k, parts in grouped.items())
    for hyp in result.values():
        hyp.text = strip_controls(hyp.text)  # what the store holds, every export can carry
    return result


def _joined(parts: list[Hypothesis]) -> Hypothesis:
    if len(parts) == 1:
        return parts[0]
    tokens = sum(p.tokens for p in parts)
    scored = [p for p in parts if p.logprob is not None]
    logprob = None
    if scored:
        weight = sum(max(p.tokens, 1) for p in scored)
        logprob = sum(p.logprob * max(p.tokens, 1) for p in scored) / weight  # type: ignore[operator]
    extra = {"pieces": float(len(parts))}
    if any(p.extra.get(AT_LIMIT) for p in parts):
        extra[AT_LIMIT] = 1.0
    return Hypothesis(join_pieces([p.text for p in parts]), logprob, tokens, extra)
