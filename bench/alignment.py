"""Alignment benchmark: strict/lax P/R/F1 on Text+Berg dev, Gale-Church in the same run, speed.

Reads the GPL-2.0 gold data from ../shared/eval/textberg-dev (never copied into the repo):
    python bench/alignment.py [--data DIR] [--groups 0-1,1-0,...] [--no-speed]
Mekong's aligner runs once per MT file (Google, Europarl) given the way `mekong align --src-mt`
takes it, with each similarity (`--similarity ngram`, `embed`, `both`; the embedding ones also
read the German, as `mekong align` gives the source sentences); Gale-Church reads the German and
French lengths. Speed: seconds per 1,000 source sentences on the dev document (for the embedding
modes: embedding the German, the MT and the French with a fresh cache, plus the alignment), and
on a synthetic 1,000 x 1,000 document (n-grams).
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from toolkit.align import DpAligner, DpConfig, GaleChurchAligner, parse_groups  # noqa: E402
from toolkit.align.base import DEFAULT_GROUPS  # noqa: E402
from toolkit.align.embeddings import E5Embedder, EmbedConfig  # noqa: E402
from toolkit.align.io import read_alignment  # noqa: E402
from toolkit.align.metrics import Counts, count, scores  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
from alignment_sets import (  # noqa: E402
    DEFAULT_NTREX,
    PAIRS,
    DiskCachedEmbedder,
    documents,
    pair_set,
    perturb,
)

DEFAULT_DATA = Path(__file__).resolve().parents[2] / "shared" / "eval" / "textberg-dev"
if not DEFAULT_DATA.exists():
    DEFAULT_DATA = Path("/work/shared/eval/textberg-dev")


def lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").splitlines()


class Clock:
    """Wall and CPU seconds of a block (CPU time is steadier on a shared machine)."""

    def __enter__(self) -> Clock:
        self.wall, self.cpu = time.perf_counter(), time.process_time()
        return self

    def __exit__(self, *exc: object) -> None:
        self.wall = time.perf_counter() - self.wall
        self.cpu = time.process_time() - self.cpu


def report(  # noqa: ANN001
    name: str, predicted, gold, clock: Clock, n_src: int, extra: Clock | None = None
) -> None:
    """`extra`: time spent before the alignment (embedding), added to the speed figures."""
    result = scores(count([(g.src, g.tgt) for g in predicted], [(g.src, g.tgt) for g in gold]))
    s, lx = result.strict, result.lax
    per = 1000 / n_src
    wall = clock.wall + (extra.wall if extra else 0.0)
    cpu = clock.cpu + (extra.cpu if extra else 0.0)
    print(
        f"{name:30} strict P {s['precision']:.3f} R {s['recall']:.3f} F1 {s['f1']:.3f} | "
        f"lax P {lx['precision']:.3f} R {lx['recall']:.3f} F1 {lx['f1']:.3f} | "
        f"per 1000 sents: {wall * per:6.2f} s wall, {cpu * per:6.2f} s CPU"
    )


def ntrex_modes(groups: tuple) -> dict[str, DpAligner | GaleChurchAligner | None]:  # noqa: ANN001
    """The aligners of the real-language sets; None: n-grams of the source against the target
    (no MT: only numbers, names and Latin strings are shared)."""
    embedder = DiskCachedEmbedder(E5Embedder())
    before = EmbedConfig(focus=1)
    return {
        "gale-church": GaleChurchAligner(),
        "ngram (no MT)": None,
        "embed, sums (before)": DpAligner(
            DpConfig(groups, similarity="embed", embed=before), embedder
        ),
        "embed (no MT)": DpAligner(DpConfig(groups, similarity="embed"), embedder),
    }


def run_ntrex(data: Path, pairs: list[tuple[str, str]], groups: tuple, modes: list[str]) -> None:  # noqa: ANN001
    """Strict/lax F1 per language pair and aligner on the perturbed NTREX documents."""
    aligners = ntrex_modes(groups)
    ngram = DpAligner(DpConfig(groups))
    for src_lang, tgt_lang in pairs:
        docs = pair_set(data, src_lang, tgt_lang)
        n_src = sum(len(d.src) for d in docs)
        gold_groups = sum(len(d.gold) for d in docs)
        print(
            f"NTREX dev {src_lang}-{tgt_lang}: {len(docs)} documents, {n_src} x "
            f"{sum(len(d.tgt) for d in docs)} sentences, {gold_groups} gold groups"
        )
        for name, aligner in aligners.items():
            if modes and not any(name.startswith(m) for m in modes):
                continue
            total = Counts()
            with Clock() as clock:
                for d in docs:
                    if aligner is None:
                        pairs_ = ngram.align(d.src, d.tgt).pairs()
                    elif isinstance(aligner, GaleChurchAligner):
                        pairs_ = aligner.align(d.src, d.tgt).pairs()
                    else:
                        pairs_ = aligner.align(None, d.tgt, src=d.src).pairs()
                    total.add(count(pairs_, d.gold))
            result = scores(total)
            print(
                f"  {name:24} strict F1 {result.strict['f1']:.3f} "
                f"(P {result.strict['precision']:.3f}"
                f" R {result.strict['recall']:.3f}) | lax F1 {result.lax['f1']:.3f} | "
                f"{clock.wall:6.1f} s wall, {clock.cpu:6.1f} s CPU"
            )


class CountingEmbedder:
    """A fresh e5 embedder (empty cache) that counts texts and times each call: what a
    `mekong align` run pays, embedding apart from the search."""

    def __init__(self) -> None:
        self.inner = E5Embedder()
        self.texts = 0
        self.tokens_chars = 0
        self.clock = Clock()
        self.clock.wall = self.clock.cpu = 0.0

    def embed(self, texts):  # noqa: ANN001, ANN201
        todo = [t for t in dict.fromkeys(texts) if t not in self.inner._cache]
        self.texts += len(todo)
        self.tokens_chars += sum(len(t) for t in todo)
        with Clock() as c:
            rows = self.inner.embed(texts)
        self.clock.wall += c.wall
        self.clock.cpu += c.cpu
        return rows


def run_speed(data: Path, pair: tuple[str, str], groups: tuple) -> None:  # noqa: ANN001
    """Every NTREX dev line of a pair as one perturbed document (~1,000 lines a side), aligned
    without MT by `embed` with nothing cached, then by the n-gram mode of the source against
    the target; embedding and search timed apart."""
    src_docs, tgt_docs = documents(data, pair[0]), documents(data, pair[1])
    src = [t for d in src_docs for t in src_docs[d]]
    tgt = [t for d in tgt_docs for t in tgt_docs[d]]
    doc = perturb("all", src, tgt, f"{pair[0]}-{pair[1]}")
    embedder = CountingEmbedder()
    aligner = DpAligner(DpConfig(groups, similarity="embed"), embedder)
    with Clock() as total:
        result = aligner.align(None, doc.tgt, src=doc.src)
    e = embedder.clock
    f1 = scores(count(result.pairs(), doc.gold)).strict["f1"]
    print(
        f"speed {pair[0]}-{pair[1]} {len(doc.src)} x {len(doc.tgt)} sentences "
        f"({len(src)} lines a side), embed no MT: {total.wall:.1f} s wall, {total.cpu:.1f} s CPU; "
        f"embedding {embedder.texts} texts ({embedder.tokens_chars} chars) {e.wall:.1f} s wall, "
        f"{e.cpu:.1f} s CPU; search {total.wall - e.wall:.1f} s wall; strict F1 {f1:.3f}"
    )
    with Clock() as clock:
        DpAligner(DpConfig(groups)).align(doc.src, doc.tgt)
    print(
        f"speed ngram (source vs target) same document: {clock.wall:.2f} s wall, "
        f"{clock.cpu:.2f} s CPU"
    )


def synthetic(n: int, seed: int = 1) -> tuple[list[str], list[str]]:
    """A made-up document and a 'translation' with merges, splits, deletions and noise."""
    rng = random.Random(seed)
    words = [
        "".join(rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(rng.randint(2, 9)))
        for _ in range(3000)
    ]
    src = [" ".join(rng.choice(words) for _ in range(rng.randint(5, 30))) + " ." for _ in range(n)]
    tgt: list[str] = []
    k = 0
    while k < len(src):
        roll = rng.random()
        if roll < 0.05 and k + 1 < len(src):
            tgt.append(src[k] + " " + src[k + 1])
            k += 2
            continue
        if roll < 0.08:
            half = src[k].split()
            tgt += [" ".join(half[: len(half) // 2]), " ".join(half[len(half) // 2 :])]
        elif roll < 0.09:
            tgt.append(" ".join(rng.choice(words) for _ in range(12)))
            tgt.append(src[k])
        else:
            noisy = [w if rng.random() > 0.3 else rng.choice(words) for w in src[k].split()]
            tgt.append(" ".join(noisy))
        k += 1
    return src, tgt[:n] if len(tgt) > n else tgt


def tm_threshold(sentences: list[str], threshold: float, seed: int = 2) -> None:
    """What the TM's fuzzy threshold means on real sentences: how many one-word edits still
    match (wanted), and how many pairs of different sentences match (unwanted)."""
    from toolkit.tm import TmEntry, TranslationMemory

    rng = random.Random(seed)
    pool = [s for s in sentences if len(s.split()) >= 6]
    memory = TranslationMemory("de", threshold)
    for s in pool:
        memory.add("fr", TmEntry(s, "x", "bench", "aligned", "new"))
    vocab = sorted({w for s in pool for w in s.split() if w.isalpha()})
    by_length: dict[str, list[int]] = {"6-10 words": [0, 0], "11-20 words": [0, 0], "21+": [0, 0]}
    for s in pool:
        words = s.split()
        k = rng.randrange(len(words))
        words[k] = rng.choice(vocab)
        edited = " ".join(words)
        if edited == s:
            continue
        n = len(words)
        bucket = "6-10 words" if n <= 10 else ("11-20 words" if n <= 20 else "21+")
        found = memory.lookup(edited, "fr")
        by_length[bucket][0] += found is not None and found.entry.src_text == s
        by_length[bucket][1] += 1
    # unwanted: sentences of the other half of the document (all different) must not match
    half = TranslationMemory("de", threshold)
    for s in pool[0::2]:
        half.add("fr", TmEntry(s, "x", "bench", "aligned", "new"))
    queries = [s for s in pool[1::2] if s not in pool[0::2]]
    start = time.perf_counter()
    false = sum(half.lookup(s, "fr") is not None for s in queries)
    seconds = time.perf_counter() - start
    summary = ", ".join(f"{k}: {hit}/{total}" for k, (hit, total) in by_length.items())
    print(f"TM fuzzy >= {threshold}: one-word edits matched {summary}")
    print(
        f"TM fuzzy >= {threshold}: {false}/{len(queries)} different sentences matched; "
        f"{seconds / len(queries) * 1000:.1f} ms per lookup in {len(pool[0::2])} entries"
    )


def tm_scale(entries: int = 50_000, queries: int = 200) -> None:
    """Fuzzy lookups in a large memory (synthetic sentences): index build and lookup time."""
    from toolkit.tm import TmEntry, TranslationMemory

    sentences, _ = synthetic(entries, seed=5)
    memory = TranslationMemory("en")
    for s in sentences:
        memory.add("km", TmEntry(s, "x", "bench", "aligned", "new"))
    rng = random.Random(6)
    probes = []
    for s in rng.sample(sentences, queries):
        words = s.split()
        words[rng.randrange(len(words))] = "changed"
        probes.append(" ".join(words))
    with Clock() as build:
        memory.lookup(probes[0], "km")
    with Clock() as clock:
        found = sum(memory.lookup(p, "km") is not None for p in probes[1:])
    print(
        f"TM with {len(memory)} entries: index {build.wall:.1f} s once, "
        f"{clock.wall / (queries - 1) * 1000:.1f} ms per fuzzy lookup ({found}/{queries - 1} found)"
    )


def textberg_variants() -> dict[str, DpConfig]:
    """Issue 19 round 4: variants of the Text+Berg attempts table (bench/README.md), each run on
    both MT files: concatenated-group embeddings, the signal weights of `both`, and the n-gram
    mode's member-weighted size (`DpConfig.member_size`); default groups and DP parameters
    unless named. (The focus search with MT was measured at commit eb97e8d.)"""
    sums = EmbedConfig(focus=1)
    out: dict[str, DpConfig] = {
        "embed, sums (focus 1)": DpConfig(similarity="embed", embed=sums),
        "both, sums (focus 1)": DpConfig(similarity="both", embed=sums),
    }
    for cross, mt in ((0.35, 0.0), (0.5, 0.0), (0.7, 0.0), (0.5, 0.2), (0.2, 0.2), (0.5, 0.5)):
        e = EmbedConfig(focus=1, cross=cross, mt=mt)
        out[f"both, sums, cross {cross} mt {mt}"] = DpConfig(similarity="both", embed=e)
    for concat in (2, 3, 4):
        for cross, mt in ((0.35, 0.35), (0.35, 0.0), (0.5, 0.5)):
            e = EmbedConfig(focus=1, concat=concat, cross=cross, mt=mt)
            for sim in ("both", "embed"):
                out[f"{sim}, concat {concat}, cross {cross} mt {mt}"] = DpConfig(
                    similarity=sim, embed=e
                )
    for size in (0.0, 0.05, 0.1, 0.15, 0.2, 0.3):
        for weight, merge in ((0.5, 0.05), (0.5, 0.03), (0.7, 0.05), (0.7, 0.08)):
            name = f"ngram, member size {size}, sw {weight} merge {merge}"
            out[name] = DpConfig(member_size=size, size_weight=weight, merge_penalty=merge)
    return out


def run_variants(de: list[str], fr: list[str], gold, mts: dict[str, list[str]]) -> None:  # noqa: ANN001
    """strict/lax F1 of every `textberg_variants` config with each MT (vectors from the disk
    cache, so no time is reported); then `embed` without MT (cross-lingual only)."""
    embedder = DiskCachedEmbedder(E5Embedder())
    pairs = [(g.src, g.tgt) for g in gold]
    for name, config in textberg_variants().items():
        cells = []
        for mt in mts.values():
            result = DpAligner(config, embedder).align(mt, fr, src=de)
            sc = scores(count(result.pairs(), pairs))
            cells.append(f"{sc.strict['f1']:.3f}/{sc.lax['f1']:.3f}")
        print(f"variant {name:44} " + "  ".join(cells))
    result = DpAligner(DpConfig(similarity="embed"), embedder).align(None, fr, src=de)
    sc = scores(count(result.pairs(), pairs))
    print(f"variant {'embed without MT (default)':44} {sc.strict['f1']:.3f}/{sc.lax['f1']:.3f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--groups", default=",".join(f"{a}-{b}" for a, b in DEFAULT_GROUPS))
    parser.add_argument("--no-speed", action="store_true")
    parser.add_argument(
        "--no-embed", action="store_true", help="skip the embedding modes (~2 min of e5 each MT)"
    )
    parser.add_argument("--set", choices=("textberg", "ntrex", "speed", "all"), default="all")
    parser.add_argument("--ntrex", type=Path, default=DEFAULT_NTREX)
    parser.add_argument("--pairs", default=",".join(f"{a}-{b}" for a, b in PAIRS))
    parser.add_argument("--modes", default="", help="NTREX aligners whose name starts so (comma)")
    parser.add_argument(
        "--variants",
        action="store_true",
        help="Text+Berg: only the embedding variants of the attempts table (disk-cached e5)",
    )
    args = parser.parse_args()
    if args.set == "speed":
        for pair in args.pairs.split(","):
            run_speed(args.ntrex, tuple(pair.split("-")), parse_groups(args.groups))
        return
    if args.set in ("ntrex", "all"):
        pairs = [tuple(p.split("-")) for p in args.pairs.split(",")]
        modes = [m for m in args.modes.split(",") if m]
        run_ntrex(args.ntrex, pairs, parse_groups(args.groups), modes)
        if args.set == "ntrex":
            return
    data: Path = args.data
    de, fr = lines(data / "dev.de"), lines(data / "dev.fr")
    gold = read_alignment(data / "dev.defr")
    print(f"Text+Berg dev: {len(de)} de x {len(fr)} fr sentences, {len(gold)} gold groups")
    groups = parse_groups(args.groups)
    if args.variants:
        mts = {m: lines(data / f"dev.de.mt-{m}.fr") for m in ("google", "europarl")}
        run_variants(de, fr, gold, mts)
        return
    aligner = DpAligner(DpConfig(groups=groups))
    for mt_name in ("google", "europarl"):
        mt = lines(data / f"dev.de.mt-{mt_name}.fr")
        with Clock() as clock:
            result = aligner.align(mt, fr)
        report(f"mekong ngram ({mt_name} MT)", result.groups, gold, clock, len(de))
        if args.no_embed:
            continue
        embedder = E5Embedder()  # a fresh cache: the embedding time is part of each figure
        with Clock() as embedding:
            embedder.embed([*de, *mt, *fr])
        for mode in ("embed", "both"):
            moded = DpAligner(DpConfig(groups=groups, similarity=mode), embedder)
            with Clock() as clock:
                result = moded.align(mt, fr, src=de)
            report(f"mekong {mode} ({mt_name} MT)", result.groups, gold, clock, len(de), embedding)
        sentences = len(de) + len(mt) + len(fr)
        print(
            f"  e5 embedding of {sentences} sentences (de, MT, fr): {embedding.wall:.1f} s wall, "
            f"{embedding.cpu:.1f} s CPU ({embedding.wall / sentences * 1000:.0f} ms per sentence)"
        )
    with Clock() as clock:
        baseline = GaleChurchAligner().align(de, fr)
    report("gale-church", baseline.groups, gold, clock, len(de))
    tm_threshold(de, 0.85)
    if args.no_speed:
        return
    tm_scale()
    src, tgt = synthetic(1000)
    with Clock() as clock:
        result = aligner.align(src, tgt)
    groups = len(result.groups)
    print(
        f"synthetic {len(src)} x {len(tgt)}: mekong {clock.wall:.2f} s wall, "
        f"{clock.cpu:.2f} s CPU ({groups} groups)"
    )


if __name__ == "__main__":
    main()
