"""Output vocabulary maps (CTranslate2 `use_vmap`): what they keep, and that restricting the
output changes nothing while the free output only uses kept pieces (tiny model, greedy)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from toolkit.engines.convert import (
    VMAP_FILE,
    VMAP_TARGETS,
    glossary_forms,
    piece_keeps,
    term_pieces,
)

pytest.importorskip("ctranslate2")

ROOT = Path(__file__).resolve().parent.parent
GLOSSARIES = sorted((ROOT / "glossaries").glob("*.tsv"))
EN = [
    "Excellencies, ladies and gentlemen, good morning.",
    "On behalf of the Ministry of Justice, I welcome you to this workshop.",
    "The government will strengthen cooperation with its regional partners.",
    "Thank you.",
    "The new law on juvenile justice enters into force on 1 January 2027.",
    "We must protect children from every form of exploitation, online and offline.",
    "Over the past three years, 1,200 judges were trained in 25 provinces.",
    "Cooperation between our ministries is essential for justice across borders.",
]


def read_vmap(path: Path) -> set[str]:
    lines = path.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 1 and lines[0].startswith("\t")  # the empty n-gram: always allowed
    return set(lines[0][1:].split(" "))


@pytest.fixture(scope="module")
def ct2_model(tiny_model: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    from toolkit.engines.convert import convert_model
    from toolkit.models import resolve

    out = tmp_path_factory.mktemp("ct2v") / "tiny-nllb-ct2"
    return convert_model(resolve(str(tiny_model)), out, "float32", glossaries=GLOSSARIES)


@pytest.fixture(scope="module")
def tokenizer(ct2_model: Path):
    from transformers import AutoTokenizer

    return AutoTokenizer.from_pretrained(str(ct2_model))


def test_convert_writes_one_map_per_target_and_their_union(ct2_model: Path, tokenizer) -> None:
    maps = {lang: read_vmap(ct2_model / f"vmap-{lang}.txt") for lang in VMAP_TARGETS}
    forms = glossary_forms(GLOSSARIES)
    assert read_vmap(ct2_model / VMAP_FILE) == set().union(*maps.values())
    vocab = set(tokenizer.get_vocab())
    letters = {"km": "ក", "lo": "ກ", "th": "ก"}  # (Vietnamese is Latin: every target keeps it)
    for lang, kept in maps.items():
        assert kept <= vocab
        assert not kept & set(tokenizer.all_special_tokens)  # CTranslate2 adds those itself
        if lang in letters:
            own = {p for p in vocab if letters[lang] in p}
            assert own and own <= kept  # the target's own script
        terms = term_pieces(tokenizer, forms[lang] | forms["en"])
        for other, char in letters.items():
            if other != lang:  # another script: only what a glossary form of lang needs
                assert not {p for p in vocab if char in p and p not in terms} & kept


def test_every_glossary_form_digit_and_punctuation_is_kept(ct2_model: Path, tokenizer) -> None:
    forms = glossary_forms(GLOSSARIES)
    for lang in VMAP_TARGETS:
        assert len(forms[lang]) > 100
        ids = tokenizer(sorted(forms[lang] | forms["en"]), add_special_tokens=False).input_ids
        pieces = {p for row in ids for p in tokenizer.convert_ids_to_tokens(row)}
        kept = read_vmap(ct2_model / f"vmap-{lang}.txt")
        assert pieces <= kept, sorted(pieces - kept)[:10]
        special = set(tokenizer.all_special_tokens)
        plain = [p for p in tokenizer.get_vocab() if p.strip("▁").isascii() and p not in special]
        assert set(plain) <= kept  # English names, digits, ASCII punctuation
        assert piece_keeps("▁2027", lang) and piece_keeps("«", lang) and piece_keeps("%", lang)


def _only(folder: Path, lang: str, into: Path) -> Path:
    """The converted model with `lang`'s map as its vmap.txt (weights linked, not copied)."""
    into.mkdir()
    for item in folder.iterdir():
        if item.name != VMAP_FILE:
            (into / item.name).symlink_to(item)
    shutil.copy(folder / f"vmap-{lang}.txt", into / VMAP_FILE)
    return into


def test_restricted_output_equals_free_output_while_it_only_uses_kept_pieces(
    ct2_model: Path, tmp_path: Path
) -> None:
    """Greedy: the argmax over the kept pieces is the free argmax whenever that one is kept.
    A map of another script (km output under the Thai map) shows the cut side."""
    from toolkit.engines import load_engine

    whole = cut = 0
    for out_lang, map_lang in (("km", "km"), ("th", "th"), ("lo", "lo"), ("km", "th")):
        folder = _only(ct2_model, map_lang, tmp_path / f"{out_lang}-{map_lang}")
        engine = load_engine("ctranslate2", str(folder), beam_size=1, device="cpu", threads=1)
        assert engine.use_vmap
        sources = engine._src_tokens(EN, "en")
        code = engine.lang_code(out_lang)
        # CTranslate2 adds the start, end and unknown tokens and the target prefix (the code)
        kept = read_vmap(folder / VMAP_FILE) | {code, "</s>", "<s>", "<unk>"}
        for limit in (3, 12, 40):
            free, restricted = (
                [
                    list(r.hypotheses[0])[1:]
                    for r in engine.translator.translate_batch(
                        sources,
                        target_prefix=[[code]] * len(sources),
                        beam_size=1,
                        max_decoding_length=limit,
                        use_vmap=vmap,
                    )
                ]
                for vmap in (False, True)
            )
            for f, r in zip(free, restricted, strict=True):
                dropped = [k for k, p in enumerate(f) if p not in kept]
                assert all(p in kept for p in r)
                if not dropped:
                    whole += 1
                    assert r == f
                else:  # the same up to the first piece the map leaves out
                    cut += 1
                    assert r[: dropped[0]] == f[: dropped[0]]
                    assert r[dropped[0]] != f[dropped[0]]
    assert whole and cut  # both cases were seen


def test_engine_can_decode_without_the_map(ct2_model: Path) -> None:
    from toolkit.engines import load_engine

    on = load_engine("ctranslate2", str(ct2_model), beam_size=1, device="cpu", threads=1)
    off = load_engine(
        "ctranslate2", str(ct2_model), beam_size=1, device="cpu", threads=1, use_vmap=False
    )
    assert on.use_vmap and not off.use_vmap
    assert len(on.translate(EN[:2], "en", "km")) == 2
