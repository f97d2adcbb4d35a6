"""Speech mode of bench/translate_speed.py: a 60-segment speech into km, lo, th and vi.

    python bench/translate_speed.py --speech                  # ct2 int8 and transformers, beam 1, 4
    python bench/speech_bench.py --engines ctranslate2 --beams 1 --vmap none,union

The speech is the first English lines of NTREX dev (read from ../shared/eval/ntrex-dev, never
copied), one paragraph a line, cut to 60 segments; the shipped glossary is on (less the forms
the bench tokenizer cannot encode, which the pipeline would refuse); the whole
pipeline runs (`translate_document`: segments, glossary, memory, decoding, checks, scores,
store) on the NLLB-600M shape with random weights (models/bench-nllb600m*, built by
translate_speed.py). Random weights never end a sentence, so each batch decodes exactly
ceil(1.3 x words of its longest source) tokens (about what a real model writes).

Printed per run: wall time, generated tokens/s, the share of this machine's plain GEMM peak
(int8 and fp32, measured in the same run) that decoding reaches (FLOPs counted from the
model's shape), the time outside decoding, peak RSS. `--code DIR` runs another checkout's
`toolkit` (the code before a change) with this script.
"""

from __future__ import annotations

import argparse
import json
import math
import resource
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
NTREX = ROOT.parent / "shared" / "eval" / "ntrex-dev"
TARGETS = ["km", "lo", "th", "vi"]
GLOSSARY = ROOT / "glossaries" / "legal-institutional.tsv"
CAP = 1.3
WORD_MARK = "\u2581"
# facebook/nllb-200-distilled-600M: d_model 1024, ffn 4096, 12 + 12 layers, 256,206 pieces
D, FFN, LAYERS, VOCAB = 1024, 4096, 12, 256206
ENC_PARAMS = LAYERS * (4 * D * D + 2 * D * FFN)  # per source token
CROSS_KV = LAYERS * 2 * D * D  # per source token, once per decoding call
DEC_STEP = LAYERS * (4 * D * D + 2 * D * D + 2 * D * FFN)  # per hypothesis and step


def speech_lines(ntrex: Path, n: int) -> list[str]:
    lines = (ntrex / "en.txt").read_text(encoding="utf-8").splitlines()
    lines = [ln.strip() for ln in lines if ln.strip()]
    if not lines:
        raise SystemExit(f"{ntrex}/en.txt: no lines")
    return [lines[i % len(lines)] for i in range(n)]


def speech_segments(ntrex: Path, n: int) -> tuple[Any, list[Any]]:
    """A document of NTREX lines (one paragraph each) and its first `n` segments."""
    from toolkit import documents
    from toolkit.segment import segment

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "speech.txt"
        path.write_text("\n\n".join(speech_lines(ntrex, n)), encoding="utf-8")
        doc = documents.read(path)
    return doc, segment(doc, "en")[:n]


def cap_lengths(engine: Any, ratio: float) -> None:
    """Each batch decodes exactly ceil(ratio x words of its longest source) tokens (+ the
    language token). Words, not the bench tokenizer's pieces: that tokenizer (the tiny test
    model's, 2,000 pieces) cuts English into ~3.3 pieces a word where NLLB's 256k pieces
    give little more than one, so its counts would triple the work of a real speech."""

    def cap(words: int) -> int:
        return math.ceil(ratio * max(1, words)) + 1

    if engine.info.engine == "ctranslate2":

        def lengths(sources: list[list[str]]) -> tuple[int, int]:
            n = cap(max(sum(t.startswith(WORD_MARK) for t in s) for s in sources))
            return n, n

        engine._lengths = lengths
        return
    inner = engine._translate_batch

    def capped(texts: list[str], src: str, tgt: str, constraints: Any) -> Any:
        engine.fixed_new_tokens = cap(max(len(t.split()) for t in texts))
        try:
            return inner(texts, src, tgt, constraints)
        finally:
            engine.fixed_new_tokens = None

    engine._translate_batch = capped


