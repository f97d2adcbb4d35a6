"""Translation with Hugging Face transformers (NLLB-200 and M2M100 checkpoints)."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

from toolkit import languages
from toolkit.engines.base import AT_LIMIT, EngineInfo, Hypothesis, TermConstraint
from toolkit.engines.batching import Budget, run_batches
from toolkit.engines.transformers_place import SpanPlacement
from toolkit.errors import ModelError, no_cuda_error
from toolkit.models import ResolvedModel, offline_error


def _quiet_transformers() -> None:
    from transformers.utils import logging as hf_logging

    hf_logging.set_verbosity_error()
    hf_logging.disable_progress_bar()


def pick_device(device: str) -> str:
    import torch

    if device == "auto":
        return "cuda" if torch.cuda.is_available() else "cpu"
    if device == "cuda" and not torch.cuda.is_available():
        raise no_cuda_error()
    return device


class TransformersEngine(SpanPlacement):
    """NLLB / M2M100 through `AutoModelForSeq2SeqLM`, batched and length-sorted."""

    def __init__(
        self,
        model: ResolvedModel,
        *,
        device: str = "auto",
        beam_size: int = 4,
        batch_size: int = 16,
        threads: int | None = None,
        max_length: int = 512,
        fixed_new_tokens: int | None = None,
    ) -> None:
        _quiet_transformers()
        import torch
        from transformers import AutoModelForSeq2SeqLM, AutoTokenizer

        if threads:
            torch.set_num_threads(threads)
        self.device = pick_device(device)
        self.beam_size = beam_size
        self.batch_size = batch_size
        self.max_length = max_length
        self.fixed_new_tokens = fixed_new_tokens  # benchmarks: equal work for every engine
        source = model.source
        try:
            self.tokenizer = AutoTokenizer.from_pretrained(source, local_files_only=True)
            self.model = AutoModelForSeq2SeqLM.from_pretrained(source, local_files_only=True)
        except OSError as exc:
            if model.hub_id:
                raise offline_error(model.hub_id) from None
            raise ModelError(f"cannot load model from {source}: {_first_line(exc)}") from None
        except (ValueError, KeyError) as exc:
            raise ModelError(
                f"{source} is not a usable translation model: {_first_line(exc)}"
            ) from None
        self.model.to(self.device).eval()
        self.family = "m2m100" if "M2M100Tokenizer" in type(self.tokenizer).__name__ else "nllb"
        self.info = EngineInfo("transformers", source, model.is_test_model)

    # -- language codes -------------------------------------------------------------------
    def lang_code(self, lang: str) -> str:
        spec = languages.get(lang)
        return spec.m2m if self.family == "m2m100" else spec.nllb

    def lang_token_id(self, lang: str) -> int:
        code = self.lang_code(lang)
        if self.family == "m2m100":
            return int(self.tokenizer.get_lang_id(code))
        token_id = self.tokenizer.convert_tokens_to_ids(code)
        if token_id is None or token_id == self.tokenizer.unk_token_id:
            raise ModelError(f"model {self.info.model} does not know the language code {code}")
        return int(token_id)

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

        def decode(idx: list[int]) -> list[Hypothesis]:
            batch_constraints = [list(constraints[i]) for i in idx] if constraints else None
            return self._translate_batch([texts[i] for i in idx], src, tgt, batch_constraints)

        lengths = [len(t) for t in texts]
        return run_batches(lengths, Budget.of_rows(self.batch_size), decode, progress)

    def _translate_batch(
        self,
        texts: list[str],
        src: str,
        tgt: str,
        constraints: list[list[TermConstraint]] | None,
    ) -> list[Hypothesis]:
        import torch

        self.tokenizer.src_lang = self.lang_code(src)
        enc = self.tokenizer(
            texts, return_tensors="pt", padding=True, truncation=True, max_length=self.max_length
        ).to(self.device)
        src_len = int(enc["input_ids"].shape[1])
        max_new = self.fixed_new_tokens or min(self.max_length, 2 * src_len + 16)
        kwargs: dict[str, Any] = {
            "forced_bos_token_id": self.lang_token_id(tgt),
            "num_beams": self.beam_size,
            "max_new_tokens": max_new,
            # the language token plus at least one real token
            "min_new_tokens": self.fixed_new_tokens or 2,
            "do_sample": False,
        }
        rows = self._term_rows(constraints) if constraints else None
        with torch.inference_mode():
            bans = rows if rows is not None and any(r.forbidden for r in rows) else None
            out = self._generate(enc, kwargs, bans, None, max_new)
            if rows is None or constraints is None:
                logprobs = self._mean_logprobs(enc, out)
            else:
                out, logprobs = self._with_terms(
                    enc, texts, constraints, kwargs, rows, out, max_new
                )
        decoded = self.tokenizer.batch_decode(out, skip_special_tokens=True)
        pad, eos = self.tokenizer.pad_token_id, self.tokenizer.eos_token_id
        return [
            Hypothesis(
                text.strip(),
                lp,
                int((row != pad).sum().item()) - 2,
                {} if bool((row[1:] == eos).any()) else {AT_LIMIT: 1.0},  # no end: cut
            )
            for text, lp, row in zip(decoded, logprobs, out, strict=True)
        ]

    def _with_terms(
        self,
        enc: Any,
        texts: list[str],
        constraints: list[list[TermConstraint]],
        kwargs: dict[str, Any],
        rows: list[Any],
        out: Any,
        max_new: int,
    ) -> tuple[Any, list[float]]:
        """Replace the model's renderings by the terms; force what that cannot settle."""
        pad = int(self.tokenizer.pad_token_id)
        seqs, logprobs, left = self._place_spans(enc, texts, constraints, out)
        if left:  # the guarantee: forcing, as before, for the rows still missing a term
            sub = {k: v[self._index(left)] for k, v in enc.items()}
            free = self._pad([seqs[i] for i in left], pad)
            forced = self._place_terms(sub, kwargs, [rows[i] for i in left], free, max_new)
            for i, row, lp in zip(left, forced, self._mean_logprobs(sub, forced), strict=True):
                seqs[i] = [t for t in row.tolist() if t != pad]
                logprobs[i] = lp
        return self._pad(seqs, pad), logprobs

    def _term_rows(self, constraints: list[list[TermConstraint]]) -> list[Any] | None:
        """Token strings of each row's terms (see toolkit.engines.constraints), or None."""
        if not any(constraints):
            return None
        from toolkit.engines.constraints import plan_rows

        rows, unusable = plan_rows(self.tokenizer, constraints)
        self.unforceable_terms = getattr(self, "unforceable_terms", {}) | unusable
        return rows if any(r.terms or r.forbidden for r in rows) else None

    def _generate(
        self, enc: Any, kwargs: dict[str, Any], rows: list[Any] | None, plans: Any, max_new: int
    ) -> Any:
        """One generate() call; with `rows`, forbidden forms are banned and terms guaranteed
        (a first pass with `plans=None` only bans: terms are placed afterwards)."""
        processors: list[Any] = []
        if rows is not None:
            from toolkit.engines.constraints import RowSpec, term_processor

            if plans is None:  # first pass: free decoding, forbidden variants banned
                rows = [RowSpec(forbidden=r.forbidden) for r in rows]
            processors.append(term_processor(self, rows, max_new))
        if plans is not None:
            from toolkit.engines.placement import plan_processor_class

            processors.insert(0, plan_processor_class()(plans))
        if processors:
            from transformers import LogitsProcessorList

            kwargs = {**kwargs, "logits_processor": LogitsProcessorList(processors)}
        return self.model.generate(**enc, **kwargs)

    def _place_terms(
        self, enc: Any, kwargs: dict[str, Any], rows: list[Any], out: Any, max_new: int
    ) -> Any:
        """Re-decode rows that miss a term with the term where the model would put a name."""
        from toolkit.engines.placement import missing, plan_row

        pad = int(self.tokenizer.pad_token_id)
        seqs = [[t for t in row.tolist() if t != pad] for row in out]
        for _ in range(max((len(r.terms) for r in rows), default=0)):
            todo = [i for i, r in enumerate(rows) if missing(seqs[i], r)]
            if not todo:
                break
            sub = {k: v[todo] for k, v in enc.items()}
            dist = self._log_distributions(sub, [seqs[i] for i in todo])
            plans = [
                plan_row(dist[j], seqs[i], missing(seqs[i], rows[i])[0]) for j, i in enumerate(todo)
            ]
            budget = max_new + max(len(p.ids) for p in plans)
            again = self._generate(
                sub, {**kwargs, "max_new_tokens": budget}, [rows[i] for i in todo], plans, budget
            )
            for j, i in enumerate(todo):
                seqs[i] = [t for t in again[j].tolist() if t != pad]
        return self._pad(seqs, pad)

    def _log_distributions(self, enc: Any, seqs: list[list[int]]) -> Any:
        """Teacher-forced log-probabilities over each sequence (position j predicts j + 1)."""
        import torch

        ids = self._pad(seqs, int(self.tokenizer.pad_token_id))
        logits = self.model(
            input_ids=enc["input_ids"],
            attention_mask=enc["attention_mask"],
            decoder_input_ids=ids,
        ).logits
        return torch.log_softmax(logits.float(), dim=-1)

    def _pad(self, seqs: list[list[int]], pad: int) -> Any:
        import torch

        width = max(len(s) for s in seqs)
        rows = [s + [pad] * (width - len(s)) for s in seqs]
        return torch.tensor(rows, dtype=torch.long, device=self.device)

    def _mean_logprobs(self, enc: Any, out: Any) -> list[float]:
        """Mean log-probability per generated token (teacher-forced), language token excluded."""
        import torch

        decoder_input = out[:, :-1]
        targets = out[:, 1:]
        logits = self.model(
            input_ids=enc["input_ids"],
            attention_mask=enc["attention_mask"],
            decoder_input_ids=decoder_input,
        ).logits
        token_lp = torch.log_softmax(logits.float(), dim=-1).gather(-1, targets.unsqueeze(-1))
        token_lp = token_lp.squeeze(-1)
        mask = targets != self.tokenizer.pad_token_id
        mask[:, 0] = False  # the forced target-language token
        # keep the first EOS, drop anything after it (pads are already masked)
        counts = mask.sum(dim=1).clamp(min=1)
        means = (token_lp * mask).sum(dim=1) / counts
        return [float(v) if math.isfinite(float(v)) else -100.0 for v in means]


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text else exc.__class__.__name__
