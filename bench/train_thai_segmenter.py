"""Retrain the Thai sentence-boundary model shipped as toolkit/data/th-sentence-model.json.gz.

Training text: runs of consecutive gold sentences of UD Thai-TUD train, joined with a space;
every whitespace run inside a run is an example (boundary or not). Averaged perceptron over
`toolkit.segment.th.space_features`; the decision threshold is tuned for boundary F1 on the
last 10% of train, then the model is refitted on all of train. Dev stays untouched (it is
the benchmark's held-out set). The model inherits the treebank's licence: CC BY-SA 4.0.

    python bench/train_thai_segmenter.py [--tud ../shared/eval/thai-tud] [--epochs 8]
"""

from __future__ import annotations

import argparse
import gzip
import json
import random
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from toolkit.segment.th import MODEL_FILE, space_features  # noqa: E402

Example = tuple[list[str], bool]


def make_examples(sentences: list[str], seed: int, passes: int) -> list[Example]:
    """Join random-length runs of consecutive sentences; label every whitespace run."""
    rng = random.Random(seed)
    examples: list[Example] = []
    for _ in range(passes):
        i = 0
        while i < len(sentences):
            n = rng.randint(1, 12)
            run = sentences[i : i + n]
            i += n
            text = " ".join(run)
            joins = set()
            pos = 0
            for sent in run[:-1]:
                pos += len(sent)
                joins.add(pos)
                pos += 1
            for j, ch in enumerate(text):
                if ch == " " and 0 < j < len(text) - 1 and text[j - 1] != " ":
                    end = j
                    while end < len(text) and text[end] == " ":
                        end += 1
                    examples.append((space_features(text, j, end), j in joins))
    return examples


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
    weights = train(make_examples(sentences, 3, 4), args.epochs, 3)
    model = {
        "about": "Thai sentence-boundary model (averaged perceptron over whitespace runs)",
        "licence": "CC BY-SA 4.0, derived from UD Thai-TUD (train sentences)",
        "retrain": "python bench/train_thai_segmenter.py",
        "threshold": round(threshold, 4),
        "weights": {f: round(w, 4) for f, w in sorted(weights.items()) if round(w, 4)},
    }
    data = json.dumps(model, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    args.out.write_bytes(gzip.compress(data, mtime=0))
    print(f"{len(model['weights'])} features -> {args.out} ({args.out.stat().st_size} bytes)")


if __name__ == "__main__":
    main()
