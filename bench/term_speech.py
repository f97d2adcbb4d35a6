"""A speech the toy model never saw, with the shipped glossary: presence and no filler.

Per engine and target: every forced term present in the constrained output, and how many
segments come out longer than the unconstrained output plus the length of the terms forced
into them (filler). The toy model cannot translate the speech (TEST MODEL): this shows what
enforcement does to length and presence, not quality. Glossary forms the toy tokenizer cannot
encode are left out (the CLI would refuse them).

    python bench/term_speech.py --model models/toy-nllb [--file samples/speech-en.md]
        [--engines transformers,ctranslate2] [--beams 1,4]
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

from toolkit import documents
from toolkit.engines import TermConstraint, load_engine
from toolkit.engines.constraints import encode_forms
from toolkit.glossary import load_glossary
from toolkit.segment import segment

ROOT = Path(__file__).resolve().parent.parent


def usable(engine, cons: list[TermConstraint]) -> list[TermConstraint]:
    forms = {f for c in cons for f in (*c.required, *c.forbidden)}
    ok = encode_forms(engine.tokenizer, forms).seqs
    out = []
    for c in cons:
        req = tuple(f for f in c.required if f in ok)
        if req:
            out.append(
                TermConstraint(c.term_id, req, tuple(f for f in c.forbidden if f in ok), c.source)
            )
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default="models/toy-nllb")
    parser.add_argument("--file", default=str(ROOT / "samples" / "speech-en.md"))
    parser.add_argument("--tgts", default="km,lo,th,vi")
    parser.add_argument("--beams", default="1,4")
    parser.add_argument("--limit", type=int, default=0, help="first N segments only")
    parser.add_argument("--engines", default="transformers,ctranslate2")
    args = parser.parse_args()
    glossary = load_glossary(ROOT / "glossaries" / "legal-institutional.tsv")
    texts = [s.text for s in segment(documents.read(args.file), "en")]
    texts = texts[: args.limit] if args.limit else texts
    hits = [glossary.match(t, "en") for t in texts]
    print(f"{args.file}: {len(texts)} segments; model {args.model} (TEST MODEL)")
    print("| engine | beam | tgt | terms forced | present | segments with filler |")
    print("|---|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as tmp:
        for name in args.engines.split(","):
            model = args.model
            if name == "ctranslate2":
                from toolkit.engines.convert import convert_model
                from toolkit.models import resolve

                model = str(convert_model(resolve(args.model), Path(tmp) / "c", "float32", True))
            for beam in map(int, args.beams.split(",")):
                engine = load_engine(name, model, beam_size=beam, device="cpu", threads=1)
                for tgt in args.tgts.split(","):
                    cons = [usable(engine, glossary.constraints(h, tgt)) for h in hits]
                    free = engine.translate(texts, "en", tgt)
                    hyps = engine.translate(texts, "en", tgt, constraints=cons)
                    forced = sum(len(c) for c in cons)
                    found = sum(
                        any(f in h.text for f in c.required)
                        for h, cs in zip(hyps, cons, strict=True)
                        for c in cs
                    )
                    filler = sum(
                        len(h.text) > len(f.text) + sum(len(c.required[0]) + 1 for c in cs)
                        for f, h, cs in zip(free, hyps, cons, strict=True)
                        if cs
                    )
                    print(
                        f"| {name} | {beam} | {tgt} | {forced} | {found} | {filler} |", flush=True
                    )


if __name__ == "__main__":
    main()
