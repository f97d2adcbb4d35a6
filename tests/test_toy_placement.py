"""Term placement with a model that has preferences: the small toy model, trained per session.

The random tiny model never writes a name by itself, so it cannot show whether a forced term
replaces the model's own rendering or lands beside it. The small toy model (ToySpec.small(),
about a minute on two cores) renders each institution its own way and ends its sentences.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from toolkit.engines import TermConstraint, load_engine
from toolkit.engines.toy import ToySpec, toy_pairs, toy_terms

LANGS = ("km", "vi")


@pytest.fixture(scope="session")
def toy_small(tmp_path_factory: pytest.TempPathFactory) -> Path:
    import torch

    from toolkit.engines.toy import build_toy

    before = torch.get_num_threads()
    torch.set_num_threads(min(2, before))
    try:
        return build_toy(tmp_path_factory.mktemp("toy") / "toy-small", ToySpec.small())
    finally:
        torch.set_num_threads(before)


@pytest.fixture(scope="session")
def toy_small_ct2(toy_small: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    pytest.importorskip("ctranslate2")
    from toolkit.engines.convert import convert_model
    from toolkit.models import resolve

    return convert_model(
        resolve(str(toy_small)), tmp_path_factory.mktemp("toyct2") / "t", "float32"
    )


def _cases(engine, lang: str) -> list[tuple[str, str, str, str]]:
    """(source, English term, own rendering, other rendering) where the free output has the
    model's own rendering of the term."""
    spec = ToySpec.small()
    terms = {t.term_id: t for t in toy_terms(spec.terms)}
    srcs: dict[str, str] = {}
    for p in toy_pairs(spec):
        if p.src_lang == "en" and p.tgt_lang == lang and p.term_id:
            srcs.setdefault(p.src, p.term_id)
    texts = list(srcs)[:12]
    out = []
    for src, hyp in zip(texts, engine.translate(texts, "en", lang), strict=True):
        t = terms[srcs[src]]
        if t.own[lang] in hyp.text:
            out.append((src, t.en, t.own[lang], t.alt[lang]))
    return out


def _check(engine, lang: str, strict: bool) -> None:
    cases = _cases(engine, lang)
    assert len(cases) >= 4, "the toy model should translate its own corpus"
    srcs = [c[0] for c in cases]
    free = engine.translate(srcs, "en", lang)
    cons = [[TermConstraint("t", (alt,), source=en)] for _, en, _, alt in cases]
    hyps = engine.translate(srcs, "en", lang, constraints=cons)
    replaced = ended = 0
    for (_, _, own, alt), f, h in zip(cases, free, hyps, strict=True):
        assert alt in h.text, h.text  # presence: always
        expected = f.text.replace(own, alt)
        assert len(h.text) <= 1.25 * len(expected), (h.text, expected)  # no filler
        ended += h.text[-1:] == f.text[-1:]  # it still ends as the model did
        replaced += own not in h.text
    # the term took the place of the model's own rendering instead of being added beside it
    need = len(cases) if strict else (len(cases) + 1) // 2
    assert replaced >= need and ended >= need, (replaced, ended, len(cases))


@pytest.mark.parametrize("beam", [1, 2])
@pytest.mark.parametrize("lang", LANGS)
def test_transformers_term_replaces_the_models_rendering(toy_small: Path, lang: str, beam: int):
    engine = load_engine("transformers", str(toy_small), beam_size=beam, device="cpu", threads=1)
    _check(engine, lang, strict=True)


@pytest.mark.parametrize("beam", [1, 2])
@pytest.mark.parametrize("lang", LANGS)
def test_ctranslate2_term_replaces_the_models_rendering(toy_small_ct2: Path, lang: str, beam: int):
    engine = load_engine("ctranslate2", str(toy_small_ct2), beam_size=beam, device="cpu", threads=1)
    _check(engine, lang, strict=True)


def test_without_a_source_span_the_term_is_still_present(toy_small: Path) -> None:
    """No source text for the term (nothing to attend to): the term is inserted or forced."""
    engine = load_engine("transformers", str(toy_small), beam_size=1, device="cpu", threads=1)
    cases = _cases(engine, "km")
    hyps = engine.translate(
        [c[0] for c in cases],
        "en",
        "km",
        constraints=[[TermConstraint("t", (c[3],))] for c in cases],
    )
    assert all(c[3] in h.text for c, h in zip(cases, hyps, strict=True))


def test_placed_outputs_carry_their_own_log_probability(toy_small: Path) -> None:
    """The log-prob of a placed output is its own (teacher-forced), not the free output's."""
    import torch

    engine = load_engine("transformers", str(toy_small), beam_size=1, device="cpu", threads=1)
    cases = _cases(engine, "km")[:4]
    srcs = [c[0] for c in cases]
    cons = [[TermConstraint("t", (c[3],), source=c[1])] for c in cases]
    hyps = engine.translate(srcs, "en", "km", constraints=cons)
    tok = engine.tokenizer
    tok.src_lang = engine.lang_code("en")
    for src, hyp in zip(srcs, hyps, strict=True):
        enc = tok([src], return_tensors="pt")
        body = tok(hyp.text, add_special_tokens=False)["input_ids"]
        ids = torch.tensor(
            [[tok.eos_token_id, engine.lang_token_id("km"), *body, tok.eos_token_id]]
        )
        with torch.inference_mode():
            expected = engine._mean_logprobs(enc, ids)[0]
        assert hyp.logprob == pytest.approx(expected, abs=1e-3)
