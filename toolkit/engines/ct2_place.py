"""Glossary terms in the CTranslate2 engine: the model's rendering replaced (see `spans`).

CTranslate2 has no lexical constraints. The first pass returns, with each output, its
cross-attention (`return_attention`, only when the batch has constraints); a missing term's
rendering is located there and the glossary form put at the attention core's start
(`spans.first_choices`: no candidate scoring, which on the toy benchmark cost twice the
decoding and duplicated more). The model then writes what follows the form itself
(`_continue`, the text up to the form as target prefix): one layer's attention marks where a
name ends badly (on the toy benchmark keeping the free text after the core scored chrF 89.1,
the continuation 98.4; bench/README.md). A segment a placement cannot settle (no
rendering found, or the result still misses a term) is decoded once more with every missing
term forced at the start of the target prefix and the decoding limit raised to fit it: the
guarantee holds at the limit too, and nothing is ever silently short of a term.
"""

from __future__ import annotations

from dataclasses import dataclass

from toolkit.engines.base import AT_LIMIT, Hypothesis, TermConstraint
from toolkit.engines.spans import (
    Job,
    by_row,
    first_choices,
    keep_spans,
    merge,
    missing,
    piece_text,
    present,
    source_span,
)

EOS = "</s>"
CONTINUE_SLACK = 4  # tokens a continuation may run beyond the free output's remaining length
JOIN_REACH = 2  # free pieces after the replaced text a continuation may skip to re-join


@dataclass
class Output:
    """One segment's output as the placement sees it."""

    tokens: list[str]  # without the language token and the end token
    ended: bool
    attention: list[list[float]] | None = None  # row k: attention while writing tokens[k]


def piece_at(tokens: list[str], char: int) -> int:
    """Index of the piece of `tokens` that holds character `char` of their text."""
    spans = piece_text(tokens)[1]
    return next((k for k, (_a, b) in enumerate(spans) if b > char), len(tokens))


class Resync:
    """CTranslate2 callback (greedy decoding): stops a row once its last two new tokens are
    two consecutive tokens of its free output at or after the cut (`joined`: where the free
    output goes on). Greedy decoding from the same two tokens over the same source goes on as
    the free output did in practice; stopping there saves the decoding of the rest. The pair
    must begin within JOIN_REACH pieces, plus what the row wrote before it, of the end of the
    replaced text (`highs`): a pair found further on ("of the" twice in a sentence) would drop
    the free text in between."""

    def __init__(
        self, starts: list[int], free: list[list[str]], lows: list[int], highs: list[int]
    ) -> None:
        self.starts, self.free, self.lows, self.highs = starts, free, lows, highs
        self.new: list[list[str]] = [[] for _ in starts]
        self.joined: dict[int, int] = {}

    def __call__(self, step) -> bool:  # noqa: ANN001 - ctranslate2.GenerationStepResult
        row = step.batch_id
        if step.step < self.starts[row] or step.token == EOS:
            return False
        new = self.new[row]
        new.append(step.token)
        if len(new) < 2:
            return False
        free = self.free[row]
        reach = self.highs[row] + len(new) - 2 + JOIN_REACH
        for r in range(self.lows[row], min(len(free) - 1, reach + 1)):
            if free[r] == new[-2] and free[r + 1] == new[-1]:
                self.joined[row] = r + 2
                return True
        return False