def time_adequacy() -> dict[str, float]:
    """Time spent in the adequacy signal (e5 embeddings), which is on by default."""
    try:
        import toolkit.pipeline.stages as pipeline
    except ImportError:  # `--code DIR` of a checkout before the staged pipeline
        import toolkit.translate as pipeline  # type: ignore[no-redef]

    spent = {"s": 0.0}
    inner = pipeline.measure_if_available

    def timed(*args: Any, **kw: Any) -> Any:
        t0 = time.perf_counter()
        try:
            return inner(*args, **kw)
        finally:
            spent["s"] += time.perf_counter() - t0

    pipeline.measure_if_available = timed
    return spent


class Counter:
    """Wraps the decoder calls: time spent decoding, tokens in and out, FLOPs."""

    def __init__(self, engine: Any, vocab: int) -> None:
        self.decode_s = 0.0
        self.src_tokens = self.out_tokens = 0
        self.flops = 0.0
        self.vocab = vocab
        if engine.info.engine == "ctranslate2":
            self._wrap_ct2(engine)
        else:
            self._wrap_tf(engine)

    def _add(self, src: int, out: int, beam: int, src_rows: int) -> None:
        self.src_tokens += src
        self.out_tokens += out
        self.flops += 2.0 * src * (ENC_PARAMS + CROSS_KV)
        self.flops += 2.0 * beam * out * (DEC_STEP + self.vocab * D)

    def _wrap_ct2(self, engine: Any) -> None:
        real = engine.translator
        counter = self

        class Timed:
            def __getattr__(self, name: str) -> Any:
                return getattr(real, name)

            def translate_batch(self, sources: Any, *args: Any, **kw: Any) -> Any:
                t0 = time.perf_counter()
                res = real.translate_batch(sources, *args, **kw)
                counter.decode_s += time.perf_counter() - t0
                prefix = kw.get("target_prefix") or [[]] * len(sources)
                out = sum(
                    len(r.hypotheses[0]) - len(p or []) for r, p in zip(res, prefix, strict=True)
                )
                counter._add(sum(map(len, sources)), out, kw.get("beam_size", 2), len(sources))
                return res

            def score_batch(self, *args: Any, **kw: Any) -> Any:
                t0 = time.perf_counter()
                res = real.score_batch(*args, **kw)
                counter.decode_s += time.perf_counter() - t0
                return res

        engine.translator = Timed()

    def _wrap_tf(self, engine: Any) -> None:
        real = engine.model.generate
        counter = self

        def generate(*args: Any, **kw: Any) -> Any:
            t0 = time.perf_counter()
            out = real(*args, **kw)
            counter.decode_s += time.perf_counter() - t0
            seqs = out if hasattr(out, "shape") else out.sequences
            ids = kw.get("input_ids")
            src = int(ids.numel()) if ids is not None else 0
            counter._add(src, int(seqs.shape[0] * (seqs.shape[1] - 2)), kw.get("num_beams", 1), 0)
            return out

        engine.model.generate = generate


def vmap_size(folder: Path) -> int | None:
    path = folder / "vmap.txt"
    if not path.is_file():
        return None
    return len(path.read_text(encoding="utf-8").split("\t", 1)[1].split())


def encodable_glossary(engine: Any, targets: list[str]) -> tuple[Any, int]:
    """The shipped glossary without the variants in `targets` that the bench tokenizer (the
    tiny model's 2,000 pieces) cannot encode, and how many cells lost one: the pipeline refuses
    such terms before any work, as it must for a real model. A language cell left without a
    variant forces nothing in that language."""
    from toolkit.engines.constraints import encode_forms
    from toolkit.glossary import load_glossary

    glossary = load_glossary(GLOSSARY)
    forms = {f for c in glossary.concepts for t in targets for f in (*c.terms(t), *c.forbidden(t))}
    ok = encode_forms(engine.tokenizer, forms).seqs
    cut = 0
    for concept in glossary.concepts:
        for lang in targets:
            for column, variants in (
                (lang, concept.terms(lang)),
                (f"forbidden_{lang}", concept.forbidden(lang)),
            ):
                kept = [v for v in variants if v in ok]
                if len(kept) < len(variants):
                    glossary.set(concept.id, column, " | ".join(kept))
                    cut += 1
    return glossary, cut


