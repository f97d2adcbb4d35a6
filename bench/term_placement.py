"""Where does a forced glossary term land? Measured with the toy test model on both engines.

On toy-corpus sentences the toy model translates exactly (its own rendering of the institution),
the glossary asks for the *other* rendering. Per engine and beam it reports:
- presence: the glossary form is in the output;
- chrF against the expected output (the unconstrained output with the model's own rendering
  replaced by the glossary form), 0-100;
- duplication: the model's own rendering is still in the output beside the forced one;
- length ratio constrained / expected (mean, max, share above 1.25);
- time ratio constrained / unconstrained.

    python bench/term_placement.py --model models/toy-nllb [--beams 1,4] [--limit 40]

Build the model first: `mekong models build-toy models/toy-nllb`. All figures come from a TEST
MODEL trained on sentences written for the project; they show placement, not quality.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from sacrebleu.metrics import CHRF

from toolkit.engines import TermConstraint, load_engine
from toolkit.engines.spans import present
from toolkit.engines.toy import TARGETS, ToySpec, toy_pairs, toy_terms


@dataclass
class Case:
    lang: str
    src: str
    own: str  # the model's own rendering, in its unconstrained output
    form: str  # the glossary form asked for
    term_id: str
    src_term: str = ""  # the English name in the source
    expected: str = ""


def cases(engine, limit: int) -> list[Case]:
    """Sentences the model translates exactly with its own rendering, per target language."""
    terms = {t.term_id: t for t in toy_terms()}
    out: list[Case] = []
    for lang in TARGETS:
        seen: dict[str, str] = {}
        for p in toy_pairs(ToySpec()):
            if p.src_lang == "en" and p.tgt_lang == lang and p.term_id and p.src not in seen:
                seen[p.src] = p.term_id
        srcs = list(seen)[:limit]
        hyps = engine.translate(srcs, "en", lang)
        for src, hyp in zip(srcs, hyps, strict=True):
            term = terms[seen[src]]
            if term.own[lang] in hyp.text:
                case = Case(lang, src, term.own[lang], term.alt[lang], term.term_id, term.en)
                case.expected = hyp.text.replace(term.own[lang], term.alt[lang])
                out.append(case)
    return out


def _best_time(call, repeats: int, *args, **kwargs) -> float:
    """The fastest of `repeats` runs: calls of a few milliseconds on a shared machine are
    otherwise mostly noise."""
    best = float("inf")
    for _ in range(repeats):
        present.cache_clear()  # no run profits from an earlier one's "term present" answers
        start = time.perf_counter()
        call(*args, **kwargs)
        best = min(best, time.perf_counter() - start)
    return best


def run(engine, selected: list[Case], repeats: int = 3) -> dict[str, float]:
    chrf = CHRF()
    t_plain = t_forced = 0.0
    present = dup = over = 0
    ratios: list[float] = []
    scores: list[float] = []
    for lang in TARGETS:
        group = [c for c in selected if c.lang == lang]
        if not group:
            continue
        srcs = [c.src for c in group]
        cons = [[TermConstraint(c.term_id, (c.form,), source=c.src_term)] for c in group]
        t_plain += _best_time(engine.translate, repeats, srcs, "en", lang)
        t_forced += _best_time(engine.translate, repeats, srcs, "en", lang, constraints=cons)
        hyps = engine.translate(srcs, "en", lang, constraints=cons)
        for case, hyp in zip(group, hyps, strict=True):
            present += case.form in hyp.text
            dup += case.own in hyp.text
            ratio = len(hyp.text) / max(1, len(case.expected))
            ratios.append(ratio)
            over += ratio > 1.25
            scores.append(chrf.sentence_score(hyp.text, [case.expected]).score)
    n = max(1, len(ratios))
    return {
        "n": len(ratios),
        "presence": 100 * present / n,
        "chrf": sum(scores) / n,
        "dup": 100 * dup / n,
        "len_mean": sum(ratios) / n,
        "len_max": max(ratios, default=0.0),
        "over_1_25": 100 * over / n,
        "time_ratio": t_forced / max(t_plain, 1e-9),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default="models/toy-nllb")
    parser.add_argument("--beams", default="1,4")
    parser.add_argument("--engines", default="transformers,ctranslate2")
    parser.add_argument("--limit", type=int, default=40, help="source sentences per language")
    parser.add_argument("--repeats", type=int, default=3, help="timed runs, the fastest kept")
    parser.add_argument(
        "--two-rounds",
        action="store_true",
        help="transformers: the losing two-round candidate search (bench/placement_variants.py)",
    )
    parser.add_argument(
        "--ct2-splice",
        action="store_true",
        help="ctranslate2: no continuation after the form (bench/placement_variants.py)",
    )
    args = parser.parse_args()
    if args.ct2_splice:
        from placement_variants import splice_only

        from toolkit.engines.ct2_place import CT2Placement

        CT2Placement._continue = splice_only  # type: ignore[method-assign]
    if args.two_rounds:
        from placement_variants import place_two_rounds

        from toolkit.engines import transformers_place

        transformers_place.place = place_two_rounds  # type: ignore[assignment]
    print(f"model: {args.model} (TEST MODEL: toy weights)")
    print(
        "| engine | beam | n | presence % | chrF vs expected | duplication % | "
        "len ratio mean / max | > 1.25x % | time ratio |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as tmp:
        for name in args.engines.split(","):
            model = args.model
            if name == "ctranslate2":
                from toolkit.engines.convert import convert_model
                from toolkit.models import resolve

                model = str(convert_model(resolve(args.model), Path(tmp) / "ct2", "float32", True))
            for beam in map(int, args.beams.split(",")):
                engine = load_engine(name, model, beam_size=beam, device="cpu", threads=1)
                selected = cases(engine, args.limit)
                r = run(engine, selected, args.repeats)
                print(
                    f"| {name} | {beam} | {r['n']} | {r['presence']:.1f} | {r['chrf']:.1f} | "
                    f"{r['dup']:.1f} | {r['len_mean']:.2f} / {r['len_max']:.2f} | "
                    f"{r['over_1_25']:.1f} | {r['time_ratio']:.2f} |",
                    flush=True,
                )


if __name__ == "__main__":
    main()
