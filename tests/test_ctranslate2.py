"""The ctranslate2 engine: conversion, translation, equality with transformers, glossary terms."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

from toolkit.engines import TermConstraint, load_engine
from toolkit.errors import ModelError

pytest.importorskip("ctranslate2")

ROOT = Path(__file__).resolve().parent.parent


def corpus_lines(prefix: str = "") -> list[str]:
    text = (ROOT / "toolkit" / "data" / "tiny-corpus.txt").read_text(encoding="utf-8")
    return [ln for ln in text.splitlines() if ln.strip() and not ln.startswith("#")]


EN = corpus_lines()[:10]
# Target terms the tiny tokenizer was trained on (Khmer and Lao lines of the tiny corpus).
KM_TERMS = ["ក្រសួងយុត្តិធម៌", "រាជរដ្ឋាភិបាល", "កុមារ", "រដ្ឋលេខាធិការ", "ច្បាប់ថ្មី"]


@pytest.fixture(scope="session")
def ct2_model(tiny_model: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    from toolkit.engines.convert import convert_model
    from toolkit.models import resolve

    out = tmp_path_factory.mktemp("ct2") / "tiny-nllb-ct2"
    return convert_model(resolve(str(tiny_model)), out, "float32")


@pytest.fixture(scope="session")
def ct2_engine(ct2_model: Path):
    return load_engine("ctranslate2", str(ct2_model), beam_size=2, device="cpu", threads=1)


def test_conversion_copies_tokenizer_and_test_marker(ct2_model: Path, ct2_engine) -> None:
    names = {p.name for p in ct2_model.iterdir()}
    assert {"model.bin", "tokenizer.json", "sentencepiece.bpe.model"} <= names
    assert "mekong-test-model.json" in names
    assert ct2_engine.info.engine == "ctranslate2"
    assert ct2_engine.info.test_model
    assert "TEST MODEL" in ct2_engine.info.label


def test_one_nonempty_hypothesis_per_input_in_input_order(ct2_engine) -> None:
    texts = [EN[0], EN[3] + " " + EN[4], EN[5], EN[1]]
    hyps = ct2_engine.translate(texts, "en", "km")
    assert len(hyps) == len(texts)
    assert all(h.text and h.tokens > 0 and h.logprob is not None for h in hyps)
    # Same batch, reversed order: each hypothesis must follow its input.
    backwards = ct2_engine.translate(texts[::-1], "en", "km")
    assert [h.text for h in backwards] == [h.text for h in hyps][::-1]


def test_float32_greedy_equals_transformers(tiny_model: Path, ct2_model: Path) -> None:
    tf = load_engine("transformers", str(tiny_model), beam_size=1, device="cpu", batch_size=4)
    ct = load_engine("ctranslate2", str(ct2_model), beam_size=1, device="cpu", batch_size=4)
    for tgt in ("km", "th"):
        a = tf.translate(EN, "en", tgt)
        b = ct.translate(EN, "en", tgt)
        assert [h.text for h in b] == [h.text for h in a]
        assert [h.tokens for h in b] == [h.tokens for h in a]
        for x, y in zip(a, b, strict=True):
            assert y.logprob == pytest.approx(x.logprob, abs=1e-3)


def _present(text: str, constraint: TermConstraint) -> bool:
    return any(r in text for r in constraint.required)


@pytest.mark.parametrize(
    ("search", "beam", "window"),
    [("logits", 1, 4), ("logits", 1, 0), ("logits", 2, 4), ("score", 2, 4), ("decode", 2, 4)],
)
def test_glossary_terms_reach_full_presence(
    ct2_model: Path, search: str, beam: int, window: int
) -> None:
    ct2_engine = load_engine(
        "ctranslate2",
        str(ct2_model),
        beam_size=beam,
        device="cpu",
        term_search=search,
        resync_window=window,
    )
    texts = EN * 2
    constraints = [
        [TermConstraint(f"t{i}", (KM_TERMS[i % len(KM_TERMS)],))]
        + ([TermConstraint("u", (KM_TERMS[(i + 2) % len(KM_TERMS)],))] if i % 3 == 0 else [])
        for i in range(len(texts))
    ]
    plain = ct2_engine.translate(texts, "en", "km")
    pairs = zip(plain, constraints, strict=True)
    assert sum(_present(h.text, c) for h, cs in pairs for c in cs) < 5  # the model misses them
    hyps = ct2_engine.translate(texts, "en", "km", constraints=constraints)
    assert len(hyps) == len(texts)
    assert all(_present(h.text, c) for h, cs in zip(hyps, constraints, strict=True) for c in cs)
    assert all(h.logprob is not None and h.logprob < 0 for h in hyps)
    stats = ct2_engine.repair_stats  # which repair path ran: re-synchronised or not
    if window and search != "decode":
        assert stats.get("window", 0) + stats.get("rejoined", 0) > 0
    else:
        assert not stats


def test_alternative_already_present_leaves_output_alone(ct2_engine) -> None:
    plain = ct2_engine.translate(EN[:4], "en", "km")
    constraints = [[TermConstraint("t", ("ក្រសួងយុត្តិធម៌", h.text.split()[0]))] for h in plain]
    hyps = ct2_engine.translate(EN[:4], "en", "km", constraints=constraints)
    assert [h.text for h in hyps] == [h.text for h in plain]


def test_forbidden_variant_is_replaced_by_the_preferred_term(ct2_engine) -> None:
    plain = ct2_engine.translate(EN[:4], "en", "km")
    constraints = [
        [TermConstraint("t", ("ក្រសួងយុត្តិធម៌",), forbidden=(h.text.split()[0],))] for h in plain
    ]
    hyps = ct2_engine.translate(EN[:4], "en", "km", constraints=constraints)
    assert all("ក្រសួងយុត្តិធម៌" in h.text for h in hyps)


def test_unconverted_folder_says_to_convert(tiny_model: Path) -> None:
    with pytest.raises(ModelError, match="mekong models convert"):
        load_engine("ctranslate2", str(tiny_model), device="cpu")


def test_missing_ctranslate2_is_a_clear_error(
    tiny_model: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from toolkit.engines.convert import convert_model
    from toolkit.models import resolve

    monkeypatch.setitem(sys.modules, "ctranslate2", None)
    monkeypatch.setitem(sys.modules, "ctranslate2.converters", None)
    monkeypatch.delitem(sys.modules, "toolkit.engines.ctranslate2_engine", raising=False)
    with pytest.raises(ModelError, match="ctranslate2"):
        load_engine("ctranslate2", str(tiny_model), device="cpu")
    with pytest.raises(ModelError, match=r"pip install"):
        convert_model(resolve(str(tiny_model)), tiny_model.parent / "never")


def test_cli_convert_then_translate_by_the_same_name(mekong, tiny_model: Path, workdir: Path):
    shutil.copytree(tiny_model, workdir / "models" / "tiny-nllb")
    res = mekong("models", "convert", "models/tiny-nllb")
    assert res.code == 0, res.err
    assert (workdir / "models" / "tiny-nllb-ct2" / "model.bin").exists()
    assert "TEST MODEL" in res.out
    again = mekong("models", "convert", "models/tiny-nllb")
    assert again.code == 2 and "--force" in again.err
    bad = mekong("models", "convert", "models/tiny-nllb", "--quantization", "int3", "--force")
    assert bad.code == 2 and "int8" in bad.err
    (workdir / "speech.txt").write_text(
        "On behalf of the Ministry of Justice, I welcome you.\n\nThank you.\n", encoding="utf-8"
    )
    # The transformers folder name finds its converted sibling.
    out = mekong(
        "translate",
        "speech.txt",
        "--src",
        "en",
        "--tgt",
        "km,lo",
        "--model",
        "models/tiny-nllb",
        "--engine",
        "ctranslate2",
        "--beam",
        "2",
    )
    assert out.code == 0, out.err
    assert "TEST MODEL" in out.err
    import polars as pl

    frame = pl.read_parquet(workdir / "aligned" / "speech.parquet")
    assert frame.height == 4
    assert all(e.startswith("ctranslate2:") for e in frame["engine"].to_list())
    assert all(t for t in frame["tgt_text"].to_list())


def test_cli_translate_unconverted_model_fails_cleanly(mekong, tiny_model: Path, workdir: Path):
    (workdir / "s.txt").write_text("Thank you.\n", encoding="utf-8")
    res = mekong(
        "translate",
        "s.txt",
        "--src",
        "en",
        "--tgt",
        "km",
        "--model",
        str(tiny_model),
        "--engine",
        "ctranslate2",
    )
    assert res.code == 4
    assert "mekong models convert" in res.err
    assert "Traceback" not in res.err


def test_first_pass_term_fit_matches_teacher_forced_scores(ct2_model: Path) -> None:
    """The beam-1 cut choice reads the term's probability at every cut from the first pass;
    it must equal what scoring `tokens[:k] + term` teacher-forced gives."""
    engine = load_engine("ctranslate2", str(ct2_model), beam_size=1, device="cpu")
    code = engine.lang_code("km")
    src = engine._src_tokens(EN[1], "en")
    res = engine.translator.translate_batch(
        [src],
        target_prefix=[[code]],
        beam_size=1,
        max_decoding_length=12,
        return_end_token=True,
        return_logits_vocab=True,
    )[0]
    tokens = [t for t in res.hypotheses[0][1:] if t != "</s>"]
    term = TermConstraint("t", (KM_TERMS[0],))
    fits, own = engine._read_fits(res.logits[0], tokens, [term])
    fit = fits[engine._first_id(term)]
    first = engine._term_tokens(KM_TERMS[0])[0]
    for k in range(len(fit)):
        scored = engine.translator.score_batch([src], [[code, *tokens[:k], first]])[0]
        log_probs = list(scored.log_probs)[1:-1]  # drop the language and end tokens
        assert fit[k] == pytest.approx(log_probs[k], abs=1e-3)
        assert own[:k] == pytest.approx(log_probs[:k], abs=1e-3)
    # Beam > 1 gets the same distributions by forcing the output back through the decoder.
    from toolkit.engines.ctranslate2_engine import _Repair

    rep = _Repair(0, tokens, [TermConstraint("t", (KM_TERMS[0],))])
    engine._fits_by_forcing([src], code, [rep])
    assert rep.fits is not None and rep.own is not None
    forced_fit = rep.fits[engine._first_id(TermConstraint("t", (KM_TERMS[0],)))]
    assert len(forced_fit) >= len(fit)
    assert forced_fit[: len(fit)] == pytest.approx(fit, abs=1e-3)
    assert rep.own[: len(own)] == pytest.approx(own, abs=1e-3)


def test_find_rejoin_splices_after_the_models_own_wording() -> None:
    from toolkit.engines.ctranslate2_engine import find_rejoin

    first = ["▁a", "▁b", "▁X", "▁Y", "▁c", "▁d", "▁e"]
    # after the forced term at cut 2 the model wrote "▁c ▁d": the first output's "▁X ▁Y" (its
    # own wording of the concept) is dropped and "▁e" follows
    assert find_rejoin(first, 2, ["▁c", "▁d"], 2) == 5
    assert find_rejoin(first, 2, ["▁Z", "▁c", "▁d"], 2) == 5
    assert find_rejoin(first, 2, ["▁c"], 2) is None  # too short to be sure
    assert find_rejoin(first, 2, ["▁d", "▁c"], 2) is None
    assert find_rejoin(first, 5, ["▁c", "▁d"], 2) is None  # only after the cut


def _rejoining_case(engine, text: str, k: int, term: str):
    """A first output that the repair's continuation must re-join: the tokens before cut `k`,
    two filler tokens (the 'model's own wording'), then what greedy decoding writes after
    the forced term. Returns (source, prefix, repair, full greedy continuation)."""
    from toolkit.engines.ctranslate2_engine import EOS, _Repair

    code = engine.lang_code("km")
    src = engine._src_tokens(text, "en")
    first = engine.translator.translate_batch(
        [src], target_prefix=[[code]], beam_size=1, max_decoding_length=40
    )[0].hypotheses[0][1:]
    prefix = [code, *first[:k], *engine._term_tokens(term)]
    full = engine.translator.translate_batch(
        [src],
        target_prefix=[prefix],
        beam_size=1,
        max_decoding_length=60,
        return_end_token=True,
    )[0].hypotheses[0]
    after = [t for t in full[len(prefix) :] if t != EOS]
    crafted = [*first[:k], "▁la", "▁la", *after]
    rep = _Repair(0, crafted, [TermConstraint("t", (term,))], ended=full[-1] == EOS)
    return src, prefix, rep, full


def test_resync_continuation_rejoins_and_equals_the_full_decode(ct2_model: Path) -> None:
    """Far from the end (batched greedy with a stopping callback): once the continuation
    re-joins the first output, the spliced result is what decoding to the end gives."""
    engine = load_engine("ctranslate2", str(ct2_model), beam_size=1, device="cpu")
    src, prefix, rep, full = _rejoining_case(engine, EN[1], 3, KM_TERMS[0])
    assert len(rep.tokens) - 3 > engine.resync_window + 1  # not the one-pass window path
    outputs, sums = engine._continue_resync([src], [prefix], [rep], [3], [None], 60)
    assert engine.repair_stats == {"rejoined": 1}
    assert outputs[0] == full
    assert sums[0] < 0


def test_resync_window_feeds_the_prefix_in_one_pass(ct2_model: Path) -> None:
    """Near the end (return_alternatives, prefix in one pass): the window's tokens are the
    ones greedy decoding writes, and a continuation that re-joins is spliced."""
    engine = load_engine("ctranslate2", str(ct2_model), beam_size=1, device="cpu")
    engine.resync_window = 5
    src, prefix, rep, full = _rejoining_case(engine, EN[1], 3, KM_TERMS[0])
    rep.tokens = rep.tokens[:7]  # the first output ends 4 tokens after the cut
    rep.ended = True
    outputs, _ = engine._continue_resync([src], [prefix], [rep], [3], [None], 60)
    assert engine.repair_stats == {"rejoined": 1}
    assert outputs[0] == prefix + full[len(prefix) : len(prefix) + 2] + ["</s>"]
    # with no re-join possible the window output is greedy decoding's own
    rep.tokens = rep.tokens[:4]
    outputs, _ = engine._continue_resync([src], [prefix], [rep], [3], [None], 60)
    assert engine.repair_stats["rejoined"] == 1
    n = len(outputs[0]) - len(prefix)
    assert n > 0 and outputs[0] == full[: len(prefix) + n]


class _CountingTranslator:
    """Counts the `score_batch` calls of a CTranslate2 translator (its methods are read-only)."""

    def __init__(self, translator: object) -> None:
        self.translator = translator
        self.scored = 0

    def __getattr__(self, name: str) -> object:
        return getattr(self.translator, name)

    def score_batch(self, *args: object, **kwargs: object) -> object:
        self.scored += 1
        return self.translator.score_batch(*args, **kwargs)  # type: ignore[attr-defined]


@pytest.mark.parametrize("beam", [1, 2])
def test_later_rounds_place_terms_without_scoring(ct2_model: Path, beam: int) -> None:
    """Segments missing several terms are repaired one term per round; from round 2 on the
    cut comes from distributions already computed (the first pass's where the output
    re-joined it, the continuation's elsewhere), so no `score_batch` call, same presence."""
    texts = EN[:8]
    constraints = [
        [TermConstraint(f"t{j}", (KM_TERMS[(i + j) % len(KM_TERMS)],)) for j in range(3)]
        for i in range(len(texts))
    ]
    calls: dict[bool, int] = {}
    for on in (True, False):
        engine = load_engine(
            "ctranslate2", str(ct2_model), beam_size=beam, device="cpu", first_pass_cuts=on
        )
        counting = _CountingTranslator(engine.translator)
        engine.translator = counting
        hyps = engine.translate(texts, "en", "km", constraints=constraints)
        assert all(_present(h.text, c) for h, cs in zip(hyps, constraints, strict=True) for c in cs)
        assert all(h.logprob is not None and h.logprob < 0 for h in hyps)
        calls[on] = counting.scored
        if on:
            assert engine.cut_stats.get("first_pass", 0) > len(texts)  # later rounds too
        else:
            assert engine.cut_stats.get("first_pass", 0) <= len(texts)  # round 1 only
    assert calls[True] < calls[False]


def test_convert_never_replaces_its_own_input(mekong, tiny_model: Path, workdir: Path):
    source = workdir / "models" / "tiny-nllb"
    shutil.copytree(tiny_model, source)
    before = sorted(p.name for p in source.iterdir())
    for out in ("models/tiny-nllb", "models"):
        res = mekong("models", "convert", "models/tiny-nllb", "-o", out, "--force")
        assert res.code == 2 and "model being converted" in res.err, res.err
    assert sorted(p.name for p in source.iterdir()) == before
