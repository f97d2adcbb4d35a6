"""How well the reference-free quality score tells professional translations from damaged ones.

On ntrex-dev (English news with professional km, lo, th and vi translations, read from
../shared/eval/ntrex-dev at run time), every human line is scored as `mekong check` would score
it (no glossary), then damaged copies of the lines are scored:

- omission: the translation cut to its first 40% (characters; words for vi, ending on a space);
- misplaced: the translation of the neighbouring sentence of the same document;
- untranslated: the English source copied as the translation;
- wrong_language: the same sentence in another of km, lo, th, vi (seeded choice);
- changed_number: one number that source and translation share changed in the translation;
- repetition: the last words (vi: 4 words; km/lo/th: 12 characters) repeated 5 times at the end;
- missing_term: the shipped glossary's target form deleted from a translation that had it
  (lines whose English has a glossary hit; scored with the glossary).

It prints, per language, the share of human lines flagged (status review or bad) and how many
are bad, and per fault class the share of damaged lines flagged. Seeds are fixed.

Usage: python bench/quality_faults.py [--limit N] [--misses K] [--cache FILE.npz] [--no-adequacy]
       python bench/quality_faults.py --time 1000     # seconds per 1,000 segments
"""

from __future__ import annotations

import argparse
import random
import re
import sys
import time
import unicodedata
from collections import Counter
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from toolkit.embeddings import E5Embedder  # noqa: E402
from toolkit.languages import to_ascii_digits  # noqa: E402
from toolkit.quality.batch import score_lines  # noqa: E402
from toolkit.quality.lines import read_lines  # noqa: E402

DATA = ROOT.parent / "shared" / "eval" / "ntrex-dev"
TARGETS = ("km", "lo", "th", "vi")
SEED = 18
FAULTS = (
    "omission",
    "misplaced",
    "untranslated",
    "wrong_language",
    "changed_number",
    "repetition",
    "missing_term",
)


def load(folder: Path, limit: int | None) -> tuple[dict[str, list[str]], list[str]]:
    lines = {lang: read_lines(folder / f"{lang}.txt") for lang in ("en", *TARGETS)}
    docs = (folder / "doc_ids.txt").read_text(encoding="utf-8").splitlines()
    if limit:
        lines = {k: v[:limit] for k, v in lines.items()}
        docs = docs[:limit]
    return lines, docs


def cut(text: str, lang: str, share: float = 0.4) -> str:
    """The first `share` of `text`: on a space for vi, never before a combining mark."""
    end = max(1, round(len(text) * share))
    if lang == "vi" and " " in text[:end]:
        end = text[:end].rindex(" ")
    while 0 < end < len(text) and unicodedata.category(text[end]).startswith("M"):
        end -= 1
    return text[:end].rstrip()


def neighbour(i: int, docs: list[str]) -> int | None:
    """The next line of the same document (the previous one for a document's last line)."""
    if i + 1 < len(docs) and docs[i + 1] == docs[i]:
        return i + 1
    if i > 0 and docs[i - 1] == docs[i]:
        return i - 1
    return None


_NUM = re.compile(r"\d+")


def change_number(src: str, hyp: str) -> str | None:
    """The translation with one digit of a number it shares with the source changed."""
    shared = set(_NUM.findall(to_ascii_digits(src))) & set(_NUM.findall(to_ascii_digits(hyp)))
    ascii_hyp = to_ascii_digits(hyp)
    for match in _NUM.finditer(ascii_hyp):
        if match.group() in shared:
            k = match.end() - 1  # the last digit, in whatever digits the translation uses
            new = str((int(ascii_hyp[k]) + 1) % 10)
            native = hyp[k]
            if native != ascii_hyp[k]:
                new = chr(ord(native) - int(ascii_hyp[k]) + int(new))
            return hyp[:k] + new + hyp[k + 1 :]
    return None


def loop(hyp: str, lang: str) -> str:
    tail = " ".join(hyp.split()[-4:]) if lang == "vi" else "".join(hyp.split())[-12:]
    return hyp + (" " + tail) * 5


