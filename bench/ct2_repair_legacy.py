"""BENCH ONLY: the round-1 glossary repair search of the CTranslate2 engine, kept to compare.

Replaced in the product by `toolkit.engines.ct2_place` (the model's own rendering replaced);
`bench/translate_speed.py` still measures it through `LegacyCT2Engine`. What follows is the
round-1 description.

CTranslate2 has no lexical constraints: a segment whose output misses a required term is decoded
again from a cut point with the term forced into the target prefix. `RepairSearch` holds that
search (cut choice from output distributions or scoring, re-synchronised continuations, one term
per round); the engine class mixes it in and supplies the translator, tokenizer and limits.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field

from toolkit.engines.base import AT_LIMIT, Hypothesis, TermConstraint
from toolkit.engines.ctranslate2_engine import CTranslate2Engine
from toolkit.errors import UsageError

EOS = "</s>"
LOGITS_BUDGET = 256 * 1024 * 1024  # bytes of first-pass output distributions held at once
RESYNC_WINDOW = 4  # tokens decoded after a forced term near the end, prefix fed in one pass
REJOIN_TOKENS = 2  # continuation tokens that must equal the first output to splice its rest


def find_rejoin(first: list[str], cut: int, continuation: list[str], need: int) -> int | None:
    """Where a repair's continuation re-joins the first output: the smallest j >= cut whose
    `need` tokens first[j - need + 1 : j + 1] equal the continuation's last `need` tokens.

    The model, having written the forced term, went on exactly as it did the first time; the
    rest of the first output (first[j + 1:]) is then its own wording and need not be decoded
    again. first[cut : j + 1 - need] is dropped: the model's own rendering of the concept.
    """
    if need < 1 or len(continuation) < need:
        return None
    tail = continuation[-need:]
    for j in range(cut + need - 1, len(first)):
        if first[j - need + 1 : j + 1] == tail:
            return j
    return None


@dataclass
class _Repair:
    """One segment being repaired: its current output tokens and what must not move."""

    index: int  # position in the batch
    tokens: list[str]  # output tokens, without the language token and the end token
    constraints: list[TermConstraint]
    locked: int = 0  # tokens[:locked] hold terms forced earlier: later cuts come after them
    logprob: float | None = None
    ended: bool = True  # the output stopped on the end token (it then counts as generated)
    candidates: list[tuple[int, list[str]]] = field(default_factory=list)  # (cut, term tokens)
    # From the output distributions (first pass at beam 1, "logits"; then each continuation):
    # fits[t][k] = log P(token t | tokens[:k]) for the first token t of every term still
    # missing (None where unknown), own[j] = log P(tokens[j] | tokens[:j]) (0.0 for a forced
    # term's tokens past its first, counted in `unscored`).
    fits: dict[int, list[float | None]] | None = None
    own: list[float] | None = None
    unscored: int = 0
    free_cut: bool = False  # this round's cut may go anywhere after `locked`


@dataclass
class _Trace:
    """What a re-synchronised continuation tells the next round (see `_continue_resync`)."""

    rejoin: int | None  # where it re-joined the old output (old[rejoin + 1:] spliced)
    logps: list[float]  # of the tokens after the forced prefix, spliced ones included
    fits: dict[int, list[float | None]]  # t -> log P(t | prefix + generated[:m]), m = 0, 1...


class RepairSearch:
    """Term repair over a `ctranslate2.Translator` (mixed into `CTranslate2Engine`)."""

    def _fits_by_forcing(self, sources: list[list[str]], code: str, todo: list[_Repair]) -> None:
        """Beam > 1 keeps no usable output distributions: get them by forcing each output
        once, greedily, as a target prefix (one position past it), in one batched call."""
        max_len = max(len(rep.tokens) for rep in todo) + 2
        chunk = max(1, LOGITS_BUDGET // (4 * len(self.tokenizer) * max_len))
        for start in range(0, len(todo), chunk):
            part = todo[start : start + chunk]
            results = self.translator.translate_batch(
                [sources[rep.index] for rep in part],
                target_prefix=[[code, *rep.tokens] for rep in part],
                beam_size=1,
                max_batch_size=self.batch_size,
                max_input_length=self.max_length,
                min_decoding_length=max_len,
                max_decoding_length=max_len,
                return_logits_vocab=True,
            )
            for rep, res in zip(part, results, strict=True):
                missing = self._missing(self._decode(rep.tokens), rep.constraints)
                if missing:
                    fits, rep.own = self._read_fits(res.logits[0], rep.tokens, missing)
                    rep.fits = dict(fits)
            del results

    def _first_id(self, constraint: TermConstraint) -> int:
        return int(
            self.tokenizer.convert_tokens_to_ids(self._term_tokens(constraint.required[0])[0])
        )

    def _missing(self, text: str, constraints: list[TermConstraint]) -> list[TermConstraint]:
        """Every constraint `_problem` would pick in turn (each term a repair may force)."""
        return [c for c in constraints if self._problem(text, [c]) is not None]

    def _read_fits(
        self, logits: object, tokens: list[str], problems: list[TermConstraint]
    ) -> tuple[dict[int, list[float | None]], list[float]]:
        """From the first pass's output distributions (row j produced output token j, the
        language token being 0): fits[t][k], the log-prob of token t (the first token of each
        problem's term) after tokens[:k], and own[j], the log-prob of tokens[j]. Read once:
        later rounds reuse them where the output is still the first one."""
        import numpy as np

        rows = np.asarray(logits, dtype=np.float32)
        top = rows.max(axis=1, keepdims=True)
        lse = (np.log(np.exp(rows - top).sum(axis=1, keepdims=True)) + top)[:, 0]
        ids = self.tokenizer.convert_tokens_to_ids(tokens)
        n = min(len(tokens), len(rows) - 2)  # cut k reads row k + 1
        fits: dict[int, list[float | None]] = {}
        for problem in problems:
            first = self._first_id(problem)
            fits[first] = (rows[1 : n + 2, first] - lse[1 : n + 2]).tolist()
        own = [float(rows[j + 1, ids[j]] - lse[j + 1]) for j in range(n)]
        return fits, own

    def _hypothesis(self, tokens: list[str], logprob: float) -> Hypothesis:
        """`tokens` without the language token; the end token counts as generated."""
        words = [t for t in tokens if t != EOS]
        cut = {} if EOS in tokens else {AT_LIMIT: 1.0}  # the decoding limit ended it
        return Hypothesis(self._decode(words), logprob, len(tokens), cut)

    # -- glossary terms -----------------------------------------------------------------
    def _problem(self, text: str, constraints: list[TermConstraint]) -> TermConstraint | None:
        """The first constraint whose preferred form must be forced into `text`."""
        from toolkit.glossary.match import term_present

        for c in constraints:
            required = [r for r in c.required if r]
            present = term_present(text, required)
            forbidden = term_present(text, c.forbidden)
            if required and (not present or (forbidden and not term_present(text, required[:1]))):
                return c
        return None

    def _token_at(self, tokens: list[str], char_index: int) -> int:
        """Index of the token where character `char_index` of the decoded text falls."""
        for k in range(len(tokens)):
            if len(self._decode(tokens[: k + 1])) > char_index:
                return k
        return len(tokens)

    def _enforce(
        self,
        sources: list[list[str]],
        code: str,
        hyps: list[Hypothesis],
        tokens: list[list[str]],
        constraints: list[list[TermConstraint]],
        max_len: int,
        first_pass: dict[int, tuple[dict[int, list[float | None]], list[float]]] | None = None,
    ) -> None:
        """Repair, in place, the hypotheses that miss a required term (see module doc)."""
        todo: list[_Repair] = []
        for i, (hyp, cons) in enumerate(zip(hyps, constraints, strict=True)):
            if cons and self._problem(hyp.text, cons):
                fits, own = (first_pass or {}).get(i, (None, None))
                todo.append(_Repair(i, tokens[i], list(cons), fits=dict(fits or {}), own=own))
        if self.term_search == "logits" and self.beam_size > 1 and todo:
            self._fits_by_forcing(sources, code, todo)
        rounds = 0
        while todo:
            rounds += 1
            last = rounds > max(len(r.constraints) for r in todo) + 1
            for rep in todo:
                rep.candidates = self._candidates(rep, hyps[rep.index].text, last)
            self._decode_candidates(sources, code, todo, max_len)
            still: list[_Repair] = []
            for rep in todo:
                end = [EOS] if rep.ended else []
                hyps[rep.index] = self._hypothesis(rep.tokens + end, rep.logprob or -100.0)
                if self._problem(hyps[rep.index].text, rep.constraints) and not last:
                    still.append(rep)
            todo = still

    def _candidates(self, rep: _Repair, text: str, last: bool) -> list[tuple[int, list[str]]]:
        """Target prefixes to try: the tokens before a cut point, then the preferred term."""
        rep.free_cut = False
        if last:  # every required term in front: presence guaranteed
            forced: list[str] = []
            for c in rep.constraints:
                forced += self._term_tokens(c.required[0])
            return [(0, forced)]
        problem = self._problem(text, rep.constraints)
        if problem is None:
            return [(len(rep.tokens), [])]
        term = self._term_tokens(problem.required[0])
        norm = unicodedata.normalize("NFC", text)
        bad = [norm.find(unicodedata.normalize("NFC", f)) for f in problem.forbidden if f]
        bad = [b for b in bad if b >= 0]
        if bad:  # replace the forbidden variant where it stands
            cuts = [max(rep.locked, self._token_at(rep.tokens, min(bad)))]
        else:
            rep.free_cut = True
            n, lo = len(rep.tokens), rep.locked
            even = [lo + (c * (n - lo)) // self.cut_points for c in range(self.cut_points)]
            cuts = sorted({self._word_start(rep.tokens, k) for k in even})
        return [(k, term) for k in cuts]

    @staticmethod
    def _word_start(tokens: list[str], k: int, window: int = 3) -> int:
        """Move a cut forward to the next word start (a "▁" token) if one is near."""
        for j in range(k, min(len(tokens), k + window)):
            if tokens[j].startswith("\u2581"):
                return j
        return k

    def _decode_candidates(
        self, sources: list[list[str]], code: str, todo: list[_Repair], max_len: int
    ) -> None:
        """Pick each segment's cut point, continue from it, and keep the result in `todo`."""
        if self.term_search == "decode":
            self._decode_every_cut(sources, code, todo, max_len)
            return
        # 1. Where does the term fit? Score every candidate prefix `tokens[:k] + term`
        #    teacher-forced, all in one parallel call, instead of decoding every cut point,
        #    and keep the cut where the term itself is most probable.
        chosen: dict[int, tuple[int, list[str]]] = {}
        prefix_lps: dict[int, list[float]] = {}  # log-probs of each forced prefix's tokens
        unscored: dict[int, int] = {}  # forced tokens whose log-prob stays unknown (0.0 above)
        first_own: dict[int, list[float] | None] = {}  # token log-probs of the output, if known
        want: list[list[int]] = []  # terms a next round may need distributions for
        for rep in todo:
            pick = self._cut_from_first_pass(rep)
            if pick is not None and rep.own is not None:
                k, term, fit_k = pick
                chosen[rep.index] = (k, term)
                prefix_lps[rep.index] = rep.own[:k] + [fit_k] + [0.0] * (len(term) - 1)
                unscored[rep.index] = rep.unscored + len(term) - 1
                self.cut_stats["first_pass"] = self.cut_stats.get("first_pass", 0) + 1
            elif len(rep.candidates) == 1 and rep.candidates[0][1]:  # a fixed cut: log-probs
                k, term = rep.candidates[0]
                known = self._known_prefix(rep, k, term)
                if known is not None:
                    prefix_lps[rep.index], unscored[rep.index] = known
            first_own[rep.index] = rep.own
            want.append(self._wanted(rep))
        multi = [rep for rep in todo if len(rep.candidates) > 1 and rep.index not in chosen]
        if multi:
            batch_src, seqs, owners = [], [], []
            for rep in multi:
                for k, term in rep.candidates:
                    batch_src.append(sources[rep.index])
                    seqs.append([code] + rep.tokens[:k] + term)
                    owners.append((rep, k, term))
            scored = self.translator.score_batch(
                batch_src, seqs, max_batch_size=self.batch_size, max_input_length=self.max_length
            )
            best: dict[int, float] = {}
            for (rep, k, term), sc in zip(owners, scored, strict=True):
                log_probs = list(sc.log_probs)[1:-1]  # drop the language and end tokens
                fit = sum(log_probs[k:])  # log P(term | tokens before the cut)
                if rep.index not in best or fit > best[rep.index]:
                    best[rep.index] = fit
                    chosen[rep.index] = (k, term)
                    prefix_lps[rep.index] = log_probs
            self.cut_stats["scored"] = self.cut_stats.get("scored", 0) + len(multi)
        for rep in todo:
            chosen.setdefault(rep.index, rep.candidates[0])
        # 2. One continuation per segment from its best cut point, at the engine's beam size.
        prefixes = []
        for rep in todo:
            k, term = chosen[rep.index]
            prefixes.append([code] + rep.tokens[:k] + term)
        if not self.fixed_new_tokens:  # a repair grows the output by about the term, no more
            max_len = min(
                max_len,
                max(len(rep.tokens) + len(p) for rep, p in zip(todo, prefixes, strict=True)) + 8,
            )
        srcs = [sources[rep.index] for rep in todo]
        trace: dict[int, _Trace] = {}
        if self.resync_window and self.repair_beam == 1:
            cuts = [chosen[rep.index][0] for rep in todo]
            owns = [first_own.get(rep.index) for rep in todo]
            outputs, sums = self._continue_resync(
                srcs, prefixes, todo, cuts, owns, max_len, trace, want
            )
        else:
            outputs, sums = self._continue(srcs, prefixes, max_len, self.repair_beam)
        # 3. The forced tokens' log-probs: known from step 1, else one scoring call.
        unknown = [i for i, rep in enumerate(todo) if rep.index not in prefix_lps]
        if unknown:
            scored = self.translator.score_batch(
                [sources[todo[i].index] for i in unknown],
                [prefixes[i] for i in unknown],
                max_batch_size=self.batch_size,
                max_input_length=self.max_length,
            )
            for i, sc in zip(unknown, scored, strict=True):
                prefix_lps[todo[i].index] = list(sc.log_probs)[1:-1]  # drop lang and end
        for i, (rep, prefix, out, total) in enumerate(
            zip(todo, prefixes, outputs, sums, strict=True)
        ):
            rep.unscored = unscored.get(rep.index, 0)
            n_gen = max(1, len(out) - 1 - rep.unscored)
            rep.logprob = (sum(prefix_lps[rep.index]) + total) / n_gen
            tokens = [t for t in out[1:] if t != EOS]
            # What the distributions say about the new output, for the next round: the
            # continuation's where it decoded, the old output's where it re-joined it.
            tr = trace.get(i)
            if tr is not None and self.first_pass_cuts:
                locked = len(prefix) - 1
                fits: dict[int, list[float | None]] = {}
                for t, got in tr.fits.items():
                    fit: list[float | None] = [None] * (len(tokens) + 1)
                    for m, v in enumerate(got[: len(fit) - locked]):
                        fit[locked + m] = v
                    old = (rep.fits or {}).get(t)
                    if tr.rejoin is not None and old is not None:  # old[j + 1:] is spliced
                        tail = old[tr.rejoin + 1 : len(rep.tokens) + 1]
                        tail += [None] * (len(rep.tokens) - tr.rejoin - len(tail))
                        fit[len(fit) - len(tail) :] = tail
                    fits[t] = fit
                rep.fits = fits
                rep.own = (prefix_lps[rep.index] + tr.logps)[: len(tokens)]
            else:
                rep.fits = rep.own = None
            rep.tokens = tokens
            rep.ended = out[-1] == EOS
            rep.locked = len(prefix) - 1

    def _cut_from_first_pass(self, rep: _Repair) -> tuple[int, list[str], float] | None:
        """The cut where the term's first token is most probable, read from distributions
        already computed (no engine call): the first pass's, then each continuation's. Only
        cuts where the term's probability is known count; None if there is none."""
        if not rep.free_cut or not rep.fits or rep.own is None:
            return None
        if not self.first_pass_cuts and (rep.locked or len(rep.candidates) < 2):
            return None  # the behaviour before: the first pass in the first round only
        term = rep.candidates[0][1]
        fit = rep.fits.get(int(self.tokenizer.convert_tokens_to_ids(term[0])))
        if fit is None:
            return None
        valid = [
            k
            for k in range(rep.locked, min(len(rep.tokens), len(rep.own), len(fit) - 1) + 1)
            if fit[k] is not None
        ]
        if self.fixed_new_tokens:  # equal work: the forced prefix fits in the length...
            limit = max(rep.locked, self.fixed_new_tokens - 1 - len(term))
            # ...unless an earlier repair made it longer already (scoring cuts ignores it too)
            valid = [k for k in valid if k <= limit] or (valid if rep.locked else [])
        if not valid:
            return None
        n = valid[-1]
        cuts = [k for k in valid if k == n or rep.tokens[k].startswith("\u2581")]
        k = max(cuts, key=lambda c: fit[c])  # type: ignore[arg-type,return-value]
        return k, term, float(fit[k])  # type: ignore[arg-type]

    def _known_prefix(
        self, rep: _Repair, k: int, term: list[str]
    ) -> tuple[list[float], int] | None:
        """Log-probs of `tokens[:k] + term` without a scoring call, and how many of them
        stay unknown (0.0: the term's tokens, its first too where no distribution says it):
        the cut is fixed, the log-probs only feed the hypothesis's mean, over known tokens."""
        if not self.first_pass_cuts or rep.fits is None or rep.own is None or len(rep.own) < k:
            return None
        fit = rep.fits.get(int(self.tokenizer.convert_tokens_to_ids(term[0])))
        first = fit[k] if fit is not None and k < len(fit) else None
        if first is None:
            return rep.own[:k] + [0.0] * len(term), rep.unscored + len(term)
        return rep.own[:k] + [first] + [0.0] * (len(term) - 1), rep.unscored + len(term) - 1

    def _wanted(self, rep: _Repair) -> list[int]:
        """First tokens of the terms a later round may force: the missing ones but this
        round's (none in the last round, which forces every term)."""
        if not self.first_pass_cuts or not rep.free_cut:
            return []
        text = self._decode(rep.tokens)
        problem = self._problem(text, rep.constraints)
        return [self._first_id(c) for c in self._missing(text, rep.constraints) if c is not problem]

    def _continue(
        self, sources: list[list[str]], prefixes: list[list[str]], max_len: int, beam: int
    ) -> tuple[list[list[str]], list[float]]:
        """Decode after each forced prefix: outputs (prefix included), free-token log-prob sums."""
        longest = max(len(p) for p in prefixes)
        limit = max(max_len, longest + 1)
        min_len = min(limit, max(longest + 1, self._lengths(sources)[0]))
        results = self.translator.translate_batch(
            sources,
            target_prefix=prefixes,
            beam_size=beam,
            max_batch_size=self.batch_size,
            max_input_length=self.max_length,
            min_decoding_length=min_len,
            max_decoding_length=limit,
            return_scores=True,
            return_end_token=True,
        )
        outputs = [list(r.hypotheses[0]) for r in results]
        return outputs, [float(r.scores[0]) * len(o) for r, o in zip(results, outputs, strict=True)]

    def _continue_resync(
        self,
        sources: list[list[str]],
        prefixes: list[list[str]],
        reps: list[_Repair],
        cuts: list[int],
        owns: list[list[float] | None],
        max_len: int,
        trace: dict[int, _Trace] | None = None,
        want: list[list[int]] | None = None,
    ) -> tuple[list[list[str]], list[float]]:
        """As `_continue`, greedy, but without decoding again what the first pass already said.

        A forced prefix costs a full decode when CTranslate2 feeds it step by step through the
        output layer. So: (1) a repair whose term goes near the end of the first output (or of
        the length limit) feeds its prefix in one decoder pass (`return_alternatives`, one
        example at a time) and decodes `resync_window` tokens; (2) the others, and those that
        neither ended nor re-joined in the window, continue in one batched greedy call in which
        a callback stops each segment as soon as its continuation re-joins the first output
        (`find_rejoin`); the rest of the first output is then spliced in, not decoded again.
        Spliced tokens keep their first-pass log-probs (or the continuation's mean). For each
        segment i with token ids in want[i], `trace` gets what a next round needs to place a
        term without scoring: the re-join point, the generated tokens' log-probs and, from the
        continuation's distributions, log P(t | prefix + generated[:m]) for each t.
        """
        limit = max(max_len, max(len(p) for p in prefixes) + 1)
        floor = self._lengths(sources)[0]

        def min_length(starts: list[list[str]], stop: int) -> int:
            return min(stop, max(max(len(p) for p in starts) + 1, floor))

        window = self.resync_window
        stats = self.repair_stats
        n = len(prefixes)
        wanted = want if want is not None and trace is not None else [[] for _ in range(n)]
        outputs: list[list[str]] = [list(p) for p in prefixes]
        logps: list[list[float]] = [[] for _ in range(n)]  # of the generated tokens
        fits: list[dict[int, list[float | None]]] = [{} for _ in range(n)]  # per generated token
        rejoins: list[int | None] = [None] * n
        done = [False] * n

        def splice(i: int, generated: list[str], lps: list[float]) -> bool:
            """Finish segment i if `generated` re-joins its first output; say whether it did."""
            rep, cut = reps[i], cuts[i]
            j = find_rejoin(rep.tokens, cut, generated, REJOIN_TOKENS)
            if j is None:
                return False
            rest = rep.tokens[j + 1 :]
            own = owns[i]
            if own is not None and len(own) >= len(rep.tokens):
                rest_lp = own[j + 1 : len(rep.tokens)]
            else:
                rest_lp = [sum(lps) / max(1, len(lps))] * len(rest)
            outputs[i] = prefixes[i] + generated + rest + ([EOS] if rep.ended else [])
            logps[i] = lps + rest_lp
            done[i] = True
            rejoins[i] = j
            stats["rejoined"] = stats.get("rejoined", 0) + 1
            return True

        tail = [
            i
            for i in range(n)
            if len(prefixes[i]) + window >= limit or len(reps[i].tokens) - cuts[i] + 1 <= window
        ]
        if tail:
            stop = min(limit, max(len(prefixes[i]) for i in tail) + window)
            results = self.translator.translate_batch(
                [sources[i] for i in tail],
                target_prefix=[prefixes[i] for i in tail],
                beam_size=1,
                return_alternatives=True,  # the prefix in one pass, then one example at a time
                max_batch_size=self.batch_size,
                max_input_length=self.max_length,
                min_decoding_length=min_length([prefixes[i] for i in tail], stop),
                max_decoding_length=stop,
                return_end_token=True,
                return_scores=True,
                return_logits_vocab=True,
            )
            for i, res in zip(tail, results, strict=True):
                hyp = list(res.hypotheses[0])
                generated = hyp[len(prefixes[i]) :]
                lps = self._window_logprobs(res, generated)
                if wanted[i]:  # the first row is empty: no distribution right after the term
                    fits[i] = self._row_fits(list(res.logits[0])[: len(generated)], wanted[i])
                words = [t for t in generated if t != EOS]
                if any(splice(i, words[: m + 1], lps[: m + 1]) for m in range(len(words))):
                    continue
                outputs[i], logps[i] = hyp, lps
                if generated[-1:] == [EOS] or len(hyp) >= limit:
                    done[i] = True
                    stats["window"] = stats.get("window", 0) + 1
        rest = [i for i in range(n) if not done[i]]
        if rest:
            stop = max(limit, max(len(outputs[i]) for i in rest) + 1)
            chunk = len(rest)
            if any(wanted[i] for i in rest):  # distributions for a next round, under budget
                chunk = max(1, LOGITS_BUDGET // (4 * len(self.tokenizer) * stop))
            for at in range(0, len(rest), chunk):
                self._continue_rejoining(
                    sources,
                    prefixes,
                    rest[at : at + chunk],
                    outputs,
                    logps,
                    fits,
                    wanted,
                    done,
                    splice,
                    min_length,
                    stop,
                )
        if trace is not None:
            for i in range(n):
                if wanted[i]:
                    trace[i] = _Trace(rejoins[i], logps[i], fits[i])
        return outputs, [sum(lp) for lp in logps]

    def _continue_rejoining(
        self,
        sources: list[list[str]],
        prefixes: list[list[str]],
        rest: list[int],
        outputs: list[list[str]],
        logps: list[list[float]],
        fits: list[dict[int, list[float | None]]],
        wanted: list[list[int]],
        done: list[bool],
        splice: Callable[[int, list[str], list[float]], bool],
        min_length: Callable[[list[list[str]], int], int],
        stop: int,
    ) -> None:
        """Step (2) of `_continue_resync` for the segments `rest`: one batched greedy call,
        each segment stopped by the callback as soon as it re-joins its first output."""
        starts = [outputs[i] for i in rest]  # the prefix and any window tokens
        generated: list[list[str]] = [outputs[i][len(prefixes[i]) :] for i in rest]
        stats = self.repair_stats

        def on_step(step: object) -> bool:
            b = step.batch_id  # type: ignore[attr-defined]
            if step.step < len(starts[b]):  # type: ignore[attr-defined]
                return False  # a forced token
            i = rest[b]
            logps[i].append(float(step.log_prob))  # type: ignore[attr-defined]
            if step.token == EOS:  # type: ignore[attr-defined]
                return False
            generated[b].append(step.token)  # type: ignore[attr-defined]
            return splice(i, generated[b], logps[i])

        results = self.translator.translate_batch(
            [sources[i] for i in rest],
            target_prefix=starts,
            beam_size=1,
            max_batch_size=self.batch_size,
            max_input_length=self.max_length,
            min_decoding_length=min_length(starts, stop),
            max_decoding_length=stop,
            return_scores=True,
            return_end_token=True,
            return_logits_vocab=any(wanted[i] for i in rest),
            callback=on_step,
        )
        for i, res in zip(rest, results, strict=True):
            if wanted[i]:  # row r produced token r (the language token being row 0)
                rows = list(res.logits[0])[len(prefixes[i]) :]
                fits[i] = self._row_fits(rows, wanted[i])
            if not done[i]:
                outputs[i] = list(res.hypotheses[0])
                stats["full"] = stats.get("full", 0) + 1

    @staticmethod
    def _row_fits(rows: list[object], ids: list[int]) -> dict[int, list[float | None]]:
        """log-softmax(row)[t] for each row and token id t; None for an empty row."""
        import numpy as np

        out: dict[int, list[float | None]] = {t: [] for t in ids}
        for row in rows:
            if not list(getattr(row, "shape", [1])):  # an empty StorageView: no data to read
                for t in ids:
                    out[t].append(None)
                continue
            r = np.asarray(row, dtype=np.float32).reshape(-1)
            top = float(r.max())
            lse = float(np.log(np.exp(r - top).sum())) + top
            for t in ids:
                out[t].append(float(r[t]) - lse)
        return out

    def _window_logprobs(self, res: object, generated: list[str]) -> list[float]:
        """Log-probs of the tokens a `return_alternatives` call generated. Its first token has
        no distribution row (an empty one); its score is the first token's log-prob plus the
        mean of the others', which gives it back."""
        import numpy as np

        rows = list(res.logits[0])[1:]  # type: ignore[attr-defined]
        rest: list[float] = []
        for row, tok in zip(rows, generated[1:], strict=False):
            r = np.asarray(row, dtype=np.float32).reshape(-1)
            top = float(r.max())
            lse = float(np.log(np.exp(r - top).sum())) + top
            rest.append(float(r[self.tokenizer.convert_tokens_to_ids(tok)]) - lse)
        score = float(res.scores[0])  # type: ignore[attr-defined]
        first = score - (sum(rest) / len(rest) if rest else 0.0)
        return [first, *rest][: len(generated)]

    def _decode_every_cut(
        self, sources: list[list[str]], code: str, todo: list[_Repair], max_len: int
    ) -> None:
        """The plain method (STACK-NOTES): decode every cut point greedily, keep the best."""
        batch_src, prefixes, owners = [], [], []
        for rep in todo:
            for k, term in rep.candidates:
                batch_src.append(sources[rep.index])
                prefixes.append([code] + rep.tokens[:k] + term)
                owners.append(rep)
        outputs, _ = self._continue(batch_src, prefixes, max_len, 1)
        scored = self.translator.score_batch(
            batch_src,
            [o[:-1] if o[-1] == EOS else o for o in outputs],
            max_batch_size=self.batch_size,
            max_input_length=self.max_length,
        )
        best: dict[int, float] = {}
        for rep, prefix, out, sc in zip(owners, prefixes, outputs, scored, strict=True):
            log_probs = list(sc.log_probs)[1:]  # drop the language token
            if out[-1] != EOS:
                log_probs = log_probs[:-1]  # score_batch always adds an end token
            mean = sum(log_probs) / max(1, len(log_probs))
            if rep.index not in best or mean > best[rep.index]:
                best[rep.index] = mean
                rep.tokens = [t for t in out[1:] if t != EOS]
                rep.ended = out[-1] == EOS
                rep.locked, rep.logprob = len(prefix) - 1, mean


class LegacyCT2Engine(RepairSearch, CTranslate2Engine):
    """The round-1 engine: first-pass distributions, cut scoring, re-synchronised repairs."""

    def __init__(
        self,
        model: object,
        *,
        cut_points: int = 3,
        term_search: str = "logits",
        repair_beam: int = 1,
        resync_window: int = RESYNC_WINDOW,
        first_pass_cuts: bool = True,
        **options: object,
    ) -> None:
        CTranslate2Engine.__init__(self, model, **options)  # type: ignore[arg-type]
        self.cut_points = max(1, cut_points)
        if term_search not in ("logits", "score", "decode"):
            raise UsageError(f"term_search {term_search}: choose logits, score or decode")
        self.term_search = term_search
        self.repair_beam = max(1, repair_beam)
        self.resync_window = max(0, resync_window)
        self.repair_stats: dict[str, int] = {}
        self.first_pass_cuts = first_pass_cuts
        self.cut_stats: dict[str, int] = {}

    def _translate_batch(
        self,
        texts: list[str],
        src: str,
        code: str,
        constraints: list[list[TermConstraint]] | None,
    ) -> list[Hypothesis]:
        sources = self._src_tokens(texts, src)
        min_len, max_len = self._lengths(sources)
        # Output distributions cost a copy per step (vocabulary x 4 bytes): only asked for
        # where a repair may use them, in chunks that keep them under LOGITS_BUDGET bytes.
        want_logits = bool(
            constraints
            and any(constraints)
            and self.term_search == "logits"
            and self.beam_size == 1
        )
        chunk = len(sources)
        if want_logits:
            chunk = max(1, LOGITS_BUDGET // (4 * len(self.tokenizer) * max_len))
        out: list[Hypothesis] = []
        tokens: list[list[str]] = []
        first_pass: dict[int, tuple[dict[int, list[float | None]], list[float]]] = {}
        for start in range(0, len(sources), chunk):
            results = self.translator.translate_batch(
                sources[start : start + chunk],
                target_prefix=[[code] for _ in sources[start : start + chunk]],
                beam_size=self.beam_size,
                max_batch_size=self.batch_size,
                max_input_length=self.max_length,
                min_decoding_length=min_len,
                max_decoding_length=max_len,
                return_scores=True,
                return_end_token=True,
                return_logits_vocab=want_logits,
            )
            for res in results:
                hyp = list(res.hypotheses[0])
                tokens.append([t for t in hyp[1:] if t != EOS])
                # CT2's score is the sum of the non-prefix token log-probs over the whole length.
                total = float(res.scores[0]) * len(hyp)
                n_gen = max(1, len(hyp) - 1)
                out.append(self._hypothesis(hyp[1:], total / n_gen))
                i = len(out) - 1
                missing = self._missing(out[i].text, constraints[i]) if want_logits else []
                if constraints and missing:
                    first_pass[i] = self._read_fits(res.logits[0], tokens[i], missing)
            del results
        if constraints and any(constraints):
            self._enforce(sources, code, out, tokens, constraints, max_len, first_pass)
        return out
