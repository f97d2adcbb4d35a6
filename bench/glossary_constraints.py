"""Benchmark: cost and term success of glossary-constrained decoding with the tiny test model.

Builds the random-weight tiny model (tokenizer covering the shipped glossary), writes English
sentences from templates filled with glossary terms, and translates them into km, lo, th and vi
with and without constraints (alternating runs, median of --repeat). Prints seconds per run,
the constrained/unconstrained ratio, and term success (found/total) for both.
The model is random: its output is meaningless; only cost and term presence are measured.

    python bench/glossary_constraints.py --sentences 40 --beam 4 --repeat 3 --threads 1
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

TEMPLATES = [
    "On behalf of the {inst}, the {title} thanked {acr} for its support on {law}.",
    "The {inst} and the {inst2} met in {place} to discuss {law}.",
    "{title} of the {inst}, distinguished guests, ladies and gentlemen, good morning.",
    "We will work with {acr} and the {inst} on {law} and {law2} across the region.",
    "Thank you for your attention.",
]


def sentences(glossary, n: int, seed: int = 1) -> list[str]:  # noqa: ANN001
    rng = random.Random(seed)
    by_type: dict[str, list[str]] = {}
    for c in glossary.concepts:
        by_type.setdefault(c.type, []).append(c.preferred("en"))
    pick = {
        "inst": lambda: rng.choice(by_type["institution"]),
        "inst2": lambda: rng.choice(by_type["institution"]),
        "title": lambda: rng.choice(by_type["title"]),
        "acr": lambda: rng.choice(by_type["acronym"]),
        "law": lambda: rng.choice(by_type["law"]),
        "law2": lambda: rng.choice(by_type["law"]),
        "place": lambda: rng.choice(by_type["place"]),
    }
    out = []
    for i in range(n):
        template = TEMPLATES[i % len(TEMPLATES)]
        out.append(template.format(**{k: f() for k, f in pick.items()}))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sentences", type=int, default=40)
    parser.add_argument("--beam", type=int, default=4)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--targets", default="km,lo,th,vi")
    parser.add_argument("--model", type=Path, default=None, help="tiny model folder (else built)")
    args = parser.parse_args()

    import torch

    torch.set_num_threads(args.threads)
    from toolkit.engines import load_engine
    from toolkit.engines.tiny import build_tiny
    from toolkit.glossary import load_glossary

    shipped = ROOT / "glossaries" / "legal-institutional.tsv"
    glossary = load_glossary(shipped)
    model = args.model
    if model is None:
        model = Path(tempfile.mkdtemp()) / "tiny-nllb"
        build_tiny(model, extra_files=[shipped])
    engine = load_engine("transformers", str(model), beam_size=args.beam, device="cpu")
    texts = sentences(glossary, args.sentences)
    hits = [glossary.match(t, "en") for t in texts]
    print(
        f"{len(texts)} sentences, {sum(map(len, hits))} term hits, beam {args.beam}, "
        f"threads {args.threads}  [TEST MODEL: random weights, output meaningless]"
    )
    head = f"{'tgt':4} {'plain s':>8} {'forced s':>9} {'ratio':>6} {'cpu ratio':>9}"
    print(f"{head} {'plain terms':>12} {'forced terms':>13}")
    ratios = []
    for tgt in args.targets.split(","):
        cons = [glossary.constraints(h, tgt) for h in hits]
        plain_t, forced_t, plain_c, forced_c = [], [], [], []
        plain = forced = None
        engine.translate(texts[:4], "en", tgt)  # warm-up
        for _ in range(args.repeat):
            start, cpu = time.perf_counter(), time.process_time()
            plain = engine.translate(texts, "en", tgt)
            plain_t.append(time.perf_counter() - start)
            plain_c.append(time.process_time() - cpu)
            start, cpu = time.perf_counter(), time.process_time()
            forced = engine.translate(texts, "en", tgt, constraints=cons)
            forced_t.append(time.perf_counter() - start)
            forced_c.append(time.process_time() - cpu)

        def success(hyps, tgt=tgt):  # noqa: ANN001, ANN202
            pairs = zip(hits, hyps, strict=True)
            checks = [c for h, y in pairs for c in glossary.verify(y.text, h, tgt)]
            return f"{sum(c.found for c in checks)}/{len(checks)}"

        p, f = statistics.median(plain_t), statistics.median(forced_t)
        cpu_ratio = statistics.median(forced_c) / statistics.median(plain_c)
        ratios.append((f / p, cpu_ratio))
        print(
            f"{tgt:4} {p:8.2f} {f:9.2f} {f / p:6.2f} {cpu_ratio:9.2f} "
            f"{success(plain):>12} {success(forced):>13}"
        )
    wall = statistics.mean(r[0] for r in ratios)
    cpu = statistics.mean(r[1] for r in ratios)
    print(f"mean ratio: wall {wall:.2f}, cpu {cpu:.2f}")


if __name__ == "__main__":
    main()
