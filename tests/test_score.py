"""`mekong score`: the same numbers as sacrebleu's own API, tokenised for the language."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sacrebleu.metrics import BLEU, CHRF, TER

from toolkit.quality.metrics import bleu_tokenizer, char_split

SAMPLE = Path(__file__).resolve().parent.parent / "samples" / "parallel-speech"


def _lines(lang: str) -> list[str]:
    return (SAMPLE / f"{lang}.txt").read_text(encoding="utf-8").splitlines()


def _write(path: Path, lines: list[str]) -> Path:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _hypotheses(lang: str) -> list[str]:
    """A plausible system output: the references with a few words/characters changed or lost."""
    lines = _lines(lang)
    out = []
    for i, line in enumerate(lines):
        if lang in ("en", "vi"):
            words = line.split()
            out.append(" ".join(words[: -1 - i % 3] + words[-1:]) if i % 2 else " ".join(words))
        else:
            out.append(line[: len(line) - 3 - i % 4] + line[-1] if i % 2 else line[::-1][:4] + line)
    return out


def _second_reference(lang: str) -> list[str]:
    lines = _lines(lang)
    if lang in ("en", "vi"):
        return [
            " ".join(reversed(line.split()[:2])) + " " + " ".join(line.split()[2:])
            for line in lines
        ]
    return [line[2:] + line[:2] for line in lines]


@pytest.mark.parametrize(
    ("lang", "n_refs"), [("km", 1), ("th", 2), ("lo", 1), ("vi", 2), ("en", 1)]
)
def test_scores_equal_sacrebleu_api(mekong, workdir, lang, n_refs):
    hyps = _hypotheses(lang)
    refs = [_lines(lang), _second_reference(lang)][:n_refs]
    files = [_write(workdir / "hyp.txt", hyps)]
    files += [_write(workdir / f"ref{i}.txt", r) for i, r in enumerate(refs)]
    result = mekong("score", *files, "--lang", lang, "--json")
    assert result.code == 0, result.err
    payload = json.loads(result.out)
    got = {s["metric"]: s for s in payload["scores"]}
    assert payload["references"] == n_refs and payload["segments"] == 12

    tok = "char" if lang in ("km", "lo", "th") else "13a"
    bleu = BLEU(tokenize=tok)
    expected = {
        "chrF": CHRF().corpus_score(hyps, refs),
        "chrF++": CHRF(word_order=2).corpus_score(hyps, refs),
        "BLEU": bleu.corpus_score(hyps, refs),
    }
    ter = TER()
    if tok == "char":
        split_refs = [[" ".join(c for c in r if not c.isspace()) for r in ref] for ref in refs]
        split_hyps = [" ".join(c for c in h if not c.isspace()) for h in hyps]
        expected["TER"] = ter.corpus_score(split_hyps, split_refs)
    else:
        expected["TER"] = ter.corpus_score(hyps, refs)
    for name, score in expected.items():
        assert got[name]["score"] == score.score, name
    assert f"tok:{tok}" in got["BLEU"]["signature"]
    assert f"nrefs:{n_refs}" in got["chrF"]["signature"]
    assert "nw:2" in got["chrF++"]["signature"]
    assert 0 < got["BLEU"]["score"] < 100


def test_char_bleu_is_what_makes_khmer_measurable(mekong, workdir):
    refs = _lines("km")
    hyps = [r[: len(r) // 2] + r[len(r) // 2 + 1 :] for r in refs]  # one character lost per line
    hyp = _write(workdir / "hyp.txt", hyps)
    ref = _write(workdir / "ref.txt", refs)
    payload = json.loads(mekong("score", hyp, ref, "--lang", "km", "--json").out)
    ours = {s["metric"]: s["score"] for s in payload["scores"]}
    words_13a = BLEU().corpus_score(hyps, [refs]).score  # whole phrases as tokens
    assert ours["BLEU"] > 90 > 60 > words_13a
    assert ours["TER"] < 5  # one character edit in ~70 per line


def test_text_output_prints_sacrebleu_lines_and_signatures(mekong, workdir):
    hyps = _hypotheses("th")
    hyp = _write(workdir / "hyp.txt", hyps)
    ref = _write(workdir / "ref.txt", _lines("th"))
    result = mekong("score", hyp, ref, "--lang", "th")
    assert result.code == 0, result.err
    bleu = BLEU(tokenize="char")
    score = bleu.corpus_score(hyps, [_lines("th")])
    assert str(score) in result.out
    assert str(bleu.get_signature()) in result.out
    assert str(CHRF().corpus_score(hyps, [_lines("th")])) in result.out
    assert "input:char-split-by-mekong" in result.out


def test_char_split_drops_whitespace():
    assert char_split("ก ข\u00a0ค") == "ก ข ค"


def test_only_offline_tokenizers():
    assert {bleu_tokenizer(code) for code in ("en", "km", "lo", "th", "vi")} == {"13a", "char"}
    assert bleu_tokenizer("khm_Khmr") == "char"


def test_mismatched_reference_is_one_clear_error(mekong, workdir):
    hyp = _write(workdir / "hyp.txt", _lines("vi"))
    ref = _write(workdir / "ref.txt", _lines("vi")[:5])
    result = mekong("score", hyp, ref, "--lang", "vi")
    assert result.code == 3 and "not line-aligned" in result.err
    assert len(result.err.strip().splitlines()) == 1


def test_unknown_language_and_help(mekong, workdir):
    hyp = _write(workdir / "hyp.txt", _lines("vi"))
    result = mekong("score", hyp, hyp, "--lang", "xx")
    assert result.code == 2 and "unknown language" in result.err
    assert "Example: mekong score" in mekong("score", "--help").out
