"""Guaranteed glossary terms in transformers generation: a logits processor.

transformers 5 dropped constrained beam search, so Mekong steers decoding itself. For every
hypothesis row (batch x beams) and every required term that row does not yet contain:
- EOS is banned, so no hypothesis can finish without its terms;
- a term the row has started (its last tokens are a prefix of the term) must be continued;
- at the last step where all missing terms still fit before the length limit, the first
  missing term is started, so even a model that never produces the term on its own (the
  random test model) ends with every term in its output.
Forbidden variants are banned token by token (the last token of the variant after its prefix).
Token sequences are compared as strings of code points (one per token id) so that the
per-step checks are C-speed substring tests.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from toolkit.engines.base import TermConstraint

PENALTY_FLOOR = -1e4  # a forced token that another processor banned still stays possible


@dataclass
class TermSpec:
    """One required term of one input: its encodable alternatives as token strings."""

    term_id: str
    seqs: list[str]  # preferred first; each char is chr(token id)
    word_final: tuple[str, ...] = ()  # seqs ending in a Latin letter or digit
    cuts: list[dict[str, list[int]]] = field(default_factory=list)  # see __post_init__

    def __post_init__(self) -> None:
        # per seq: token -> the proper-prefix lengths k (longest first) whose last token it is
        self.cuts = []
        for s in self.seqs:
            table: dict[str, list[int]] = {}
            for k in range(len(s) - 1, 0, -1):
                table.setdefault(s[k - 1], []).append(k)
            self.cuts.append(table)


@dataclass
class RowSpec:
    terms: list[TermSpec] = field(default_factory=list)
    forbidden: list[str] = field(default_factory=list)


@dataclass
class Encoded:
    """The tokenization of every form, and the forms that cannot be reproduced by decoding."""

    seqs: dict[str, str] = field(default_factory=dict)
    unusable: dict[str, str] = field(default_factory=dict)  # form -> reason


def _same_text(a: str, b: str) -> bool:
    def norm(text: str) -> str:
        return "".join(unicodedata.normalize("NFC", text).split())

    return norm(a) == norm(b)


def encode_forms(tokenizer: Any, forms: set[str]) -> Encoded:
    """Token ids of each form as it appears word-initially; refuse <unk> and lossy decodes."""
    result = Encoded()
    unk = tokenizer.unk_token_id
    for form in sorted(forms):
        ids = list(tokenizer(form, add_special_tokens=False)["input_ids"])
        if not ids:
            result.unusable[form] = "encodes to no tokens"
        elif unk is not None and unk in ids:
            result.unusable[form] = "the model's tokenizer cannot encode it (<unk>)"
        elif not _same_text(tokenizer.decode(ids, skip_special_tokens=True), form):
            result.unusable[form] = "decoding its tokens does not give it back"
        else:
            result.seqs[form] = "".join(map(chr, ids))
    return result


class TermForcingProcessor:
    """The logits processor; one instance per generate() call (it learns the start length)."""

    def __init__(self, rows: list[RowSpec], eos_id: int, max_new: int, glue: Any = None) -> None:
        self.rows = rows
        self.eos_id = eos_id
        self.max_new = max_new
        # ids of tokens that continue a word ("ish" after "UNODC" would break the word
        # boundary the en/vi check needs): banned right after a Latin term is completed
        self.glue = glue
        self.start_len: int | None = None
        self.forced_steps = 0

    def __call__(self, input_ids: Any, scores: Any) -> Any:
        import torch

        cur = int(input_ids.shape[1])
        if self.start_len is None:
            self.start_len = cur
        if cur <= self.start_len:  # the step that places the target-language token
            return scores
        max_len = self.start_len + self.max_new
        remaining = max_len - cur
        n_rows = int(input_ids.shape[0])
        per_input = max(1, n_rows // max(1, len(self.rows)))
        ids = input_ids.tolist()
        ban_rows: list[int] = []
        ban_tokens: list[int] = []
        force: list[tuple[int, list[int]]] = []
        glue_rows: list[int] = []
        for r in range(n_rows):
            spec = self.rows[min(r // per_input, len(self.rows) - 1)]
            if not spec.terms and not spec.forbidden:
                continue
            seq = "".join(map(chr, ids[r]))
            for bad in spec.forbidden:
                if len(bad) == 1 or seq.endswith(bad[:-1]):
                    ban_rows.append(r)
                    ban_tokens.append(ord(bad[-1]))
            if self.glue is not None and any(
                seq.endswith(s) for t in spec.terms for s in t.word_final
            ):
                glue_rows.append(r)
            missing = [t for t in spec.terms if not any(s in seq for s in t.seqs)]
            if not missing:
                continue
            ban_rows.append(r)
            ban_tokens.append(self.eos_id)
            allowed = _continuations(seq, missing)
            if not allowed:
                need = sum(len(t.seqs[0]) for t in missing)
                if remaining <= need:
                    allowed = [ord(missing[0].seqs[0][0])]
            if allowed:
                force.append((r, allowed))
        if ban_rows:
            dev = scores.device
            rows_b = torch.tensor(ban_rows, device=dev)
            scores[rows_b, torch.tensor(ban_tokens, device=dev)] = float("-inf")
        if glue_rows:
            dev = scores.device
            rows_g = torch.tensor(glue_rows, device=dev).unsqueeze(1)
            scores[rows_g, self.glue.to(dev).unsqueeze(0)] = float("-inf")
        if force:
            self.forced_steps += len(force)
            rows_t = torch.tensor([r for r, _ in force], device=scores.device)
            keep = torch.zeros(
                (len(force), scores.shape[1]), dtype=torch.bool, device=scores.device
            )
            for i, (_, allowed) in enumerate(force):
                keep[i, allowed] = True
            sub = scores[rows_t]
            sub = torch.where(
                keep, sub.clamp(min=PENALTY_FLOOR), torch.full_like(sub, float("-inf"))
            )
            scores[rows_t] = sub
        return scores


def _continuations(seq: str, missing: list[TermSpec]) -> list[int]:
    """Next tokens of terms whose beginning the row ends with (longest started prefix wins)."""
    best = 0
    allowed: list[int] = []
    last = seq[-1:]
    for term in missing:
        for s, cuts in zip(term.seqs, term.cuts, strict=True):
            for k in cuts.get(last, ()):  # only prefixes ending in the row's last token
                if k <= len(seq) and seq.endswith(s[:k]):
                    if k > best:
                        best, allowed = k, [ord(s[k])]
                    elif k == best and ord(s[k]) not in allowed:
                        allowed.append(ord(s[k]))
                    break
    return allowed


def plan_rows(
    tokenizer: Any, constraints: list[list[TermConstraint]]
) -> tuple[list[RowSpec], dict[str, str]]:
    """Token strings per input; the forms that cannot be forced come back with the reason."""
    forms = {f for cons in constraints for c in cons for f in (*c.required, *c.forbidden)}
    encoded = encode_forms(tokenizer, forms)
    rows: list[RowSpec] = []
    for cons in constraints:
        spec = RowSpec()
        for c in cons:
            usable = [f for f in c.required if f in encoded.seqs]
            if usable:
                seqs = [encoded.seqs[f] for f in usable]
                final = tuple(encoded.seqs[f] for f in usable if _latin_end(f))
                spec.terms.append(TermSpec(c.term_id, seqs, final))
            spec.forbidden.extend(encoded.seqs[f] for f in c.forbidden if f in encoded.seqs)
        rows.append(spec)
    return rows, encoded.unusable


def term_processor(engine: Any, rows: list[RowSpec], max_new: int) -> Any:
    """The term-forcing logits processor for one generate() call of `engine`."""
    glue = getattr(engine, "_glue_ids", None)
    if glue is None:
        glue = engine._glue_ids = glue_ids(engine.tokenizer)
    return _processor_class()(rows, int(engine.tokenizer.eos_token_id), max_new, glue)


def glue_ids(tokenizer: Any) -> Any:
    """Ids of tokens that do not start a new word (no leading '▁', first char a letter/digit)."""
    import torch

    pieces = tokenizer.convert_ids_to_tokens(list(range(len(tokenizer))))
    ids = [i for i, p in enumerate(pieces) if p and p[0] != "\u2581" and p[0].isalnum()]
    return torch.tensor(ids, dtype=torch.long)


def _latin_end(form: str) -> bool:
    from toolkit import languages

    last = form.rstrip()[-1:]
    return bool(last) and (last.isdigit() or languages.script_of(last) == "Latn")


@lru_cache(maxsize=1)
def _processor_class() -> type:
    """TermForcingProcessor as a transformers LogitsProcessor (imported only when decoding)."""
    from transformers import LogitsProcessor

    return type("TermLogitsProcessor", (TermForcingProcessor, LogitsProcessor), {})


def preflight(
    engine: Any,
    glossary: Any,
    texts: list[str],
    src: str,
    tgts: list[str],
    jurisdiction: str | None = None,
) -> None:
    """Refuse, before any work, glossary terms of these texts that the model cannot produce
    (matched as the translation will match them: with the document's jurisdiction).

    Raises GlossaryError naming the glossary file and row, so the user fixes the term (or runs
    without the glossary) instead of getting flagged segments without knowing why.
    """
    from toolkit.errors import GlossaryError

    tokenizer = getattr(engine, "tokenizer", None)
    if tokenizer is None:
        return
    hits = [glossary.match(t, src, jurisdiction) for t in texts]
    for tgt in tgts:
        constraints = [glossary.constraints(h, tgt) for h in hits]
        _, unusable = plan_rows(tokenizer, constraints)
        for cons in constraints:
            for c in cons:
                bad = next((f for f in (*c.required, *c.forbidden) if f in unusable), None)
                if bad is None:
                    continue
                concept = glossary.get(c.term_id)
                row = f":{concept.row}" if concept is not None and concept.row else ""
                raise GlossaryError(
                    f"{glossary.name}{row}: term '{bad}' ({c.term_id}, {tgt}) cannot be enforced: "
                    f"{unusable[bad]}; fix the term or use {{no_glossary}}",
                    options={"no_glossary": "glossary=None"},
                )