def measure(spec: dict[str, Any]) -> dict[str, Any]:
    """One pipeline run of the speech into the four targets (child process)."""
    from toolkit.engines import load_engine
    from toolkit.translate import TranslateOptions, translate_document

    doc, segments = speech_segments(Path(spec["ntrex"]), int(spec["segments"]))
    options: dict[str, Any] = {}
    if spec.get("budget"):
        options["batch_tokens"], options["batch_rows"] = spec["budget"]
    t0 = time.perf_counter()
    engine = load_engine(
        spec["engine"],
        spec["model"],
        device="cpu",
        beam_size=int(spec["beam"]),
        batch_size=16,  # the `mekong translate` default
        threads=int(spec["threads"]),
        **options,
    )
    load_s = time.perf_counter() - t0
    cap_lengths(engine, CAP)
    engine.translate(["Good morning."], "en", "km")  # warm-up, not timed
    kept = vmap_size(Path(spec["model"])) if getattr(engine, "use_vmap", False) else None
    counter = Counter(engine, (kept + 4) if kept else VOCAB)
    targets = spec.get("targets") or TARGETS
    glossary, cells_cut = encodable_glossary(engine, targets)
    hits = sum(len(glossary.match(s.text, "en")) for s in segments)
    with tempfile.TemporaryDirectory() as tmp:
        store = Path(tmp) / "aligned"
        store.mkdir()  # (the code before the lock fix needs it)
        opts = TranslateOptions("en", targets, "speech", store, glossary)  # defaults
        adequacy = time_adequacy()
        t0 = time.perf_counter()
        result = translate_document(doc, opts, engine, segments=segments)
        wall = time.perf_counter() - t0
    frame = result.frame
    terms = [t for row in frame["terms"].to_list() for t in (row or [])]
    forced = [t for t in terms if (t.get("level") or "force") == "force"]
    return {
        **spec,
        "load_s": round(load_s, 1),
        "wall_s": round(wall, 1),
        "decode_s": round(counter.decode_s, 1),
        "outside_decoding_s": round(wall - counter.decode_s, 2),
        "adequacy_s": round(adequacy["s"], 2),
        "rows": frame.height,
        "src_tokens": counter.src_tokens,
        "gen_tokens": counter.out_tokens,
        "tok_per_s": round(counter.out_tokens / wall, 1),
        "gflops_per_s": round(counter.flops / max(counter.decode_s, 1e-9) / 1e9, 1),
        "output_vocab": kept + 4 if kept else VOCAB,
        "glossary_hits": hits,
        "cells_cut": cells_cut,
        "terms_found": f"{sum(bool(t['found']) for t in forced)}/{len(forced)}",
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
    }


def gemm_peak(threads: int) -> dict[str, float]:
    """Plain matrix products (torch) of decoder shapes: 64, 256 and 1,024 rows by 1024 x 4096,
    the best of 5 runs each; the peak is the best shape (GFLOP/s)."""
    import torch

    torch.set_num_threads(threads)

    def best(fn: Any, flops: float) -> float:
        fn()
        times = []
        for _ in range(5):
            t0 = time.perf_counter()
            fn()
            times.append(time.perf_counter() - t0)
        return flops / min(times) / 1e9

    fp32 = int8 = 0.0
    for m in (64, 256, 1024):
        k, n = 1024, 4096
        a, b = torch.randn(m, k), torch.randn(k, n)
        fp32 = max(fp32, best(lambda a=a, b=b: a @ b, 2.0 * m * k * n))
        ai = torch.randint(-128, 127, (m, k), dtype=torch.int8)
        bi = torch.randint(-128, 127, (k, n), dtype=torch.int8)
        try:  # int8 x int8 -> int32
            int8 = max(int8, best(lambda a=ai, b=bi: torch._int_mm(a, b), 2.0 * m * k * n))
        except RuntimeError:
            int8 = float("nan")
    return {"fp32_gflops": round(fp32, 1), "int8_gflops": round(int8, 1)}


