"""Term placement: the cut goes where the term's first token is closest to the model's choice."""

from __future__ import annotations

import torch

from toolkit.engines.constraints import TermSpec
from toolkit.engines.placement import Plan, PlanProcessor, best_cut, plan_row


def _logprobs(rows: list[dict[int, float]], vocab: int = 10) -> torch.Tensor:
    """Row j: the distribution of the token at position j + 1 (unlisted tokens very unlikely)."""
    out = torch.full((len(rows), vocab), -20.0)
    for j, row in enumerate(rows):
        for token, value in row.items():
            out[j, token] = value
    return out


def test_cut_at_the_name_not_at_the_sentence_start() -> None:
    # ids: start, lang, "minister"(5), "visited"(6), own name(7), "yesterday"(8), eos(2)
    ids = [2, 1, 5, 6, 7, 8, 2]
    lp = _logprobs(
        [{1: 0.0}, {5: -0.1, 9: -1.0}, {6: -0.1, 9: -6.0}, {7: -2.0, 9: -2.2}, {8: -0.1}, {2: 0.0}]
    )
    assert best_cut(lp, ids, [9]) == 4
    plan = plan_row(lp, ids, TermSpec("court", [chr(9) + chr(3)]))
    assert plan.ids == [2, 1, 5, 6, 9, 3]


def test_plan_processor_forces_the_plan_then_lets_the_model_go_on() -> None:
    proc = PlanProcessor([Plan([2, 1, 5, 9]), None])
    scores = torch.zeros((2, 10))
    forced = proc(torch.tensor([[2, 1, 5], [2, 1, 7]]), scores.clone())
    assert int(forced[0].argmax()) == 9 and torch.isinf(forced[0, 4])
    assert torch.equal(forced[1], scores[1])
    free = proc(torch.tensor([[2, 1, 5, 9], [2, 1, 7, 7]]), scores.clone())
    assert torch.equal(free, scores)


def test_piece_text_of_ids_beyond_the_vocabulary_is_empty() -> None:
    """A padded output layer can emit ids the tokenizer has no piece for (None)."""
    from toolkit.engines.spans import piece_text

    text, spans = piece_text(["\u2581Bo", None, "\u2581Noi"])
    assert text == "Bo Noi"
    assert spans == [(0, 2), (2, 2), (3, 6)]
