"""Benchmark: do professional translators use the glossary's form where the glossary matches?

Runs the shipped glossary matcher over the English side of ../shared/eval/ntrex-dev and, for
every hit, checks whether the line-aligned human translation (km, lo, th, vi) contains one of the
concept's target forms, with the same normalisation verification uses. Prints, per language and
enforcement level, the hits and the share present; `--list` writes the disagreements (one a line:
language, level, concept, line, the English match) for a terminologist to judge.
The data is read at run time; nothing of it is stored in the repository.

    python bench/glossary_ntrex.py [--data ../shared/eval/ntrex-dev] [--jurisdiction kh]
                                   [--list disagreements.tsv]
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

TARGETS = ("km", "lo", "th", "vi")


def _level(glossary, hit) -> str:  # noqa: ANN001 - glossary objects
    level = getattr(hit, "level", None)
    if level:
        return level
    concept = glossary.get(hit.term_id)
    return concept.cells.get("level", "") or "force" if concept else "force"


def run(data: Path, glossary_path: Path, jurisdiction: str | None, listing: Path | None) -> None:
    from toolkit.glossary import fileio
    from toolkit.glossary.match import contains, target_forms

    glossary = fileio.load_glossary(glossary_path)
    src = (data / "en.txt").read_text(encoding="utf-8").splitlines()
    tgts = {t: (data / f"{t}.txt").read_text(encoding="utf-8").splitlines() for t in TARGETS}
    hits_n: Counter[tuple[str, str]] = Counter()
    ok_n: Counter[tuple[str, str]] = Counter()
    rows: list[str] = []
    kwargs = {"jurisdiction": jurisdiction} if jurisdiction else {}
    for number, line in enumerate(src, start=1):
        hits = glossary.match(line, "en", **kwargs)
        seen: set[str] = set()
        for hit in hits:
            if hit.term_id in seen:
                continue
            seen.add(hit.term_id)
            concept = glossary.get(hit.term_id)
            level = _level(glossary, hit)
            for tgt in TARGETS:
                forms = target_forms(concept, hit, tgt)
                if not forms:
                    continue
                hits_n[(tgt, level)] += 1
                if any(contains(tgts[tgt][number - 1], f, tgt) for f in forms):
                    ok_n[(tgt, level)] += 1
                else:
                    rows.append(f"{tgt}\t{level}\t{hit.term_id}\t{number}\t{hit.text}\t{forms[0]}")
    levels = sorted({lv for _, lv in hits_n})
    print(f"glossary {glossary_path.name} ({glossary.version}) on {data} ({len(src)} lines)")
    print(f"{'lang':<5}{'level':<7}{'hits':>6}{'present':>9}{'share':>8}")
    for tgt in TARGETS:
        for level in levels:
            n = hits_n[(tgt, level)]
            if n:
                share = ok_n[(tgt, level)] / n
                print(f"{tgt:<5}{level:<7}{n:>6}{ok_n[(tgt, level)]:>9}{share:>8.1%}")
    print(f"disagreements: {len(rows)}")
    if listing:
        header = "lang\tlevel\tconcept\tline\tenglish\tglossary_form\n"
        listing.write_text(header + "\n".join(rows) + "\n", encoding="utf-8")
        print(f"listed in {listing}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared/eval/ntrex-dev")
    parser.add_argument(
        "--glossary", type=Path, default=ROOT / "glossaries/legal-institutional.tsv"
    )
    parser.add_argument("--jurisdiction", default=None)
    parser.add_argument("--list", type=Path, default=None, dest="listing")
    args = parser.parse_args()
    run(args.data, args.glossary, args.jurisdiction, args.listing)


if __name__ == "__main__":
    main()
