"""Measure length expectations: per-language weights and the per-sentence spread for all pairs.

Reads line-aligned, multi-parallel files (default: ../shared/eval/ntrex-dev, professional
translations of the same English news into km, lo, th, vi) and prints:
- per language, its non-space characters over the English ones (the weight in
  toolkit/quality/length.py), with the spread of the per-sentence ratios;
- for each of the twenty directions among en, km, lo, th, vi: the direct ratio of totals, the
  one derived through English (weight[tgt] / weight[src]; the same number on multi-parallel
  data), and percentiles of `length_vs_expected` (the ratio the check uses, with its slack),
  from which the review thresholds in toolkit/quality/length.py are set.

Usage: python bench/length_ratios.py [FOLDER]
"""

from __future__ import annotations

import statistics
import sys
from itertools import permutations
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from toolkit.quality.length import REVIEW_HIGH, REVIEW_LOW, SLACK, count_chars  # noqa: E402
from toolkit.quality.lines import read_lines  # noqa: E402

LANGS = ("en", "km", "lo", "th", "vi")
CUTS = (0.5, 1, 5, 50, 95, 99, 99.5)


def percentiles(values: list[float]) -> list[float]:
    ordered = sorted(values)
    return [ordered[min(len(ordered) - 1, int(len(ordered) * p / 100))] for p in CUTS]


def main(folder: Path) -> None:
    lines = {lang: read_lines(folder / f"{lang}.txt") for lang in LANGS}
    keep = [i for i in range(len(lines["en"])) if all(lines[lang][i].strip() for lang in LANGS)]
    counts = {lang: [count_chars(lines[lang][i]) for i in keep] for lang in LANGS}
    total = {lang: sum(c) for lang, c in counts.items()}
    weight = {lang: total[lang] / total["en"] for lang in LANGS}
    print(f"{len(keep)} sentences in all five languages, {total['en']} English characters")
    print(f"{'lang':4} {'weight':>7} {'p5':>6} {'median':>7} {'p95':>6}")
    for lang in LANGS:
        per = [t / s for s, t in zip(counts["en"], counts[lang], strict=True)]
        p = percentiles(per)
        print(f"{lang:4} {weight[lang]:7.3f} {p[2]:6.2f} {statistics.median(per):7.2f} {p[4]:6.2f}")
    head = " ".join(f"{'p' + format(c, 'g'):>6}" for c in CUTS)
    bounds = f"outside {REVIEW_LOW}-{REVIEW_HIGH}"
    print(f"\n{'pair':6} {'direct':>7} {'via en':>7}  length_vs_expected: {head}  {bounds}")
    for src, tgt in permutations(LANGS, 2):
        direct = total[tgt] / total[src]
        derived = weight[tgt] / weight[src]
        vs = [
            (t + SLACK) / (s * derived + SLACK)
            for s, t in zip(counts[src], counts[tgt], strict=True)
        ]
        cells = " ".join(f"{v:6.2f}" for v in percentiles(vs))
        out = sum(not REVIEW_LOW <= v <= REVIEW_HIGH for v in vs) / len(vs)
        print(f"{src}-{tgt:3} {direct:7.3f} {derived:7.3f}  {'':20}{cells}  {out:6.1%}")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT.parent / "shared" / "eval" / "ntrex-dev")
