"""Batching by tokens across targets: the plan, the order of results, and on the tiny model the
same outputs as one target at a time (CTranslate2 engine and the translate pipeline)."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from toolkit.engines import TermConstraint, load_engine
from toolkit.engines.base import Hypothesis
from toolkit.engines.batching import Budget, Row, plan, run_batches

ROOT = Path(__file__).resolve().parent.parent
TARGETS = ["km", "lo", "th", "vi"]
EN = [
    "Excellencies, ladies and gentlemen, good morning.",
    "On behalf of the Ministry of Justice, I welcome you to this workshop.",
    "The government will strengthen cooperation with its regional partners.",
    "Thank you.",
    "The new law on juvenile justice enters into force on 1 January 2027.",
    "We must protect children from every form of exploitation, online and offline.",
]


@pytest.mark.parametrize("seed", range(5))
def test_plan_respects_the_budget_and_keeps_every_row_once(seed: int) -> None:
    rng = random.Random(seed)
    lengths = [rng.randint(1, 120) for _ in range(rng.randint(1, 300))]
    budget = Budget(tokens=rng.choice([64, 256, 2048]), rows=rng.choice([1, 7, 64]))
    batches = plan(lengths, budget)
    flat = [i for b in batches for i in b]
    assert sorted(flat) == list(range(len(lengths)))
    assert [lengths[i] for i in flat] == sorted(lengths, reverse=True)  # longest first
    for b in batches:
        assert len(b) <= budget.rows
        if len(b) > 1:  # a single over-long row still goes, alone
            assert len(b) * max(lengths[i] for i in b) <= budget.tokens


def test_plan_fills_batches_up_to_the_budget() -> None:
    assert [len(b) for b in plan([10] * 10, Budget(tokens=40, rows=64))] == [4, 4, 2]
    assert [len(b) for b in plan([10] * 10, Budget(tokens=1000, rows=3))] == [3, 3, 3, 1]


def test_run_batches_puts_results_back_in_input_order() -> None:
    lengths = [3, 9, 1, 9, 4, 7]
    seen: list[list[int]] = []

    def decode(idx: list[int]) -> list[Hypothesis]:
        seen.append(idx)
        return [Hypothesis(f"row{i}") for i in idx]

    done: list[int] = []
    hyps = run_batches(lengths, Budget(tokens=20, rows=64), decode, done.append)
    assert [h.text for h in hyps] == [f"row{i}" for i in range(len(lengths))]
    assert len(seen) > 1 and sum(done) == len(lengths)


# -- the CTranslate2 engine on the tiny model ------------------------------------------------
pytest.importorskip("ctranslate2")


@pytest.fixture(scope="module")
def ct2_model(tiny_model: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    from toolkit.engines.convert import convert_model
    from toolkit.models import resolve

    out = tmp_path_factory.mktemp("ct2b") / "tiny-nllb-ct2"
    return convert_model(resolve(str(tiny_model)), out, "float32")


@pytest.fixture(scope="module", params=[1, 2])
def engine(ct2_model: Path, request: pytest.FixtureRequest):
    # The decoding limit follows a batch's longest source, and random weights always reach it:
    # a fixed output length makes the outputs comparable across batch compositions.
    return load_engine(
        "ctranslate2",
        str(ct2_model),
        beam_size=request.param,
        device="cpu",
        threads=1,
        fixed_new_tokens=12,
    )


def _terms(tgt: str) -> list[list[TermConstraint]]:
    from toolkit.glossary import load_glossary

    glossary = load_glossary(ROOT / "glossaries" / "legal-institutional.tsv")
    return [glossary.constraints(glossary.match(t, "en"), tgt) for t in EN]


def test_shared_batches_give_the_per_target_outputs(engine) -> None:
    rows = [
        Row(t, "en", tgt, tuple(c)) for tgt in TARGETS for t, c in zip(EN, _terms(tgt), strict=True)
    ]
    assert any(r.constraints for r in rows)  # the glossary takes part
    random.Random(0).shuffle(rows)
    calls: list[tuple[int, int]] = []
    real = engine.translator

    class Spy:
        def __getattr__(self, name: str):
            return getattr(real, name)

        def translate_batch(self, sources, *args, **kwargs):
            if (
                kwargs.get("beam_size", 1) == engine.beam_size
                and kwargs.get("use_vmap") is not None
            ):
                calls.append((len(sources), max(len(s) for s in sources)))
            return real.translate_batch(sources, *args, **kwargs)

    engine.translator = Spy()
    budget = engine.budget
    try:
        engine.budget = Budget(tokens=120, rows=8)  # several batches, each mixing targets
        shared = engine.translate_rows(rows)
    finally:
        engine.translator, engine.budget = real, budget
    assert len(calls) > 1
    assert all(n <= 8 and (n == 1 or n * longest <= 120) for n, longest in calls)
    for tgt in TARGETS:
        alone = engine.translate(EN, "en", tgt, constraints=_terms(tgt))
        got = {r.text: h for r, h in zip(rows, shared, strict=True) if r.tgt == tgt}
        assert [got[t].text for t in EN] == [h.text for h in alone]
        assert [got[t].tokens for t in EN] == [h.tokens for h in alone]


def test_pipeline_with_several_targets_matches_one_target_at_a_time(engine, tmp_path) -> None:
    from toolkit import documents
    from toolkit.glossary import load_glossary
    from toolkit.translate import TranslateOptions, translate_document

    class PerTarget:  # the same engine without shared batches
        def __init__(self, inner) -> None:
            self.info, self.tokenizer, self.max_length = (
                inner.info,
                inner.tokenizer,
                inner.max_length,
            )
            self.translate = inner.translate

    path = tmp_path / "speech.txt"
    path.write_text(" ".join(EN[:3]) + "\n\n" + " ".join(EN[3:]), encoding="utf-8")
    doc = documents.read(path)
    glossary = load_glossary(ROOT / "glossaries" / "legal-institutional.tsv")
    frames, ticks = [], []
    for eng in (engine, PerTarget(engine)):
        options = TranslateOptions(
            "en", TARGETS, "d", tmp_path / "aligned", glossary, adequacy=False
        )
        done: list[int] = []
        result = translate_document(doc, options, eng, progress=done.append, write=False)
        frames.append(result.frame.select("seg_id", "tgt_lang", "tgt_text", "terms"))
        ticks.append(sum(done))
    assert frames[0].equals(frames[1])
    assert ticks[0] == ticks[1] == len(EN) * len(TARGETS)


def test_greedy_decoding_gets_the_bigger_measured_budget() -> None:
    """Beam 1 keeps one hypothesis a row: its default batch is twice beam 4's."""
    from toolkit.engines.batching import CPU_BATCH_TOKENS, GREEDY_BATCH_TOKENS

    assert Budget.for_beam(1).tokens == GREEDY_BATCH_TOKENS > CPU_BATCH_TOKENS
    assert Budget.for_beam(4) == Budget()
