"""Put a forced term where the model would put its own rendering of the name.

Banning end-of-sentence until a term appears makes a model with preferences write its own
translation, then filler, then the term at the length limit, its own rendering of the name
still in the text. Instead, for a row whose free output lacks a term:
1. the free output's teacher-forced distributions say, at every position, how likely the
   term's first token is there; the position where it is most likely is where a name begins;
2. the row is decoded again with its own output up to that position and the term forced as a
   prefix, then the model continues freely (it has written a name, so it goes on with what
   follows the name and ends normally).
Rows with several missing terms repeat this, one term per round. The term-forcing processor
stays active in every pass, so presence is guaranteed even where a plan cannot be followed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from toolkit.engines.constraints import RowSpec, TermSpec

FIRST_FREE = 2  # decoder positions 0 (start) and 1 (language token) are never cut


@dataclass
class Plan:
    """Token ids forced from the start of decoding: the row's own prefix, then the term."""

    ids: list[int]


def missing(ids: list[int], spec: RowSpec) -> list[TermSpec]:
    seq = "".join(map(chr, ids))
    return [t for t in spec.terms if not any(s in seq for s in t.seqs)]


def best_cut(logprobs: Any, ids: list[int], first_tokens: list[int]) -> int:
    """The decoder position where the term's first token comes closest to the model's choice.

    `logprobs[j]` is the distribution of the token at position j + 1 given ids[: j + 1]. A
    position scores the log-probability of the term's best first token minus that of the
    token the model actually wrote there: where the model begins its own rendering of the
    name, another name is almost as likely; where it writes an ordinary word, it is not.
    Positions run from the first real token to the end-of-sentence (placing the term last).
    """
    import torch

    last = len(ids) - 1
    if last < FIRST_FREE:
        return FIRST_FREE
    window = logprobs[FIRST_FREE - 1 : last]  # rows predict positions FIRST_FREE .. last
    chosen = torch.tensor(ids[FIRST_FREE : last + 1], device=window.device)
    own = window.gather(1, chosen.unsqueeze(1)).squeeze(1)
    term = window[:, first_tokens].max(dim=1).values
    return FIRST_FREE + int((term - own).argmax())


def plan_row(logprobs: Any, ids: list[int], term: TermSpec) -> Plan:
    """Own prefix up to the best cut, then the term's preferred encodable form."""
    firsts = sorted({ord(s[0]) for s in term.seqs})
    cut = best_cut(logprobs, ids, firsts)
    window = logprobs[cut - 1, firsts]
    seq = term.seqs[[ord(s[0]) for s in term.seqs].index(firsts[int(window.argmax())])]
    return Plan(ids[:cut] + [ord(c) for c in seq])


class PlanProcessor:
    """Forces each row's plan token by token; free decoding after the plan ends."""

    def __init__(self, plans: list[Plan | None]) -> None:
        self.plans = plans

    def __call__(self, input_ids: Any, scores: Any) -> Any:
        import torch

        cur = int(input_ids.shape[1])
        per_input = max(1, int(input_ids.shape[0]) // max(1, len(self.plans)))
        rows, tokens = [], []
        for r in range(int(input_ids.shape[0])):
            plan = self.plans[min(r // per_input, len(self.plans) - 1)]
            if plan is not None and cur < len(plan.ids):
                rows.append(r)
                tokens.append(plan.ids[cur])
        if rows:
            dev = scores.device
            rows_t = torch.tensor(rows, device=dev)
            keep = scores[rows_t, torch.tensor(tokens, device=dev)].clamp(min=-1e4)
            scores[rows_t] = float("-inf")
            scores[rows_t, torch.tensor(tokens, device=dev)] = keep
        return scores


def plan_processor_class() -> type:
    from transformers import LogitsProcessor

    return type("PlanLogitsProcessor", (PlanProcessor, LogitsProcessor), {})
