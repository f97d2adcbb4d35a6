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


@pytest.mark.parametrize("beam", [1, 2])
def test_glossary_terms_reach_full_presence(ct2_model: Path, beam: int) -> None:
    ct2_engine = load_engine("ctranslate2", str(ct2_model), beam_size=beam, device="cpu")
    texts = EN * 2
    constraints = [
        [TermConstraint(f"t{i}", (KM_TERMS[i % len(KM_TERMS)],), source=texts[i].split()[1])]
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


def test_terms_present_at_the_decoding_limit(ct2_model: Path) -> None:
    """Outputs cut by the decoding limit still get every term (the limit grows to fit)."""
    engine = load_engine("ctranslate2", str(ct2_model), beam_size=1, device="cpu", max_length=6)
    constraints = [[TermConstraint("t", (KM_TERMS[3],)), TermConstraint("u", (KM_TERMS[1],))]]
    hyps = engine.translate(EN[:1], "en", "km", constraints=constraints)
    assert all(_present(hyps[0].text, c) for c in constraints[0]), hyps[0].text


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


def test_convert_never_replaces_its_own_input(mekong, tiny_model: Path, workdir: Path):
    source = workdir / "models" / "tiny-nllb"
    shutil.copytree(tiny_model, source)
    before = sorted(p.name for p in source.iterdir())
    for out in ("models/tiny-nllb", "models"):
        res = mekong("models", "convert", "models/tiny-nllb", "-o", out, "--force")
        assert res.code == 2 and "model being converted" in res.err, res.err
    assert sorted(p.name for p in source.iterdir()) == before
