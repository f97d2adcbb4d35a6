"""Glossary terms in the CTranslate2 engine: the model's rendering replaced (see `spans`).

CTranslate2 has no lexical constraints. The first pass returns, with each output, its
cross-attention (`return_attention`, only when the batch has constraints); a missing term's
rendering is located there, candidate replacements of all segments are scored in one
`score_batch` call and the most probable is kept. A segment a placement cannot settle (no
rendering found, or the result still misses a term) is decoded once more with every missing
term forced at the start of the target prefix and the decoding limit raised to fit it: the
guarantee holds at the limit too, and nothing is ever silently short of a term.
"""

from __future__ import annotations

from dataclasses import dataclass

from toolkit.engines.base import Hypothesis, TermConstraint
from toolkit.engines.spans import Job, keep_spans, merge, missing, piece_text, place, source_span

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

            def score(rows: list[int], cands: list[str]) -> list[tuple[float, int]]:
                outs = [outputs[r] for r in rows]
                return self._score([sources[r] for r in rows], code, cands, outs)

            def score_rows(
                sub: list[list[str]], cands: list[str], rows: list[int]
            ) -> list[tuple[float, int]]:
                return self._score(sub, code, cands, [outputs[r] for r in rows])

            changed = self._apply(place(jobs, score), jobs, outputs)
            again = [i for i, got in changed.items() if got is None]
            if again:
                texts_again = [self._decode(outputs[i].tokens) for i in again]
                sub = [sources[i] for i in again]
                for i, got in zip(again, score_rows(sub, texts_again, again), strict=True):
                    changed[i] = got
            for i, got in changed.items():
                lp, n = got  # type: ignore[misc]
                # a term put in place keeps the output's own ending (or its cut at the limit)
                ended = dict(hyps[i].extra)
                hyps[i] = Hypothesis(self._decode(outputs[i].tokens), lp / max(1, n), n, ended)
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
            jobs.append(Job(i, j, text, spans, forms, mass, fixed, keep_spans(text, others)))
        return jobs

    @staticmethod
    def _forbidden_at(text: str, c: TermConstraint) -> tuple[int, int] | None:
        for f in c.forbidden:
            at = text.find(f) if f else -1
            if at >= 0:
                return at, at + len(f)
        return None

    def _score(
        self, sources: list[list[str]], code: str, texts: list[str], outs: list[Output]
    ) -> list[tuple[float, int]]:
        """Teacher-forced (sum of log-probs, tokens) of each text, the end token counted where
        the segment's output ended (score_batch always adds one)."""
        targets = [[code, *pieces] for pieces in self._pieces(texts)]
        scored = self.translator.score_batch(
            sources, targets, max_batch_size=self.batch_size, max_input_length=self.max_length
        )
        result = []
        for sc, out in zip(scored, outs, strict=True):
            lps = list(sc.log_probs)[1:]  # the language token is forced
            if not out.ended:
                lps = lps[:-1]
            result.append((float(sum(lps)), len(lps)))
        return result

    def _apply(
        self, best: dict, jobs: list[Job], outputs: list[Output]
    ) -> dict[int, tuple[float, int] | None]:
        """Each row's chosen replacements put in; its (log-prob sum, tokens) where one choice
        was applied alone (known from scoring), else None (to be scored)."""
        by_row: dict[int, list] = {}
        base: dict[int, str] = {}
        for job in jobs:
            if (job.row, job.term) in best:
                by_row.setdefault(job.row, []).append(best[(job.row, job.term)])
                base[job.row] = job.text
        done: dict[int, tuple[float, int] | None] = {}
        for i, choices in by_row.items():
            text, applied = merge(base[i], choices)
            outputs[i].tokens = self._term_tokens(text)
            outputs[i].attention = None
            one = applied == 1 and len(choices) == 1
            done[i] = (choices[0].logprob, choices[0].tokens) if one else None
        return done

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