class Glossed:
    """The shipped glossary: term checks for a line, and translations with a term removed."""

    def __init__(self) -> None:
        from toolkit.glossary import load_glossary
        from toolkit.glossary.fileio import require_default

        self.glossary = load_glossary(require_default())

    def terms(self, src: str, hyp: str, tgt: str) -> list[dict[str, object]]:
        hits = self.glossary.match(src, "en")
        return [c.as_dict() for c in self.glossary.verify(hyp, hits, tgt)] if hits else []

    def remove_term(self, src: str, hyp: str, tgt: str) -> tuple[str, list] | None:
        checks = self.terms(src, hyp, tgt)
        found = [c for c in checks if c["found"]]
        if not found:
            return None
        damaged = hyp.replace(str(found[0]["tgt"]), " ", 1)
        terms = self.terms(src, damaged, tgt)
        if damaged == hyp or all(t["found"] for t in terms):
            return None  # the form could not be removed as written: not a usable case
        return damaged, terms


def damaged_cases(lines, docs, tgt: str, glossed: Glossed) -> dict[str, list[tuple]]:
    """fault -> [(source, damaged translation, term checks)]."""
    rng = random.Random(f"{SEED}-{tgt}")
    en, hyp = lines["en"], lines[tgt]
    cases: dict[str, list[tuple]] = {f: [] for f in FAULTS}
    others = [t for t in TARGETS if t != tgt]
    for i, (s, h) in enumerate(zip(en, hyp, strict=True)):
        if not s.strip() or not h.strip():
            continue
        cases["omission"].append((s, cut(h, tgt), []))
        j = neighbour(i, docs)
        if j is not None:
            cases["misplaced"].append((s, hyp[j], []))
        cases["untranslated"].append((s, s, []))
        cases["wrong_language"].append((s, lines[rng.choice(others)][i], []))
        changed = change_number(s, h)
        if changed is not None:
            cases["changed_number"].append((s, changed, []))
        cases["repetition"].append((s, loop(h, tgt), []))
        removed = glossed.remove_term(s, h, tgt)
        if removed is not None:
            cases["missing_term"].append((s, *removed))
    return cases


Scorer = Callable[[list[str], list[str], str, str, list[list]], list]


def scorer_for(adequacy: bool, embedder: E5Embedder) -> Scorer:
    """Scores as `mekong check` does, with one embedder (one cache) for the whole run."""

    def score(srcs: list[str], hyps: list[str], src: str, tgt: str, terms: list[list]) -> list:
        return score_lines(srcs, hyps, src, tgt, terms=terms, adequacy=adequacy, embedder=embedder)

    return score


def run(lines, docs, misses: int, scorer: Scorer) -> None:
    glossed = Glossed()
    header = f"{'lang':4} {'human flagged':>14} {'bad':>4} " + " ".join(
        f"{f[:14]:>14}" for f in FAULTS
    )
    rows, flag_counts = [], {}
    for tgt in TARGETS:
        en, hyp = lines["en"], lines[tgt]
        results = scorer(en, hyp, "en", tgt, [[] for _ in en])
        flagged = [q for q in results if q.status != "ok"]
        bad = sum(q.status == "bad" for q in results)
        if misses:
            for s, h, q in zip(en, hyp, results, strict=True):
                if q.status == "bad":
                    print(f"BAD {tgt}: {q.score} {q.flags} {q.signals} | {s} | {h}")
        flag_counts[tgt] = Counter(f for q in flagged for f in q.flags)
        cells = [f"{len(flagged) / len(results):7.1%} ({len(flagged):3})", f"{bad:4}"]
        for fault, cases in damaged_cases(lines, docs, tgt, glossed).items():
            if not cases:
                cells.append(f"{'-':>14}")
                continue
            srcs, hyps, terms = (list(x) for x in zip(*cases, strict=True))
            qs = scorer(srcs, hyps, "en", tgt, terms)
            hit = [q.status != "ok" for q in qs]
            cells.append(f"{sum(hit) / len(hit):7.1%} ({len(hit):4})")
            shown = [(s, h, q) for s, h, q, ok in zip(srcs, hyps, qs, hit, strict=True) if not ok]
            for s, h, q in shown[:misses]:
                print(f"MISS {tgt} {fault}: {q.score} {q.signals.get('adequacy')} | {s} | {h}")
        rows.append(f"{tgt:4} " + " ".join(cells))
    print(header)
    print("\n".join(rows))
    for tgt, counts in flag_counts.items():
        print(f"{tgt}: flags on human lines: {dict(counts.most_common())}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--limit", type=int, default=None, help="Only the first N lines.")
    parser.add_argument("--misses", type=int, default=0, help="Print K unflagged cases a class.")
    parser.add_argument("--no-adequacy", action="store_true", help="Score without embeddings.")
    parser.add_argument("--cache", type=Path, help="Keep embeddings in this .npz between runs.")
    parser.add_argument("--calibrate", action="store_true", help="Adequacy distributions only.")
    parser.add_argument("--time", type=int, help="Only time scoring N segments, then stop.")
    args = parser.parse_args()
    lines, docs = load(args.data, args.limit)
    embedder = E5Embedder()
    if args.cache and args.cache.exists():
        load_cache(embedder, args.cache)
    if args.time:
        timing(lines, args.time)
        return
    if args.calibrate:
        calibrate(lines, docs, embedder)
        if args.cache:
            save_cache(embedder, args.cache)
        return
    start = time.perf_counter()
    run(lines, docs, args.misses, scorer_for(not args.no_adequacy, embedder))
    print(f"{len(lines['en'])} lines, {time.perf_counter() - start:.1f} s")
    if args.cache:
        save_cache(embedder, args.cache)


