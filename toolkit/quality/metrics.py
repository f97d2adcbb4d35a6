"""Reference-based corpus metrics (sacrebleu) with tokenisation fit for each language.

- chrF and chrF++ (word_order=2): character n-grams ignore whitespace, so they work as they
  are for Khmer, Lao and Thai. The word bigrams of chrF++ there are space-separated chunks
  (phrases, not words): read chrF for those languages.
- BLEU: tokenize="char" for km/lo/th (13a leaves whole phrases as tokens and scores ~0),
  "13a" for en/vi (Vietnamese writes spaces between syllables).
- TER: sacrebleu's TER splits on spaces only (its asian_support covers CJK, not Khmer/Lao/Thai),
  so for km/lo/th the hypotheses and references are pre-split into characters (code points,
  whitespace dropped, as BLEU's char tokenizer does): TER is then the character edit rate with
  shifts. The signature says so.
Only tokenizers that run offline are used: never flores200/spm (they download a model).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass

from toolkit import languages
from toolkit.errors import InputError
from toolkit.quality.common import NO_SPACE_LANGS

METRICS = ("chrF", "chrF++", "BLEU", "TER")


@dataclass
class MetricScore:
    metric: str
    score: float
    signature: str
    detail: str  # sacrebleu's own one-line rendering of the score

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


def bleu_tokenizer(lang: str) -> str:
    return "char" if languages.get(lang).code in NO_SPACE_LANGS else "13a"


def char_split(line: str) -> str:
    """Characters separated by spaces, whitespace dropped (TER input for km/lo/th)."""
    return " ".join(c for c in line if not c.isspace())


def corpus_scores(
    hyps: Sequence[str], refs: Sequence[Sequence[str]], lang: str
) -> list[MetricScore]:
    """chrF, chrF++, BLEU and TER of `hyps` against one or more reference streams."""
    from sacrebleu.metrics import BLEU, CHRF, TER

    code = languages.get(lang).code
    if not refs:
        raise InputError("no reference given")
    for ref in refs:
        if len(ref) != len(hyps):
            raise InputError(f"{len(hyps)} hypotheses but a reference with {len(ref)} lines")
    hyps, refs = list(hyps), [list(r) for r in refs]
    results: list[MetricScore] = []
    for name, metric in (
        ("chrF", CHRF()),
        ("chrF++", CHRF(word_order=2)),
        ("BLEU", BLEU(tokenize=bleu_tokenizer(code))),
    ):
        score = metric.corpus_score(hyps, refs)
        results.append(MetricScore(name, score.score, str(metric.get_signature()), str(score)))
    ter = TER()
    if code in NO_SPACE_LANGS:
        score = ter.corpus_score(
            [char_split(h) for h in hyps], [[char_split(r) for r in s] for s in refs]
        )
        signature = f"{ter.get_signature()}|input:char-split-by-mekong"
    else:
        score = ter.corpus_score(hyps, refs)
        signature = str(ter.get_signature())
    results.append(MetricScore("TER", score.score, signature, str(score)))
    return results
