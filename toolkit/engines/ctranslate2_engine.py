"""Translation with CTranslate2: the same NLLB / M2M100 models, converted, int8 on CPU.

CTranslate2 has no lexical constraints, so glossary terms are enforced by repair: decode
normally, and only for segments whose output misses a required term (or shows a forbidden
variant) re-decode once, greedily, from the best cut point with the term forced into the target
prefix. The cut is where the term's first token is most probable. At beam 1 (term_search
"logits", the default) that probability comes free from the first pass's output distributions
(`return_logits_vocab`), so a repair costs one greedy continuation and nothing else; otherwise
three cut points are scored teacher-forced in one `score_batch` call first ("score"). The
continuation does not decode again what the first pass already said (`_continue_resync`): a
term near the end gets its prefix fed in one pass and a short window decoded; elsewhere each
segment stops as soon as its continuation re-joins the first output, whose rest is spliced in.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from toolkit import languages
from toolkit.engines.base import TEST_MODEL_MARKER, EngineInfo, Hypothesis, TermConstraint
from toolkit.errors import ModelError, UsageError
from toolkit.models import ResolvedModel, models_dir

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


def is_ct2_folder(path: Path) -> bool:
    """A CTranslate2 model folder holds `model.bin` (a transformers folder does not)."""
    return (path / "model.bin").is_file()


def converted_name(model: ResolvedModel) -> str:
    """The folder name `mekong models convert` gives a model by default: NAME-ct2."""
    base = model.local_path.name if model.local_path else str(model.hub_id).split("/")[-1]
    return f"{base}-ct2"


def find_converted(model: ResolvedModel) -> Path | None:
    """The converted folder for `model`: itself, a NAME-ct2 sibling, or models/NAME-ct2."""
    candidates: list[Path] = []
    if model.local_path:
        candidates += [model.local_path, model.local_path.with_name(converted_name(model))]
    candidates.append(models_dir() / converted_name(model))
    return next((p for p in candidates if is_ct2_folder(p)), None)


def pick_ct2_device(device: str) -> str:
    import ctranslate2

    has_cuda = ctranslate2.get_cuda_device_count() > 0
    if device == "auto":
        return "cuda" if has_cuda else "cpu"
    if device == "cuda" and not has_cuda:
        raise ModelError("--device cuda: no CUDA device is available (use --device cpu)")
    if device not in ("cpu", "cuda"):
        raise UsageError(f"--device {device}: choose auto, cpu or cuda")
    return device


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
    # From the first pass at beam 1 ("logits"): fit[k] = log P(term's first token | tokens[:k]),
    # own[j] = log P(tokens[j] | tokens[:j]).
    fit: list[float] | None = None
    own: list[float] | None = None


class CTranslate2Engine:
    """A converted NLLB / M2M100 model through `ctranslate2.Translator`, batched, length-sorted."""

    def __init__(
        self,
        model: ResolvedModel,
        *,
        device: str = "auto",
        beam_size: int = 4,
        batch_size: int = 16,
        threads: int | None = None,
        max_length: int = 512,
        compute_type: str = "default",
        fixed_new_tokens: int | None = None,
        cut_points: int = 3,
        term_search: str = "logits",
        repair_beam: int = 1,
        resync_window: int = RESYNC_WINDOW,
    ) -> None:
        try:
            import ctranslate2
        except ImportError as exc:
            raise ModelError(
                f"the ctranslate2 engine is not available ({exc}): "
                "pip install 'mekong-toolkit[ct2]'"
            ) from None

        from toolkit.engines.transformers_engine import _quiet_transformers

        folder = find_converted(model)
        if folder is None:
            raise ModelError(self._not_converted_message(model))
        self.device = pick_ct2_device(device)
        self.beam_size = beam_size
        self.batch_size = batch_size
        self.max_length = max_length
        self.fixed_new_tokens = fixed_new_tokens
        self.cut_points = max(1, cut_points)
        if term_search not in ("logits", "score", "decode"):
            raise UsageError(f"term_search {term_search}: choose logits, score or decode")
        self.term_search = term_search
        self.repair_beam = max(1, repair_beam)  # greedy: a forced prefix costs a full decode
        self.resync_window = max(0, resync_window)  # 0: continue every repair to its end
        self.repair_stats: dict[str, int] = {}  # how repairs ended (bench and tests read it)
        try:
            self.translator = ctranslate2.Translator(
                str(folder),
                device=self.device,
                compute_type=compute_type,
                intra_threads=threads or 0,
            )
        except (RuntimeError, ValueError) as exc:
            raise ModelError(f"cannot load CTranslate2 model from {folder}: {exc}") from None
        _quiet_transformers()
        from transformers import AutoTokenizer

        try:
            self.tokenizer = AutoTokenizer.from_pretrained(str(folder), local_files_only=True)
        except (OSError, ValueError) as exc:
            raise ModelError(
                f"{folder}: no usable tokenizer files ({exc.__class__.__name__}); "
                "convert again with `mekong models convert`"
            ) from None
        self.family = "m2m100" if "M2M100Tokenizer" in type(self.tokenizer).__name__ else "nllb"
        self.path = folder
        self.info = EngineInfo("ctranslate2", str(folder), (folder / TEST_MODEL_MARKER).exists())

    @staticmethod
    def _not_converted_message(model: ResolvedModel) -> str:
        target = models_dir() / converted_name(model)
        if model.local_path is None:
            return (
                f"model '{model.hub_id}' has no CTranslate2 version here ({target} not found): "
                f"pull it (`mekong models pull`) and run `mekong models convert {model.requested}`"
            )
        return (
            f"{model.local_path} is not a CTranslate2 model (no model.bin) and has not been "
            f"converted: run `mekong models convert {model.requested}`, then pass the converted "
            "folder or the same model name"
        )

    # -- language codes and tokens ------------------------------------------------------
    def lang_code(self, lang: str) -> str:
        spec = languages.get(lang)
        return f"__{spec.m2m}__" if self.family == "m2m100" else spec.nllb

    def _src_tokens(self, text: str, src: str) -> list[str]:
        if self.family == "m2m100":
            self.tokenizer.src_lang = languages.get(src).m2m
        else:
            self.tokenizer.src_lang = self.lang_code(src)
        ids = self.tokenizer(text, truncation=True, max_length=self.max_length).input_ids
        return list(self.tokenizer.convert_ids_to_tokens(ids))

    def _term_tokens(self, term: str) -> list[str]:
        ids = self.tokenizer(term, add_special_tokens=False).input_ids
        return list(self.tokenizer.convert_ids_to_tokens(ids))

    def _decode(self, tokens: list[str]) -> str:
        ids = self.tokenizer.convert_tokens_to_ids(tokens)
        return str(self.tokenizer.decode(ids, skip_special_tokens=True)).strip()

    # -- translation ----------------------------------------------------------------------
    def translate(
        self,
        texts: Sequence[str],
        src: str,
        tgt: str,
        constraints: Sequence[Sequence[TermConstraint]] | None = None,
        progress: Callable[[int], None] | None = None,
    ) -> list[Hypothesis]:
        """Translate in length-sorted batches; results come back in input order."""
        code = self.lang_code(tgt)
        if self.tokenizer.convert_tokens_to_ids(code) == self.tokenizer.unk_token_id:
            raise ModelError(f"model {self.info.model} does not know the language code {code}")
        results: list[Hypothesis | None] = [None] * len(texts)
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]), reverse=True)
        for start in range(0, len(order), self.batch_size):
            idx = order[start : start + self.batch_size]
            batch_constraints = [list(constraints[i]) for i in idx] if constraints else None
            hyps = self._translate_batch([texts[i] for i in idx], src, code, batch_constraints)
            for i, hyp in zip(idx, hyps, strict=True):
                results[i] = hyp
            if progress:
                progress(len(idx))
        return [h for h in results if h is not None]

    def _lengths(self, sources: list[list[str]]) -> tuple[int, int]:
        """(min, max) decoding length, language token included, as the transformers engine."""
        if self.fixed_new_tokens:
            return self.fixed_new_tokens, self.fixed_new_tokens
        src_len = max(len(s) for s in sources)
        return 2, min(self.max_length, 2 * src_len + 16)

    def _translate_batch(
        self,
        texts: list[str],
        src: str,
        code: str,
        constraints: list[list[TermConstraint]] | None,
    ) -> list[Hypothesis]:
        sources = [self._src_tokens(t, src) for t in texts]
        min_len, max_len = self._lengths(sources)
        # Output distributions cost a copy per step (vocabulary x 4 bytes): only asked for
        # where a repair may use them, in chunks that keep them under LOGITS_BUDGET bytes.
        want_logits = bool(
            constraints and any(constraints) and self.term_search == "logits"
            and self.beam_size == 1
        )
        chunk = len(sources)
        if want_logits:
            chunk = max(1, LOGITS_BUDGET // (4 * len(self.tokenizer) * max_len))
        out: list[Hypothesis] = []
        tokens: list[list[str]] = []
        first_pass: dict[int, tuple[list[float], list[float]]] = {}
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
                problem = self._problem(out[i].text, constraints[i]) if want_logits else None
                if constraints and problem is not None:
                    first_pass[i] = self._read_logits(res.logits[0], tokens[i], problem)
            del results
        if constraints and any(constraints):
            self._enforce(sources, code, out, tokens, constraints, max_len, first_pass)
        return out

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
                problem = self._problem(self._decode(rep.tokens), rep.constraints)
                if problem is not None:
                    rep.fit, rep.own = self._read_logits(res.logits[0], rep.tokens, problem)
            del results

    def _read_logits(
        self, logits: object, tokens: list[str], problem: TermConstraint
    ) -> tuple[list[float], list[float]]:
        """From the first pass's output distributions (row j produced output token j, the
        language token being 0): fit[k], the log-prob of the term's first token after
        tokens[:k], and own[j], the log-prob of tokens[j]."""
        import numpy as np

        rows = np.asarray(logits, dtype=np.float32)
        top = rows.max(axis=1, keepdims=True)
        lse = (np.log(np.exp(rows - top).sum(axis=1, keepdims=True)) + top)[:, 0]
        ids = self.tokenizer.convert_tokens_to_ids(tokens)
        n = min(len(tokens), len(rows) - 2)  # cut k reads row k + 1
        first = self.tokenizer.convert_tokens_to_ids(self._term_tokens(problem.required[0])[0])
        fit = (rows[1 : n + 2, first] - lse[1 : n + 2]).tolist()
        own = [float(rows[j + 1, ids[j]] - lse[j + 1]) for j in range(n)]
        return fit, own

    def _hypothesis(self, tokens: list[str], logprob: float) -> Hypothesis:
        """`tokens` without the language token; the end token counts as generated."""
        words = [t for t in tokens if t != EOS]
        return Hypothesis(self._decode(words), logprob, len(tokens))

    # -- glossary terms -----------------------------------------------------------------
    def _problem(self, text: str, constraints: list[TermConstraint]) -> TermConstraint | None:
        """The first constraint whose preferred form must be forced into `text`."""
        norm = unicodedata.normalize("NFC", text)
        for c in constraints:
            required = [unicodedata.normalize("NFC", r) for r in c.required if r]
            present = any(r in norm for r in required)
            forbidden = any(unicodedata.normalize("NFC", f) in norm for f in c.forbidden if f)
            if required and (not present or (forbidden and required[0] not in norm)):
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
        first_pass: dict[int, tuple[list[float], list[float]]] | None = None,
    ) -> None:
        """Repair, in place, the hypotheses that miss a required term (see module doc)."""
        todo: list[_Repair] = []
        for i, (hyp, cons) in enumerate(zip(hyps, constraints, strict=True)):
            if cons and self._problem(hyp.text, cons):
                fit, own = (first_pass or {}).get(i, (None, None))
                todo.append(_Repair(i, tokens[i], list(cons), fit=fit, own=own))
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
        prefix_sum: dict[int, float] = {}
        unscored: dict[int, int] = {}  # forced tokens whose log-prob stays unknown
        first_own: dict[int, list[float] | None] = {}  # first-pass token log-probs, if known
        for rep in todo:
            if rep.fit is not None and rep.own is not None and len(rep.candidates) > 1:
                fit, own, term = rep.fit, rep.own, rep.candidates[0][1]
                n = len(fit) - 1
                if self.fixed_new_tokens:  # equal work: the forced prefix fits in the length
                    n = max(rep.locked, min(n, self.fixed_new_tokens - 1 - len(term)))
                cuts = [k for k in range(rep.locked, n + 1)
                        if k == n or rep.tokens[k].startswith("\u2581")]
                k = max(cuts, key=lambda c: fit[c])
                chosen[rep.index] = (k, term)
                prefix_sum[rep.index] = sum(own[:k]) + fit[k]
                unscored[rep.index] = len(term) - 1
            first_own[rep.index] = rep.own
            rep.fit = rep.own = None  # the output changes: the first pass no longer applies
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
                    prefix_sum[rep.index] = sum(log_probs)
        for rep in todo:
            chosen.setdefault(rep.index, rep.candidates[0])
        # 2. One continuation per segment from its best cut point, at the engine's beam size.
        prefixes = []
        for rep in todo:
            k, term = chosen[rep.index]
            prefixes.append([code] + rep.tokens[:k] + term)
        if not self.fixed_new_tokens:  # a repair grows the output by about the term, no more
            max_len = min(max_len, max(len(rep.tokens) + len(p) for rep, p in
                                       zip(todo, prefixes, strict=True)) + 8)
        srcs = [sources[rep.index] for rep in todo]
        if self.resync_window and self.repair_beam == 1:
            cuts = [chosen[rep.index][0] for rep in todo]
            owns = [first_own.get(rep.index) for rep in todo]
            outputs, sums = self._continue_resync(srcs, prefixes, todo, cuts, owns, max_len)
        else:
            outputs, sums = self._continue(srcs, prefixes, max_len, self.repair_beam)
        # 3. The forced tokens' log-probs: known from step 1, else one scoring call.
        unknown = [i for i, rep in enumerate(todo) if rep.index not in prefix_sum]
        if unknown:
            scored = self.translator.score_batch(
                [sources[todo[i].index] for i in unknown],
                [prefixes[i] for i in unknown],
                max_batch_size=self.batch_size,
                max_input_length=self.max_length,
            )
            for i, sc in zip(unknown, scored, strict=True):
                prefix_sum[todo[i].index] = sum(list(sc.log_probs)[1:-1])  # drop lang and end
        for rep, prefix, out, total in zip(todo, prefixes, outputs, sums, strict=True):
            n_gen = max(1, len(out) - 1 - unscored.get(rep.index, 0))
            rep.logprob = (prefix_sum[rep.index] + total) / n_gen
            rep.tokens = [t for t in out[1:] if t != EOS]
            rep.ended = out[-1] == EOS
            rep.locked = len(prefix) - 1

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
    ) -> tuple[list[list[str]], list[float]]:
        """As `_continue`, greedy, but without decoding again what the first pass already said.

        A forced prefix costs a full decode when CTranslate2 feeds it step by step through the
        output layer. So: (1) a repair whose term goes near the end of the first output (or of
        the length limit) feeds its prefix in one decoder pass (`return_alternatives`, one
        example at a time) and decodes `resync_window` tokens; (2) the others, and those that
        neither ended nor re-joined in the window, continue in one batched greedy call in which
        a callback stops each segment as soon as its continuation re-joins the first output
        (`find_rejoin`); the rest of the first output is then spliced in, not decoded again.
        Spliced tokens keep their first-pass log-probs (or the continuation's mean).
        """
        limit = max(max_len, max(len(p) for p in prefixes) + 1)
        floor = self._lengths(sources)[0]

        def min_length(starts: list[list[str]], stop: int) -> int:
            return min(stop, max(max(len(p) for p in starts) + 1, floor))

        window = self.resync_window
        stats = self.repair_stats
        n = len(prefixes)
        outputs: list[list[str]] = [list(p) for p in prefixes]
        logps: list[list[float]] = [[] for _ in range(n)]  # of the generated tokens
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
                words = [t for t in generated if t != EOS]
                if any(splice(i, words[: m + 1], lps[: m + 1]) for m in range(len(words))):
                    continue
                outputs[i], logps[i] = hyp, lps
                if generated[-1:] == [EOS] or len(hyp) >= limit:
                    done[i] = True
                    stats["window"] = stats.get("window", 0) + 1
        rest = [i for i in range(n) if not done[i]]
        if rest:
            starts = [outputs[i] for i in rest]  # the prefix and any window tokens
            generated: list[list[str]] = [outputs[i][len(prefixes[i]) :] for i in rest]
            stop = max(limit, max(len(p) for p in starts) + 1)

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
                callback=on_step,
            )
            for i, res in zip(rest, results, strict=True):
                if not done[i]:
                    outputs[i] = list(res.hypotheses[0])
                    stats["full"] = stats.get("full", 0) + 1
        return outputs, [sum(lp) for lp in logps]

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


__all__ = ["CTranslate2Engine", "find_converted", "is_ct2_folder"]
