"""Glossary terms in the transformers engine: the model's rendering replaced (see `spans`).

After the free pass (forbidden variants banned), one teacher-forced pass over the outputs gives
both the hypotheses' log-probabilities and the cross-attention that locates each missing
term's rendering; a second pass scores the candidate replacements of every row at once. Rows a
placement cannot settle fall back to forcing (`toolkit.engines.placement`), which guarantees
presence.
"""

from __future__ import annotations

import math
from typing import Any

from toolkit.engines.base import TermConstraint
from toolkit.engines.spans import Job, keep_spans, piece_text, place, present, source_span

SCORE_CHUNK = 256  # candidate sequences per scoring forward pass


class SpanPlacement:
    """Mixed into `TransformersEngine` (it supplies model, tokenizer and device)."""

    def _place_spans(
        self, enc: Any, texts: list[str], cons: list[list[TermConstraint]], out: Any
    ) -> tuple[list[list[int]], list[float], list[int]]:
        """Outputs (token ids), mean log-probs, and the rows still missing a term."""
        pad = int(self.tokenizer.pad_token_id)
        seqs = [[t for t in row.tolist() if t != pad] for row in out]
        enc_out = self.model.get_encoder()(
            input_ids=enc["input_ids"], attention_mask=enc["attention_mask"]
        )
        means, att = self._teacher_forced(enc_out, enc, out, True)
        unusable = getattr(self, "unforceable_terms", {})
        todo = [
            i for i, cs in enumerate(cons) if any(not present(self._text(seqs[i]), c) for c in cs)
        ]
        for _ in range(max((len(cs) for cs in cons), default=0)):
            jobs = []
            for i in todo:
                jobs += self._jobs(i, seqs[i], texts[i], cons[i], att, unusable)
            if not jobs:
                break
            best = place(jobs, lambda rows, cands: self._score(enc_out, enc, rows, cands, seqs))
            self._apply(best, jobs, seqs, means, enc_out, enc)
            todo = [i for i in todo if any(not present(self._text(seqs[i]), c) for c in cons[i])]
            if not todo:
                break
            sub = self._pad(seqs, pad)
            _, att = self._teacher_forced(enc_out, enc, sub, True)
        return seqs, means, todo

    def _text(self, ids: list[int]) -> str:
        return str(self.tokenizer.decode(ids, skip_special_tokens=True)).strip()

    def _jobs(
        self,
        i: int,
        ids: list[int],
        source: str,
        cons: list[TermConstraint],
        att: Any,
        unusable: dict[str, str],
    ) -> list[Job]:
        eos = int(self.tokenizer.eos_token_id)
        body = [t for t in ids[2:] if t != eos]
        text, spans = piece_text(self.tokenizer.convert_ids_to_tokens(body))
        offsets = self.tokenizer(source, return_offsets_mapping=True)["offset_mapping"]
        jobs = []
        for j, c in enumerate(cons):
            forms = [f for f in c.required if f and f not in unusable]
            if not forms or present(text, c):
                continue
            span = source_span(offsets, source, c.source)
            mass = None
            if span and att is not None:  # piece k is predicted at decoder position k + 1
                mass = att[i, 1 : 1 + len(body)][:, span].sum(dim=1).tolist()
            others = [f for k, o in enumerate(cons) if k != j for f in o.required]
            jobs.append(Job(i, j, text, spans, forms, mass, keep=keep_spans(text, others)))
        return jobs

    def _teacher_forced(self, enc_out: Any, enc: Any, ids: Any, attention: bool) -> Any:
        """Mean log-prob per row (language token excluded) and cross-attention [B, T, S]."""
        import torch

        impl = getattr(self.model.config, "_attn_implementation", None)
        if attention and impl != "eager":
            self.model.set_attn_implementation("eager")
        try:
            res = self.model(
                encoder_outputs=enc_out,
                attention_mask=enc["attention_mask"],
                decoder_input_ids=ids[:, :-1],
                output_attentions=attention,
            )
        finally:
            if attention and impl and impl != "eager":
                self.model.set_attn_implementation(impl)
        sums, counts, self._free_lps = _token_sums(
            res.logits, ids, int(self.tokenizer.pad_token_id)
        )
        means = [float(s / max(1, n)) for s, n in zip(sums.tolist(), counts.tolist(), strict=True)]
        means = [m if math.isfinite(m) else -100.0 for m in means]
        att = torch.stack(res.cross_attentions).mean(dim=(0, 2)) if attention else None
        return means, att

    def _score(
        self, enc_out: Any, enc: Any, rows: list[int], cands: list[str], seqs: list[list[int]]
    ) -> list[tuple[float, int]]:
        """Teacher-forced (sum of log-probs, tokens) of each candidate text for its row. The
        tokens a candidate shares with the row's output from the start keep that output's
        log-probs: the output layer runs only where the candidate differs."""
        import torch
        from transformers.modeling_outputs import BaseModelOutput

        eos = int(self.tokenizer.eos_token_id)
        pad = int(self.tokenizer.pad_token_id)
        free_lps = self._free_lps  # [rows, positions]: log-prob of target position t + 1
        out: list[tuple[float, int]] = []
        for at in range(0, len(cands), SCORE_CHUNK):
            part = rows[at : at + SCORE_CHUNK]
            bodies = self._bodies(cands[at : at + SCORE_CHUNK])
            ids = [self._wrap(seqs[r], body, eos) for r, body in zip(part, bodies, strict=True)]
            shared = [_shared(seqs[r], c) for r, c in zip(part, ids, strict=True)]
            batch = self._pad(ids, pad)
            index = self._index(part)
            hidden = BaseModelOutput(last_hidden_state=enc_out.last_hidden_state[index])
            states = self.model.model(
                encoder_outputs=hidden,
                attention_mask=enc["attention_mask"][index],
                decoder_input_ids=batch[:, :-1],
            ).last_hidden_state
            targets = batch[:, 1:]
            pos = torch.arange(targets.shape[1], device=targets.device).unsqueeze(0)
            need = (pos + 1 >= torch.tensor(shared, device=targets.device).unsqueeze(1)) & (
                targets != pad
            )
            need[:, 0] = False  # the language token
            head = self.model.get_output_embeddings()
            lp = torch.log_softmax(head(states[need]).float(), dim=-1)
            got = lp.gather(1, targets[need].unsqueeze(1)).squeeze(1)
            per = torch.zeros(targets.shape, device=targets.device)
            per[need] = got
            sums = per.sum(dim=1).tolist()
            for k, (r, m) in enumerate(zip(part, shared, strict=True)):
                known = float(free_lps[r, 1 : m - 1].sum()) if m > 2 else 0.0
                n = int((targets[k] != pad).sum()) - 1
                out.append((sums[k] + known, n))
        return out

    def _ids_for(self, free: list[int], text: str, eos: int) -> list[int]:
        """Decoder ids of `text`: the free output's start and language token, its end if any."""
        return self._wrap(free, self._bodies([text])[0], eos)

    def _bodies(self, texts: list[str]) -> list[list[int]]:
        """Token ids of every text, no special tokens (one batched tokenizer call)."""
        return [list(row) for row in self.tokenizer(texts, add_special_tokens=False)["input_ids"]]

    @staticmethod
    def _wrap(free: list[int], body: list[int], eos: int) -> list[int]:
        return free[:2] + body + ([eos] if free[-1] == eos else [])

    def _index(self, rows: list[int]) -> Any:
        import torch

        return torch.tensor(rows, dtype=torch.long, device=self.device)

    def _apply(self, best: dict, jobs: list[Job], seqs: list[list[int]], means, enc_out, enc):
        """Put each row's chosen replacements in; rescore rows where several were merged."""
        from toolkit.engines.spans import by_row, merge

        eos = int(self.tokenizer.eos_token_id)
        rescore = []
        for i, (base, choices) in by_row(best, jobs).items():
            text, applied = merge(base, choices)
            seqs[i] = self._ids_for(seqs[i], text, eos)
            if applied == 1 and len(choices) == 1:
                lp, n = choices[0].logprob, choices[0].tokens
                means[i] = lp / max(1, n) if math.isfinite(lp) else -100.0
            else:
                rescore.append(i)
        if rescore:
            sub = {"attention_mask": enc["attention_mask"][self._index(rescore)]}
            from transformers.modeling_outputs import BaseModelOutput

            hidden = BaseModelOutput(
                last_hidden_state=enc_out.last_hidden_state[self._index(rescore)]
            )
            ids = self._pad([seqs[i] for i in rescore], int(self.tokenizer.pad_token_id))
            free_lps = self._free_lps
            got, _ = self._teacher_forced(hidden, sub, ids, False)
            self._free_lps = free_lps
            for i, m in zip(rescore, got, strict=True):
                means[i] = m


def _shared(free: list[int], cand: list[int]) -> int:
    """How many leading ids the candidate shares with the output (the last never: its
    prediction context differs once anything before it does)."""
    m = 0
    while m < min(len(free), len(cand)) - 1 and free[m] == cand[m]:
        m += 1
    return m


def _token_sums(logits: Any, ids: Any, pad: int) -> tuple[Any, Any, Any]:
    """Sum of log-probs of ids[:, 2:] (the language token excluded), their count, and the
    per-position log-probs (masked to 0)."""
    import torch

    targets = ids[:, 1:]
    lp = torch.log_softmax(logits.float(), dim=-1).gather(-1, targets.unsqueeze(-1)).squeeze(-1)
    mask = targets != pad
    mask[:, 0] = False
    return (lp * mask).sum(dim=1), mask.sum(dim=1), lp * mask
