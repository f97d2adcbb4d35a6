"""Retrain the Thai sentence-boundary model shipped as toolkit/data/th-sentence-model.json.gz.

Training text: runs of consecutive gold sentences of UD Thai-TUD train, joined with a space;
every whitespace run inside a run is an example (boundary or not). Averaged perceptron over
`toolkit.segment.th.space_features`. On a 90/10 split of train, the last 10% tunes the
decoder: a logistic calibration of the scores, then a small grid over the weight of the
sentence-length prior and the per-cut offset, scored by boundary F1 with the shipped decoder
(`toolkit.segment.th.best_cuts`); the per-space threshold is kept as the fallback. Then the
weights are refitted on all of train. Dev stays untouched (it is the benchmark's held-out
set). The model inherits the treebank's licence: CC BY-SA 4.0.

    python bench/train_thai_segmenter.py [--tud ../shared/eval/thai-tud] [--epochs 8]
"""

from __future__ import annotations

import argparse
import gzip
import json
import math
import random
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from toolkit.segment.th import (  # noqa: E402
    MODEL_FILE,
    ThaiModel,
    best_cuts,
    space_features,
)

Example = tuple[list[str], bool]
Run = tuple[str, set[int]]  # text, offsets of the spaces that join two sentences


def make_runs(sentences: list[str], seed: int, passes: int) -> list[Run]:
    """Join random-length runs (1-12) of consecutive sentences with one space."""
    rng = random.Random(seed)
    runs: list[Run] = []
    for _ in range(passes):
        i = 0
        while i < len(sentences):
            n = rng.randint(1, 12)
            run = sentences[i : i + n]
            i += n
            joins = set()
            pos = 0
            for sent in run[:-1]:
                pos += len(sent)
                joins.add(pos)
                pos += 1
            runs.append((" ".join(run), joins))
    return runs


def spaces_of(text: str) -> list[tuple[int, int]]:
    """Whitespace runs strictly inside the text."""
    found = []
    for j, ch in enumerate(text):
        if ch == " " and 0 < j < len(text) - 1 and text[j - 1] != " ":
            end = j
            while end < len(text) and text[end] == " ":
                end += 1
            found.append((j, end))
    return found


def make_examples(sentences: list[str], seed: int, passes: int) -> list[Example]:
    """Label every whitespace run of random-length runs of consecutive sentences."""
    return [
        (space_features(text, j, end), j in joins)
        for text, joins in make_runs(sentences, seed, passes)
        for j, end in spaces_of(text)
    ]


def train(examples: list[Example], epochs: int, seed: int) -> dict[str, float]:
    """Averaged perceptron (the averaged weights generalise much better than the last ones)."""
    weights: dict[str, float] = defaultdict(float)
    totals: dict[str, float] = defaultdict(float)
    stamps: dict[str, int] = defaultdict(int)
    rng = random.Random(seed)
    step = 0
    order = list(range(len(examples)))
    for _ in range(epochs):
        rng.shuffle(order)
        for idx in order:
            feats, gold = examples[idx]
            step += 1
            guess = sum(weights.get(f, 0.0) for f in feats) > 0
            if guess != gold:
                delta = 1.0 if gold else -1.0
                for f in feats:
                    totals[f] += (step - stamps[f]) * weights[f]
                    stamps[f] = step
                    weights[f] += delta
    for f in weights:
        totals[f] += (step - stamps[f]) * weights[f]
    return {f: totals[f] / step for f in weights if abs(totals[f] / step) > 1e-4}


def best_threshold(weights: dict[str, float], examples: list[Example]) -> tuple[float, float]:
    scored = sorted(
        ((sum(weights.get(f, 0.0) for f in feats), gold) for feats, gold in examples),
        reverse=True,
    )
    positives = sum(g for _, g in scored)
    best = (0.0, 0.0)
    tp = 0
    for rank, (score, gold) in enumerate(scored, 1):
        tp += gold
        f1 = 2 * tp / (rank + positives)
        if f1 > best[0]:
            next_score = scored[rank][0] if rank < len(scored) else score - 1
            best = (f1, (score + next_score) / 2)
    return best


