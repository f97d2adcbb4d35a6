"""Constrained decoding: every glossary term present although the random model knows nothing."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest
import torch

from toolkit.engines.base import TermConstraint
from toolkit.engines.constraints import RowSpec, TermForcingProcessor, TermSpec, plan_rows
from toolkit.glossary import load_glossary

ROOT = Path(__file__).resolve().parent.parent
SOURCES = [
    "On behalf of the Ministry of Justice, I welcome H.E. the Minister and UNODC.",
    "The Kingdom of Cambodia, Lao PDR, Thailand and Viet Nam discussed mutual legal "
    "assistance, extradition and the Penal Code.",
    "Excellencies, ladies and gentlemen, the Ministry of Women's Affairs thanks UNICEF, "
    "INTERPOL and the ASEAN Secretariat.",
    "Thank you.",
]


@pytest.fixture(autouse=True, scope="module")
def one_thread():
    """The tiny model is fastest single-threaded (the machine's cores are shared)."""
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


@pytest.fixture(scope="module")
def glossary():
    return load_glossary(ROOT / "glossaries" / "legal-institutional.tsv")


@pytest.mark.parametrize("tgt", ["km", "lo", "th", "vi"])
def test_every_term_present_with_beam_search(tiny_engine, glossary, tgt):
    hits = [glossary.match(t, "en") for t in SOURCES]
    assert sum(len(h) for h in hits) >= 15
    constraints = [glossary.constraints(h, tgt) for h in hits]
    plain = tiny_engine.translate(SOURCES, "en", tgt)
    plain_found = sum(
        c.found and c.level == "force"
        for h, y in zip(hits, plain, strict=True)
        for c in glossary.verify(y.text, h, tgt)
    )
    hyps = tiny_engine.translate(SOURCES, "en", tgt, constraints=constraints)
    checks = [c for h, y in zip(hits, hyps, strict=True) for c in glossary.verify(y.text, h, tgt)]
    checks = [c for c in checks if c.level == "force"]  # checked terms are never forced
    assert len(checks) == sum(len(c) for c in constraints)
    assert all(c.found for c in checks), [c for c in checks if not c.found]
    assert plain_found < len(checks)  # the random model alone does not produce the terms


def test_greedy_and_vietnamese_source(tiny_model, glossary):
    from toolkit.engines import load_engine

    greedy = load_engine("transformers", str(tiny_model), beam_size=1, device="cpu")
    texts = ["Bộ Tư pháp và Cộng hoà Xã hội Chủ nghĩa Việt Nam hợp tác với UNODC."]
    hits = [glossary.match(t, "vi") for t in texts]
    assert [h.term_id for h in hits[0]] == ["min-justice", "country-vn-full", "unodc"]
    hyps = greedy.translate(texts, "vi", "en", constraints=[glossary.constraints(hits[0], "en")])
    checks = glossary.verify(hyps[0].text, hits[0], "en")
    assert [c.found for c in checks] == [True, True, True], hyps[0].text


def test_unencodable_term_is_flagged_not_a_crash(tiny_engine):
    bad = TermConstraint("zebra", ("Zebra ŋ",))
    good = TermConstraint("moj", ("ក្រសួងយុត្តិធម៌",))
    hyps = tiny_engine.translate(
        ["The Ministry of Justice."], "en", "km", constraints=[[bad, good]]
    )
    assert "ក្រសួងយុត្តិធម៌" in hyps[0].text.replace(" ", "")
    assert "<unk>" in tiny_engine.unforceable_terms["Zebra ŋ"]
    rows, unusable = plan_rows(tiny_engine.tokenizer, [[bad, good]])
    assert [t.term_id for t in rows[0].terms] == ["moj"] and "Zebra ŋ" in unusable


# -- the processor's rules on synthetic scores --------------------------------------------
def _step(processor: TermForcingProcessor, prefix: list[int], vocab: int = 50) -> torch.Tensor:
    ids = torch.tensor([prefix])
    return processor(ids, torch.zeros((1, vocab)))


def test_processor_rules():
    term = TermSpec("t", ["".join(map(chr, [7, 8, 9]))])
    spec = RowSpec([term], forbidden=["".join(map(chr, [20, 21]))])
    proc = TermForcingProcessor([spec], eos_id=2, max_new=10)
    proc(torch.tensor([[2]]), torch.zeros((1, 50)))  # start step (language token) untouched
    free = _step(proc, [2, 40, 11])
    assert free[0, 2] == float("-inf")  # EOS banned while the term is missing
    assert torch.isfinite(free[0, 5])  # otherwise free
    cont = _step(proc, [2, 40, 11, 7])
    assert torch.isfinite(cont[0, 8]) and torch.isinf(cont[0, 5])  # a started term is continued
    forbidden = _step(proc, [2, 40, 20])
    assert forbidden[0, 21] == float("-inf")  # the forbidden variant cannot be completed
    late = _step(proc, [2, 40, 11, 12, 13, 14, 15, 16])  # 3 slots left, term needs 3
    assert torch.isfinite(late[0, 7]) and int(torch.isfinite(late[0]).sum()) == 1
    done = _step(proc, [2, 40, 7, 8, 9, 11])
    assert torch.isfinite(done[0, 2])  # with the term present EOS is allowed again


# -- end to end ---------------------------------------------------------------------------
SPEECH = """Opening remarks

Excellencies, ladies and gentlemen,

On behalf of the Ministry of Justice of the Kingdom of Cambodia, I thank UNODC and UNICEF.

Mutual legal assistance and extradition between Lao PDR, Thailand and Viet Nam must improve.
"""


def test_cli_translate_enforces_the_shipped_glossary(mekong, workdir, tiny_model):
    (workdir / "speech.txt").write_text(SPEECH, encoding="utf-8")
    args = ["translate", "speech.txt", "--src", "en", "--tgt", "km,lo,th,vi", "--model", tiny_model]
    args += ["--threads", "1", "--beam", "2"]
    result = mekong(*args)
    assert result.code == 0, result.err
    frame = pl.read_parquet(workdir / "aligned" / "speech.parquet")
    terms = frame.explode("terms").drop_nulls("terms").unnest("terms")
    assert terms.height >= 4 * 10
    assert terms["found"].all()
    assert frame["glossary_version"].n_unique() == 1 and frame["glossary_version"][0]
    for tgt in ("km", "lo", "th", "vi"):
        n = terms.filter(pl.col("tgt_lang") == tgt).height
        assert f" {n}/{n}" in next(line for line in result.out.splitlines() if line.startswith(tgt))

    plain = mekong(*args, "--no-glossary", "--doc-id", "plain")
    assert plain.code == 0, plain.err
    assert pl.read_parquet(workdir / "aligned" / "plain.parquet")["terms"].list.len().sum() == 0


def test_cli_translate_bad_glossary_one_line(mekong, workdir, tiny_model):
    (workdir / "speech.txt").write_text(SPEECH, encoding="utf-8")
    (workdir / "bad.tsv").write_text("id\ttype\ten\tstatus\tsource\nx\ttitle\n", encoding="utf-8")
    result = mekong(
        "translate", "speech.txt", "--src", "en", "--tgt", "km", "--model", tiny_model,
        "--glossary", "bad.tsv", "--threads", "1",
    )  # fmt: skip
    assert result.code == 3
    assert result.err.strip().count("\n") == 0 and "bad.tsv:2: malformed row" in result.err
    assert not (workdir / "aligned" / "speech.parquet").exists()


def test_cli_refuses_a_term_the_model_cannot_produce(mekong, workdir, tiny_model):
    (workdir / "speech.txt").write_text(SPEECH, encoding="utf-8")
    header = "id\ttype\ten\tvi\tstatus\tsource"
    (workdir / "odd.tsv").write_text(
        f"{header}\nmoj\tinstitution\tMinistry of Justice\tBộ Tư pháp ŋ\tproposed\ts\n",
        encoding="utf-8",
    )
    before = (workdir / "odd.tsv").read_bytes()
    result = mekong(
        "translate", "speech.txt", "--src", "en", "--tgt", "vi", "--model", tiny_model,
        "--glossary", "odd.tsv", "--threads", "1",
    )  # fmt: skip
    assert result.code == 3
    line = result.err.strip().splitlines()[-1]
    assert "odd.tsv:2: term 'Bộ Tư pháp ŋ' (moj, vi) cannot be enforced" in line
    assert "<unk>" in line
    assert not (workdir / "aligned" / "speech.parquet").exists()
    assert (workdir / "odd.tsv").read_bytes() == before


def test_no_word_glued_to_a_finished_latin_term():
    glue = torch.tensor([30, 31])  # tokens that continue a word
    term = TermSpec("t", [chr(7) + chr(8)], word_final=(chr(7) + chr(8),))
    proc = TermForcingProcessor([RowSpec([term])], eos_id=2, max_new=10, glue=glue)
    proc(torch.tensor([[2]]), torch.zeros((1, 50)))
    after = _step(proc, [2, 40, 7, 8])
    assert torch.isinf(after[0, 30]) and torch.isinf(after[0, 31]) and torch.isfinite(after[0, 5])
    later = _step(proc, [2, 40, 7, 8, 5])
    assert torch.isfinite(later[0, 30])