def timing(lines, n: int) -> None:
    """Seconds to score n en->km lines: the rule signals alone, and adequacy (fresh embedder)."""
    from toolkit.quality.adequacy import measure

    srcs, hyps = lines["en"][:n], lines["km"][:n]
    start = time.perf_counter()
    score_lines(srcs, hyps, "en", "km", adequacy=False)
    rules = time.perf_counter() - start
    start = time.perf_counter()
    measure(srcs, hyps, E5Embedder())
    embed = time.perf_counter() - start
    per = 1000 / len(srcs)
    print(
        f"{len(srcs)} segments en->km: rule signals {rules:.1f} s ({rules * per:.1f} s / 1,000), "
        f"adequacy {embed:.1f} s ({embed * per:.1f} s / 1,000; {2 * len(srcs)} texts embedded)"
    )


QUANTILES = (0.5, 1, 5, 50, 95, 99)


def _row(name: str, values) -> str:  # noqa: ANN001
    import numpy as np

    cells = " ".join(f"{np.percentile(values, q):6.3f}" for q in QUANTILES)
    return f"{name:22} {cells}"


def calibrate(lines, docs, embedder: E5Embedder) -> None:
    """Percentiles of the adequacy cosine (and margin) for true pairs and damaged ones."""
    from itertools import combinations

    from toolkit.quality.adequacy import measure

    head = " ".join(f"{'p' + format(q, 'g'):>6}" for q in QUANTILES)
    print(f"{'cosine, true pairs':22} {head}")
    vec = {lang: embedder.embed(texts) for lang, texts in lines.items()}
    for a, b in combinations(("en", *TARGETS), 2):
        print(_row(f"{a}-{b}", (vec[a] * vec[b]).sum(axis=1)))
    rng = random.Random(SEED)
    en = lines["en"]
    for tgt in TARGETS:
        hyp = lines[tgt]
        near = [(i, j) for i in range(len(en)) if (j := neighbour(i, docs)) is not None]
        damaged = {
            "true": hyp,
            "truncated": [cut(h, tgt) for h in hyp],
            "other sentence": [hyp[rng.randrange(len(hyp))] for _ in hyp],
        }
        print(f"en-{tgt}: cosine / margin {head}")
        for name, hyps in damaged.items():
            got = [a for a in measure(en, hyps, embedder) if a is not None]
            print(_row(f"  {name}", [a.similarity for a in got]))
            print(_row(f"  {name} (margin)", [a.margin for a in got if a.margin is not None]))
        shifted = list(hyp)
        for i, j in near:
            shifted[i] = hyp[j]
        measured = measure(en, shifted, embedder)
        moved = [measured[i] for i, _ in near if measured[i] is not None]
        print(_row("  neighbour's", [a.similarity for a in moved]))
        print(_row("  neighbour's (margin)", [a.margin for a in moved if a.margin is not None]))


def load_cache(embedder: E5Embedder, path: Path) -> None:
    import numpy as np

    data = np.load(path, allow_pickle=True)
    embedder._cache.update(zip(data["texts"].tolist(), data["vectors"], strict=True))


def save_cache(embedder: E5Embedder, path: Path) -> None:
    import numpy as np

    texts = list(embedder._cache)
    vectors = np.stack([embedder._cache[t] for t in texts])
    np.savez(path, texts=np.array(texts, dtype=object), vectors=vectors)


if __name__ == "__main__":
    main()