def calibrate(pairs: list[tuple[float, bool]], steps: int = 2000) -> tuple[float, float]:
    """Logistic fit p(boundary) = sigmoid(a * score + b) by gradient descent."""
    a, b = 0.1, 0.0
    scale = max(1e-9, sum(abs(s) for s, _ in pairs) / len(pairs))
    for _ in range(steps):
        ga = gb = 0.0
        for score, gold in pairs:
            q = 1 / (1 + math.exp(-max(-50.0, min(50.0, a * score + b)))) - gold
            ga += q * score
            gb += q
        a -= 0.5 * ga / len(pairs) / scale / scale
        b -= 0.5 * gb / len(pairs)
    return a, b


def tune_decoding(
    weights: dict[str, float], runs: list[Run], sentences: list[str]
) -> tuple[float, dict[str, float]]:
    """Calibration, then the grid point of (length weight, offset) with the best F1."""
    scored = []
    for text, joins in runs:
        spaces = [
            (j, e, sum(weights.get(f, 0.0) for f in space_features(text, j, e)))
            for j, e in spaces_of(text)
        ]
        scored.append((text, joins, spaces))
    a, b = calibrate([(sc, j in joins) for _, joins, sp in scored for j, _, sc in sp])
    logs = [math.log(len(s)) for s in sentences]
    mu = sum(logs) / len(logs)
    sigma = math.sqrt(sum((x - mu) ** 2 for x in logs) / len(logs))
    best: tuple[float, dict[str, float]] = (-1.0, {})
    for length_weight in (0.0, 0.1, 0.25, 0.5, 1.0):
        for bias in (-0.5, 0.0, 0.5, 1.0, 1.5, 2.0, 3.0):
            params = {
                "scale": a,
                "offset": b + bias,
                "length_weight": length_weight,
                "mu": mu,
                "sigma": sigma,
            }
            model = ThaiModel({}, 0.0, 0, **params)
            tp = n_pred = n_gold = 0
            for text, joins, spaces in scored:
                cuts = set(best_cuts(model, 0, len(text), spaces))
                tp += len(cuts & joins)
                n_pred += len(cuts)
                n_gold += len(joins)
            f1 = 2 * tp / max(1, n_pred + n_gold)
            if f1 > best[0]:
                best = (f1, {k: round(v, 4) for k, v in params.items()})
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tud", type=Path, default=ROOT.parent.parent / "shared/eval/thai-tud")
    parser.add_argument("--epochs", type=int, default=8)
    parser.add_argument("--out", type=Path, default=ROOT / "toolkit/data" / MODEL_FILE)
    args = parser.parse_args()
    if not (args.tud / "th_tud-train.sentences.txt").exists():
        args.tud = Path("/work/shared/eval/thai-tud")
    lines = (args.tud / "th_tud-train.sentences.txt").read_text(encoding="utf-8").splitlines()
    sentences = [" ".join(s.split()) for s in lines if s.strip()]
    cut = int(len(sentences) * 0.9)
    tune_weights = train(make_examples(sentences[:cut], 1, 4), args.epochs, 1)
    f1, threshold = best_threshold(tune_weights, make_examples(sentences[cut:], 2, 4))
    print(f"tuning split: F1 {f1:.3f} at threshold {threshold:.3f}")
    f1_global, decoding = tune_decoding(tune_weights, make_runs(sentences[cut:], 2, 2), sentences)
    print(f"tuning split: F1 {f1_global:.3f} with global decoding {decoding}")
    weights = train(make_examples(sentences, 3, 4), args.epochs, 3)
    model = {
        "about": "Thai sentence-boundary model (averaged perceptron over whitespace runs)",
        "licence": "CC BY-SA 4.0, derived from UD Thai-TUD (train sentences)",
        "retrain": "python bench/train_thai_segmenter.py",
        "threshold": round(threshold, 4),
        "decoding": decoding,
        "weights": {f: round(w, 4) for f, w in sorted(weights.items()) if round(w, 4)},
    }
    data = json.dumps(model, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    args.out.write_bytes(gzip.compress(data, mtime=0))
    print(f"{len(model['weights'])} features -> {args.out} ({args.out.stat().st_size} bytes)")


if __name__ == "__main__":
    main()