def overhead(spec: dict[str, Any]) -> dict[str, Any]:
    """Everything but decoding: the pipeline with an engine that answers at once."""
    from toolkit.engines.base import EngineInfo, Hypothesis
    from toolkit.glossary import load_glossary
    from toolkit.translate import TranslateOptions, translate_document

    class Instant:
        info = EngineInfo("precomputed", "bench", True)

        def translate(self, texts, src, tgt, constraints=None, progress=None):  # noqa: ANN001, ANN201
            return [Hypothesis(f"{tgt} {len(t)} .", -1.0, 24) for t in texts]

    doc, segments = speech_segments(Path(spec["ntrex"]), int(spec["segments"]))
    glossary = load_glossary(GLOSSARY)
    with tempfile.TemporaryDirectory() as tmp:
        opts = TranslateOptions("en", TARGETS, "speech", Path(tmp) / "aligned", glossary)
        adequacy = time_adequacy()
        t0 = time.perf_counter()
        translate_document(doc, opts, Instant(), segments=segments)  # type: ignore[arg-type]
        wall = time.perf_counter() - t0
    return {
        "segments": len(segments),
        "targets": len(TARGETS),
        "wall_s": round(wall, 2),
        "adequacy_s": round(adequacy["s"], 2),
    }


def run_child(spec: dict[str, Any], threads: int) -> dict[str, Any]:
    from translate_speed import run_script_child

    return run_script_child(__file__, spec, threads, str(spec.get("code") or ROOT))


def vmap_folder(ct2_dir: Path, pad: int) -> Path:
    """`ct2_dir` with a vmap.txt (weights linked): the union map of `models convert`, plus
    `pad` unused pieces of the 256k vocabulary (the size a real NLLB map could have)."""
    from transformers import AutoTokenizer

    from toolkit.engines.convert import glossary_forms, write_vmaps

    out = ct2_dir.with_name(f"{ct2_dir.name}-vmap{pad}")
    if (out / "vmap.txt").is_file():
        return out
    out.mkdir(exist_ok=True)
    for item in ct2_dir.iterdir():
        if not (out / item.name).exists() and not item.name.startswith("vmap"):
            (out / item.name).symlink_to(item.resolve())
    write_vmaps(out, AutoTokenizer.from_pretrained(str(ct2_dir)), glossary_forms([GLOSSARY]))
    if pad:
        vocab = json.loads((ct2_dir / "shared_vocabulary.json").read_text(encoding="utf-8"))
        extra = [p for p in vocab if p.startswith("madeupword")][:pad]
        line = (out / "vmap.txt").read_text(encoding="utf-8").rstrip("\n")
        (out / "vmap.txt").write_text(line + " " + " ".join(extra) + "\n", encoding="utf-8")
    return out


def child_main(spec: dict[str, Any]) -> None:
    task = spec.get("task")
    if task == "gemm":
        print(json.dumps(gemm_peak(int(spec["threads"]))))
    elif task == "overhead":
        print(json.dumps(overhead(spec)))
    else:
        print(json.dumps(measure(spec)))


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--child", help=argparse.SUPPRESS)
    p.add_argument("--engines", default="ctranslate2,transformers")
    p.add_argument("--beams", default="1,4")
    p.add_argument("--segments", type=int, default=60)
    p.add_argument(
        "--targets",
        default=",".join(TARGETS),
        help="target languages of the decoding runs (a subset times one part of the speech)",
    )
    p.add_argument("--threads", type=int, default=2)
    p.add_argument(
        "--vmap",
        default="none,0",
        help="ct2 output vocabularies: none, or N = the union map plus N unused pieces.",
    )
    p.add_argument(
        "--budgets", default="", help="ct2 batch budgets TOKENSxROWS (default: engine's)."
    )
    p.add_argument("--overhead", default="10,100,1000", help="Sizes for everything-but-decoding.")
    p.add_argument("--code", type=Path, default=None, help="Another checkout's toolkit to run.")
    p.add_argument("--ntrex", type=Path, default=NTREX)
    p.add_argument("--models", type=Path, default=ROOT / "models")
    p.add_argument("--label", default="", help="Name of this run in the printed rows.")
    return p


