"""Build the toy test model: a small M2M100 *trained* on sentences the project wrote.

The random tiny model has no preferences, so any way of forcing a glossary term "works" on it.
The toy model has some: it ends its sentences and renders each institution its own way (the
form its corpus uses most), so a benchmark can see where a forced term lands, whether the
model's own rendering stays beside it and whether the output still ends. It is a test model:
its output is marked like the tiny model's and is not a translation service.

Corpus: `data/toy-corpus.tsv` (templates with a term slot, in en km lo th vi) and
`data/toy-terms.tsv` (per term, the model's own rendering and a plausible other one), both
written for this project; every template x term, in both directions between English and
each of km, lo, th, vi.
"""

from __future__ import annotations

import csv
import io
import random
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from toolkit import languages
from toolkit.engines.tiny import TinySpec

TARGETS = ("km", "lo", "th", "vi")
SLOT = "{T}"


@dataclass(frozen=True)
class ToySpec(TinySpec):
    """Model shape (the tiny model's fields, larger) and training budget.

    `small()` is the variant the tests build.
    """

    vocab_size: int = 1600
    d_model: int = 128
    layers: int = 3
    ffn: int = 512
    steps: int = 3000
    batch_size: int = 48
    lr: float = 2e-3
    warmup: int = 200
    own_weight: int = 3  # the own rendering appears this many times per alternative
    templates: int | None = None  # first N templates only (None: all)
    terms: int | None = None  # first N terms only

    @classmethod
    def small(cls) -> ToySpec:
        return cls(d_model=96, layers=2, ffn=256, steps=700, templates=10, terms=4)


@dataclass(frozen=True)
class ToyTerm:
    term_id: str
    en: str
    own: dict[str, str]  # lang -> the rendering the corpus uses most
    alt: dict[str, str]  # lang -> the other rendering


@dataclass(frozen=True)
class Pair:
    src_lang: str
    tgt_lang: str
    src: str
    tgt: str
    term_id: str | None = None


def _rows(name: str) -> list[dict[str, str]]:
    text = resources.files("toolkit").joinpath(f"data/{name}").read_text("utf-8")
    body = "\n".join(line for line in text.splitlines() if line and not line.startswith("#"))
    return list(csv.DictReader(io.StringIO(body), delimiter="\t", quoting=csv.QUOTE_NONE))


def toy_terms(limit: int | None = None) -> list[ToyTerm]:
    rows = _rows("toy-terms.tsv")[:limit]
    return [
        ToyTerm(
            r["id"],
            r["en"],
            {lang: r[lang] for lang in TARGETS},
            {lang: r[f"{lang}_alt"] for lang in TARGETS},
        )
        for r in rows
    ]


def toy_templates(limit: int | None = None) -> tuple[list[dict[str, str]], list[dict[str, str]]]:
    """(templates with a term slot, plain sentences) from the corpus file."""
    rows = _rows("toy-corpus.tsv")
    slotted = [r for r in rows if SLOT in r["en"]][:limit]
    plain = [r for r in rows if SLOT not in r["en"]]
    return slotted, plain


def fill(template: str, term: str) -> str:
    return template.replace(SLOT, term)


def toy_pairs(spec: ToySpec) -> list[Pair]:
    """Every template x term in both directions, the own rendering `own_weight` times as often."""
    slotted, plain = toy_templates(spec.templates)
    pairs: list[Pair] = []
    for lang in TARGETS:
        for row in plain:
            pairs += [
                Pair("en", lang, row["en"], row[lang]),
                Pair(lang, "en", row[lang], row["en"]),
            ]
        for row in slotted:
            for term in toy_terms(spec.terms):
                en = fill(row["en"], term.en)
                own = fill(row[lang], term.own[lang])
                alt = fill(row[lang], term.alt[lang])
                pairs += [Pair("en", lang, en, own, term.term_id)] * spec.own_weight
                pairs += [Pair("en", lang, en, alt, term.term_id)]
                pairs += [Pair(lang, "en", own, en, term.term_id), Pair(lang, "en", alt, en)]
    return pairs


def _tokenizer_lines(pairs: list[Pair]) -> list[str]:
    return sorted({p.src for p in pairs} | {p.tgt for p in pairs})


