"""Glossary terms in the CTranslate2 engine: the model's rendering replaced (see `spans`).

CTranslate2 has no lexical constraints. The first pass returns, with each output, its
cross-attention (`return_attention`, only when the batch has constraints); a missing term's
rendering is located there and replaced by the glossary form at the attention core's edges
(`spans.first_choices`: no candidate scoring, which on the toy benchmark cost twice the
decoding and duplicated more). A segment a placement cannot settle (no
rendering found, or the result still misses a term) is decoded once more with every missing
term forced at the start of the target prefix and the decoding limit raised to fit it: the
guarantee holds at the limit too, and nothing is ever silently short of a term.
"""

from __future__ import annotations

from dataclasses import dataclass

from toolkit.engines.base import Hypothesis, TermConstraint
from toolkit.engines.spans import (
    Job,
    first_choices,
    keep_spans,
    merge,
    missing,
    piece_text,
    source_span,
)

EOS = "</s>"


@dataclass
class Output:
    """One segment's output as the placement sees it."""

    tokens: list[str]  # without the language token and the end token
    ended: bool
    attention: list[list[float]] | None = None  # row k: attention while writing tokens[k]


class CT2Placement:
    """Mixed into `CTranslate2Engine` (it supplies translator, tokenizer and limits)."""

    def _enforce(
        self,
        sources: list[list[str]],
        texts: list[str],
        code: str,
        hyps: list[Hypothesis],
        outputs: list[Output],
        constraints: list[list[TermConstraint]],
        max_len: int,
    ) -> None:
        """Put the missing terms in, in place (see module doc)."""
        todo = [i for i, h in enumerate(hyps) if missing(h.text, constraints[i])]
        for _ in range(max((len(constraints[i]) for i in todo), default=0)):
            jobs = [j for i in todo for j in self._jobs(i, texts[i], outputs[i], constraints[i])]
            if not jobs:
                break
            for i in self._apply(first_choices(jobs), jobs, outputs):
                # the free output's confidence is kept: the glossary form is not the model's
                # choice, so its low probability says nothing about the rest of the segment
                n = len(outputs[i].tokens) + int(outputs[i].ended)
                ended = dict(hyps[i].extra)  # its own ending (or its cut at the limit)
                hyps[i] = Hypothesis(self._decode(outputs[i].tokens), hyps[i].logprob, n, ended)
            todo = [i for i in todo if missing(hyps[i].text, constraints[i])]
            if not todo:
                return
            self._attend(sources, code, outputs, todo)
        if todo:
            self._force_all(sources, code, hyps, todo, constraints, max_len)

    def _jobs(self, i: int, source: str, out: Output, cons: list[TermConstraint]) -> list[Job]:
        text, spans = piece_text(out.tokens)
        jobs = []
        offsets = None
        for j in missing(text, cons):
            c = cons[j]
            fixed = self._forbidden_at(text, c)
            mass = None
            if fixed is None and c.source and out.attention is not None:
                if offsets is None:
                    offsets = self.tokenizer(source, return_offsets_mapping=True)["offset_mapping"]
                span = source_span(offsets, source, c.source)
                if span:
                    mass = [sum(row[s] for s in span if s < len(row)) for row in out.attention]
                    mass = mass[: len(out.tokens)]
            others = [f for k, o in enumerate(cons) if k != j for f in o.required]
            forms = [f for f in c.required if f]
            keep = keep_spans(text, others)
            # one layer's attention (CTranslate2) locates the tail badly: measured worse
            jobs.append(Job(i, j, text, spans, forms, mass, fixed, keep, tail_end=False))
        return jobs

    @staticmethod
    def _forbidden_at(text: str, c: TermConstraint) -> tuple[int, int] | None:
        for f in c.forbidden:
            at = text.find(f) if f else -1
            if at >= 0:
                return at, at + len(f)
        return None

    def _apply(self, best: dict, jobs: list[Job], outputs: list[Output]) -> list[int]:
        """Each row's chosen replacements put in (right to left); the rows changed."""
        by_row: dict[int, list] = {}
        base: dict[int, str] = {}
        for job in jobs:
            if (job.row, job.term) in best:
                by_row.setdefault(job.row, []).append(best[(job.row, job.term)])
                base[job.row] = job.text
        rows = list(by_row)
        texts = [merge(base[i], by_row[i])[0] for i in rows]
        for i, pieces in zip(rows, self._pieces(texts), strict=True):
            outputs[i].tokens = pieces
            outputs[i].attention = None
        return rows

    def _attend(
        self, sources: list[list[str]], code: str, outputs: list[Output], rows: list[int]
    ) -> None:
        """Cross-attention of changed outputs, for a next round (the output forced back)."""
        results = self.translator.translate_batch(
            [sources[i] for i in rows],
            target_prefix=[[code, *outputs[i].tokens] for i in rows],
            beam_size=1,
            max_batch_size=self.batch_size,
            max_input_length=self.max_length,
            max_decoding_length=max(len(outputs[i].tokens) for i in rows) + 2,
            return_attention=True,
        )
        for i, res in zip(rows, results, strict=True):
            outputs[i].attention = [list(r) for r in res.attention[0]]

    def _force_all(
        self,
        sources: list[list[str]],
        code: str,
        hyps: list[Hypothesis],
        rows: list[int],
        constraints: list[list[TermConstraint]],
        max_len: int,
    ) -> None:
        """Every term at the start of the target prefix, then greedy decoding; the
        limit grows to fit the prefix, so the terms are there even at the decoding limit."""
        prefixes = []
        for i in rows:
            forced: list[str] = []
            for c in constraints[i]:  # all of them: this decodes the segment anew
                if any(c.required):
                    forced += self._term_tokens(next(r for r in c.required if r))
            prefixes.append([code, *forced])
        limit = max(max_len, max(len(p) for p in prefixes) + 1)
        results = self.translator.translate_batch(
            [sources[i] for i in rows],
            target_prefix=prefixes,
            beam_size=1,
            max_batch_size=self.batch_size,
            max_input_length=self.max_length,
            max_decoding_length=limit,
            return_scores=True,
            return_end_token=True,
        )
        for i, res in zip(rows, results, strict=True):
            hyp = list(res.hypotheses[0])
            n = max(1, len(hyp) - 1)
            hyps[i] = self._hypothesis(hyp[1:], float(res.scores[0]) * len(hyp) / n)