class CT2Placement:
    """Mixed into `CTranslate2Engine` (it supplies translator, tokenizer and limits)."""

    use_vmap: bool = False  # the engine's: decode over its per-language output vocabulary

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
        if not todo:
            return
        found = self.tokenizer([texts[i] for i in todo], return_offsets_mapping=True)
        offsets = dict(zip(todo, found["offset_mapping"], strict=True))  # one batched call
        for _ in range(max((len(constraints[i]) for i in todo), default=0)):
            jobs = [
                j
                for i in todo
                for j in self._jobs(i, texts[i], offsets[i], outputs[i], constraints[i])
            ]
            if not jobs:
                break
            best = first_choices(jobs)
            free = {i: list(outputs[i].tokens) for i in {j.row for j in jobs}}
            rows = self._apply(best, jobs, outputs)
            self._continue(sources, code, outputs, free, best, rows, constraints)
            for i in rows:
                # the free output's confidence is kept: the glossary form is not the model's
                # choice, so its low probability says nothing about the rest of the segment
                n = len(outputs[i].tokens) + int(outputs[i].ended)
                ended = {} if outputs[i].ended else {AT_LIMIT: 1.0}  # the limit cut it
                hyps[i] = Hypothesis(self._decode(outputs[i].tokens), hyps[i].logprob, n, ended)
            todo = [i for i in todo if missing(hyps[i].text, constraints[i])]
            if not todo:
                return
            self._attend(sources, code, outputs, todo)
        if todo:
            self._force_all(sources, code, hyps, todo, constraints, max_len)

    def _jobs(
        self,
        i: int,
        source: str,
        offsets: list[tuple[int, int]],
        out: Output,
        cons: list[TermConstraint],
    ) -> list[Job]:
        text, spans = piece_text(out.tokens)
        jobs = []
        for j in missing(text, cons):
            c = cons[j]
            fixed = self._forbidden_at(text, c)
            mass = None
            if fixed is None and c.source and out.attention is not None:
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
        chosen = by_row(best, jobs)
        rows = list(chosen)
        texts = [merge(*chosen[i])[0] for i in rows]
        for i, pieces in zip(rows, self._pieces(texts), strict=True):
            outputs[i].tokens = pieces
            outputs[i].attention = None
        return rows

    def _continue(
        self,
        sources: list[list[str]],
        code: str,
        outputs: list[Output],
        free: dict[int, list[str]],
        best: dict,
        rows: list[int],
        constraints: list[list[TermConstraint]],
    ) -> None:
        """Rows with one placed term: the model writes what follows the form (greedy, the text
        up to the form as target prefix) instead of the free output's text after the attention
        core, whose end one layer's attention marks badly. A row stops once it re-joins its
        free output (`Resync`: the rest is kept). One that neither ends nor re-joins within the
        free output's remaining length (+ CONTINUE_SLACK), or comes out longer than the free
        output plus the form, keeps the splice: a continuation never adds filler."""
        choices: dict[int, list] = {}
        terms: dict[int, TermConstraint] = {}
        for (i, j), choice in best.items():
            choices.setdefault(i, []).append(choice)
            terms[i] = constraints[i][j]
        # a free output the limit cut says the model would not end here either: kept spliced
        todo = [i for i in rows if len(choices.get(i, [])) == 1 and outputs[i].ended]
        size = max(1, self.batch_size)
        for chunk in (todo[k : k + size] for k in range(0, len(todo), size)):
            cuts = [choices[i][0] for i in chunk]
            prefixes = self._pieces([c.text[: c.span[1]] for c in cuts])
            lows = [piece_at(free[i], c.cut[0]) for i, c in zip(chunk, cuts, strict=True)]
            highs = [piece_at(free[i], c.cut[1]) for i, c in zip(chunk, cuts, strict=True)]
            sync = Resync([len(p) + 1 for p in prefixes], [free[i] for i in chunk], lows, highs)
            room = max(len(free[i]) - low for i, low in zip(chunk, lows, strict=True))
            results = self.translator.translate_batch(
                [sources[i] for i in chunk],
                target_prefix=[[code, *p] for p in prefixes],
                beam_size=1,
                max_batch_size=len(chunk),  # one batch: `Resync` is indexed by batch_id
                max_input_length=self.max_length,
                max_decoding_length=max(len(p) for p in prefixes) + 1 + room + CONTINUE_SLACK,
                use_vmap=self.use_vmap,
                return_end_token=True,
                callback=sync,
            )
            for k, (i, cut, res) in enumerate(zip(chunk, cuts, results, strict=True)):
                new = list(res.hypotheses[0])[1:]
                if k in sync.joined:  # the free output's rest, and its own ending
                    tokens = new + free[i][sync.joined[k] :]
                elif new and new[-1] == EOS:
                    tokens = new[:-1]
                else:
                    continue
                # no longer than the free output plus the form: a continuation adds no filler
                # and the form still stands as a word (the next piece may glue onto it)
                limit = len(piece_text(free[i])[0]) + cut.span[1] - cut.span[0]
                text = piece_text(tokens)[0]
                if len(text) <= limit and present(text, terms[i]):
                    outputs[i].tokens = tokens

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
            use_vmap=self.use_vmap,
            return_scores=True,
            return_end_token=True,
        )
        for i, res in zip(rows, results, strict=True):
            hyp = list(res.hypotheses[0])
            n = max(1, len(hyp) - 1)
            hyps[i] = self._hypothesis(hyp[1:], float(res.scores[0]) * len(hyp) / n)
