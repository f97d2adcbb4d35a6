"""Measure per-language length weights (non-space characters relative to English).

Reads the line-aligned sample in samples/parallel-speech/ and prints, per language, the total
number of non-whitespace code points divided by the English total, plus the spread of the
per-sentence ratios. The weights in toolkit/quality/length.py come from this script.

Usage: python bench/length_ratios.py [FOLDER]
"""

from __future__ import annotations

import statistics
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from toolkit.quality.length import count_chars  # noqa: E402


def main(folder: Path) -> None:
    lines = {
        lang: (folder / f"{lang}.txt").read_text(encoding="utf-8").splitlines()
        for lang in ("en", "km", "lo", "th", "vi")
    }
    en = lines["en"]
    en_total = sum(count_chars(s) for s in en)
    print(f"{len(en)} sentences, {en_total} English non-space characters")
    print(f"{'lang':4} {'weight':>7} {'min':>6} {'median':>7} {'max':>6}")
    for lang, sents in lines.items():
        total = sum(count_chars(s) for s in sents)
        per = [count_chars(t) / count_chars(s) for s, t in zip(en, sents, strict=True)]
        print(
            f"{lang:4} {total / en_total:7.3f} {min(per):6.2f} "
            f"{statistics.median(per):7.2f} {max(per):6.2f}"
        )


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "samples" / "parallel-speech")