def main(argv: list[str] | None = None) -> None:
    args = parser().parse_args(argv)
    if args.child:
        child_main(json.loads(args.child))
        return
    if not (args.ntrex / "en.txt").is_file():
        raise SystemExit(f"{args.ntrex}/en.txt not found (pass --ntrex)")
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from translate_speed import build

    hf_dir, ct2_dir = build("nllb600m", args.models)
    code = str(args.code.resolve()) if args.code else None
    peak = run_child({"task": "gemm", "threads": args.threads, "code": code}, args.threads)
    print(f"GEMM peak, {args.threads} threads (64/256/1024 x 1024 by 1024 x 4096, torch): {peak}")
    print(
        f"speech: {args.segments} NTREX dev segments -> {args.targets}, glossary on, "
        f"each batch decodes ceil({CAP} x words of its longest source) tokens (random weights) "
        f"{args.label}"
    )
    rows = []
    budgets = [tuple(int(x) for x in b.split("x")) for b in args.budgets.split(",") if b]
    for beam in [int(b) for b in args.beams.split(",")]:
        for engine in args.engines.split(","):
            variants: list[tuple[Path, Any]] = [(hf_dir, None)]
            if engine == "ctranslate2":
                variants = [
                    (ct2_dir if v == "none" else vmap_folder(ct2_dir, int(v)), b)
                    for v in args.vmap.split(",")
                    for b in (budgets or [None])
                ]
            for model, budget in variants:
                spec = {
                    "engine": engine,
                    "model": str(model),
                    "beam": beam,
                    "threads": args.threads,
                    "segments": args.segments,
                    "targets": args.targets.split(","),
                    "ntrex": str(args.ntrex),
                    "budget": budget,
                    "code": code,
                }
                row = run_child(spec, args.threads)
                rows.append(row)
                print_row(row, peak)
    for n in [int(x) for x in args.overhead.split(",") if x]:
        row = run_child(
            {"task": "overhead", "segments": n, "ntrex": str(args.ntrex), "code": code},
            args.threads,
        )
        rows.append({"task": "overhead", **row})
        print(f"  everything but decoding, {n} segments x {len(TARGETS)} targets: {row}")
    out = args.models / f"bench-speech{'-' + args.label if args.label else ''}.json"
    out.write_text(json.dumps({"gemm": peak, "rows": rows}, indent=1), encoding="utf-8")
    print(f"raw figures: {out}")


def print_row(row: dict[str, Any], peak: dict[str, float]) -> None:
    name = f"{row['engine']} beam {row['beam']} {Path(row['model']).name}"
    if row.get("budget"):
        name += f" budget {row['budget'][0]}x{row['budget'][1]}"
    if "error" in row:
        print(f"  {name}: ERROR {row['error']}", flush=True)
        return
    gf = row["gflops_per_s"]
    share = ", ".join(f"{gf / v:.0%} of {k[:4]}" for k, v in peak.items() if v == v and v > 0)
    print(
        f"  {name}: wall {row['wall_s']} s (decoding {row['decode_s']} s, outside "
        f"{row['outside_decoding_s']} s, of it adequacy {row['adequacy_s']} s), "
        f"{row['gen_tokens']} tokens, {row['tok_per_s']} tok/s, "
        f"{gf} GFLOP/s ({share}), output vocab {row['output_vocab']}, terms "
        f"{row['terms_found']} ({row.get('cells_cut', 0)} glossary cells lost forms the tokenizer "
        f"cannot encode), peak RSS {row['peak_rss_mb']} MB, load {row['load_s']} s",
        flush=True,
    )


if __name__ == "__main__":
    main()