def build_toy(
    out_dir: Path, spec: ToySpec | None = None, log: Callable[[str], None] | None = None
) -> Path:
    """Train the tokenizer and the model on the toy corpus and save them into `out_dir`."""
    import torch

    from toolkit.engines.tiny import random_model, save_test_model, train_tokenizer
    from toolkit.engines.transformers_engine import _quiet_transformers

    spec = spec or ToySpec()
    _quiet_transformers()
    pairs = toy_pairs(spec)
    started = time.monotonic()
    threads = torch.get_num_threads()
    # one thread: matrices this small gain little from a second one, and on a busy 2-core
    # machine two threads spin against each other (full build: 9m52s CPU on one thread at
    # load 5, 30m54s on two at a similar load)
    torch.set_num_threads(1)
    try:
        with tempfile.TemporaryDirectory() as tmp:
            lines = _tokenizer_lines(pairs)
            tokenizer, spm_file = train_tokenizer(lines, spec.vocab_size, Path(tmp))
            model = random_model(tokenizer, spec)  # type: ignore[arg-type]  # same fields
            loss = train(model, tokenizer, pairs, spec, log)
            marker = {
                "kind": "toy",
                "note": "toy model trained by `mekong models build-toy` on sentences written "
                "for the project; its output is not a translation service",
                "spec": asdict(spec),
                "final_loss": round(loss, 4),
                "train_seconds": round(time.monotonic() - started, 1),
                "pairs": len(pairs),
            }
            return save_test_model(out_dir, model.eval(), tokenizer, spm_file, marker)
    finally:
        torch.set_num_threads(threads)


def _encode_batch(tokenizer: Any, batch: list[Pair]) -> dict[str, Any]:
    """One direction per batch (the tokenizer's src/tgt language codes are per call)."""
    first = batch[0]
    tokenizer.src_lang = languages.get(first.src_lang).nllb
    tokenizer.tgt_lang = languages.get(first.tgt_lang).nllb
    enc = tokenizer(
        [p.src for p in batch],
        text_target=[p.tgt for p in batch],
        return_tensors="pt",
        padding=True,
    )
    labels = enc["labels"]
    labels[labels == tokenizer.pad_token_id] = -100
    return dict(enc)


def _batches(pairs: list[Pair], size: int, rng: random.Random) -> list[list[Pair]]:
    by_direction: dict[tuple[str, str], list[Pair]] = {}
    for p in pairs:
        by_direction.setdefault((p.src_lang, p.tgt_lang), []).append(p)
    batches = []
    for group in by_direction.values():
        rng.shuffle(group)
        batches += [group[i : i + size] for i in range(0, len(group), size)]
    rng.shuffle(batches)
    return batches


def train(
    model: Any, tokenizer: Any, pairs: list[Pair], spec: ToySpec, log: Callable[[str], None] | None
) -> float:
    """AdamW with linear warm-up and decay, label smoothing; returns the last mean loss."""
    import torch

    torch.manual_seed(spec.seed)
    rng = random.Random(spec.seed)
    model.train()
    optim = torch.optim.AdamW(model.parameters(), lr=spec.lr, weight_decay=0.01)
    sched = torch.optim.lr_scheduler.LambdaLR(
        optim,
        lambda s: min(1.0, (s + 1) / spec.warmup) * max(0.05, 1 - s / spec.steps),
    )
    loss_fn = torch.nn.CrossEntropyLoss(ignore_index=-100, label_smoothing=0.1)
    step, recent = 0, []
    while step < spec.steps:
        for batch in _batches(pairs, spec.batch_size, rng):
            enc = _encode_batch(tokenizer, batch)
            logits = model(
                **{k: v for k, v in enc.items() if k != "labels"}, labels=enc["labels"]
            ).logits
            loss = loss_fn(logits.view(-1, logits.shape[-1]), enc["labels"].view(-1))
            optim.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            optim.step()
            sched.step()
            recent = (recent + [float(loss.detach())])[-50:]
            step += 1
            if log and step % 100 == 0:
                log(f"step {step}/{spec.steps} loss {sum(recent) / len(recent):.3f}")
            if step >= spec.steps:
                break
    return sum(recent) / max(1, len(recent))
