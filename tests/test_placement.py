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


def test_resync_stops_a_row_where_it_rejoins_its_free_output() -> None:
    """The continuation after a forced form stops at the first two new tokens that are two
    consecutive free tokens at or after the cut; `joined` says where the free output goes on."""
    from types import SimpleNamespace

    from toolkit.engines.ct2_place import Resync

    free = [["▁the", "▁old", "▁name", "▁met", "▁today", "."]]
    # 3 prefix tokens (language token included); "old name" (pieces 1-2) replaced
    sync = Resync([3], free, [1], [3])

    def step(k: int, token: str) -> bool:
        return sync(SimpleNamespace(batch_id=0, step=k, token=token))

    assert not any(step(k, t) for k, t in enumerate(["lang", "▁the", "▁new"]))  # the prefix
    assert not step(3, "▁met")  # one token: not yet evidence
    assert step(4, "▁today")  # "▁met ▁today" is free[3:5]
    assert sync.joined == {0: 5}


def test_resync_does_not_rejoin_far_beyond_the_replaced_text() -> None:
    """Two new tokens that match a pair far on in the free output ("of the" twice) are no
    re-join: taking it would drop the free text in between."""
    from types import SimpleNamespace

    from toolkit.engines.ct2_place import JOIN_REACH, Resync

    free = [["▁name", "▁of", "▁the", "▁a", "▁b", "▁c", "▁d", "▁e", "▁of", "▁the", "▁f"]]
    near = Resync([1], free, [0], [1])  # "name" (piece 0) replaced: "of the" follows at once
    assert near(SimpleNamespace(batch_id=0, step=1, token="▁of")) is False
    assert near(SimpleNamespace(batch_id=0, step=2, token="▁the")) is True
    assert near.joined == {0: 3}
    free[0][1:3] = ["▁x", "▁y"]  # now the only "of the" is 7 pieces after the replaced text
    far = Resync([1], free, [0], [1])
    assert free[0].index("▁of") > 1 + JOIN_REACH  # beyond the reach of two new tokens
    assert far(SimpleNamespace(batch_id=0, step=1, token="▁of")) is False
    assert far(SimpleNamespace(batch_id=0, step=2, token="▁the")) is False
    assert far.joined == {}


def test_resync_ignores_matches_before_the_cut_and_the_end_token() -> None:
    from types import SimpleNamespace

    from toolkit.engines.ct2_place import EOS, Resync, piece_at

    free = [["▁a", "▁b", "▁name", "▁a", "▁b"]]
    low = piece_at(free[0], len("a b "))  # the cut at the name's first character
    assert low == 2
    sync = Resync([1], free, [low], [3])
    assert sync(SimpleNamespace(batch_id=0, step=1, token="▁a")) is False
    assert sync(SimpleNamespace(batch_id=0, step=2, token="▁b")) is True  # free[3:5], not [0:2]
    assert sync.joined == {0: 5}
    other = Resync([1], free, [low], [3])
    assert other(SimpleNamespace(batch_id=0, step=1, token=EOS)) is False
    assert other.new == [[]]


def test_the_cut_starts_at_the_core_where_the_text_confirms_the_forms_beginning() -> None:
    """CTranslate2 takes the first candidate unscored: where the model's rendering already
    begins as the form does, right at the attention core, the cut starts there and not a
    grapheme earlier (which ate the last letter of "ដល់" before the name)."""
    from toolkit.engines.spans import Job, first_choices, piece_text

    pieces = ["យើង", "សូម", "ថ្លែ", "ងអំណរ", "គុណ", "ដល់", "ក្រសួង", "ការបរទេស", "ចំពោះ", "។"]
    text, spans = piece_text(pieces)
    mass = [0.0, 0.0, 0.0, 0.0, 0.0, 0.1, 0.9, 0.8, 0.1, 0.0]
    form = "ក្រសួងកិច្ចការបរទេស"
    job = Job(0, 0, text, spans, [form], mass, tail_end=False)
    choice = first_choices([job])[(0, 0)]
    assert choice.cut[0] == text.index("ក្រសួង")
    assert choice.text == "យើងសូមថ្លែងអំណរគុណដល់" + form + "ចំពោះ។"
