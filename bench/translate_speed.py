"""Translation speed: transformers vs CTranslate2 int8 on random-weight models of realistic shape.

Run from the repository root:

    python bench/translate_speed.py                 # NLLB-600M shape and the small shape
    python bench/translate_speed.py --shape small --segments 16 --tokens 24
    python bench/translate_speed.py --speech        # a 60-segment speech into 4 languages
                                                    # (bench/speech_bench.py; its --help)

Models are built once (random weights, the real tokenizer of the tiny test model) and cached
under models/bench-<shape>/ and models/bench-<shape>-ct2/ (git-ignored). Each measurement runs in
its own process, because torch and ctranslate2 in one process slow each other down. Every run
generates exactly --tokens tokens per segment (minimum = maximum length) so the work is equal.
Output is meaningless (random weights); only the timings matter. Figures never gate tests.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.append(str(ROOT))  # after PYTHONPATH: `--code DIR` children run DIR's toolkit


@dataclass(frozen=True)
class Shape:
    vocab: int
    d_model: int
    layers: int
    ffn: int
    heads: int


SHAPES = {
    # facebook/nllb-200-distilled-600M: vocabulary 256,206, d_model 1024, 12+12 layers.
    "nllb600m": Shape(vocab=256206, d_model=1024, layers=12, ffn=4096, heads=16),
    "small": Shape(vocab=32000, d_model=512, layers=6, ffn=2048, heads=8),
}

# Our own sample speech (not from any corpus): realistic sentence lengths, glossary names.
SPEECH = [
    "Excellencies, ladies and gentlemen, good morning.",
    "On behalf of the Ministry of Justice, I welcome you to this regional workshop on "
    "mutual legal assistance.",
    "Over the past three years, the government has trained more than 1,200 judges, "
    "prosecutors and court clerks in the provinces.",
    "The new law on juvenile justice enters into force on 1 January 2027.",
    "We must protect children from every form of exploitation, online and offline.",
    "The Secretary of State thanked the development partners for their steady support.",
    "Cooperation between our ministries is essential for justice across borders.",
    "This report presents the findings of the legal analysis and its recommendations.",
    "Let me now turn to the second point on our agenda: the training of court interpreters.",
    "The government will strengthen cooperation with its regional partners.",
    "Thank you for your attention.",
    "I wish this workshop every success, and I declare it open.",
]
# Target-language (Khmer) terms the tokenizer covers: Ministry of Justice, government,
# Secretary of State.
TERMS = {
    "Ministry of Justice": "ក្រសួងយុត្តិធម៌",
    "government": "រាជរដ្ឋាភិបាល",
    "Secretary of State": "រដ្ឋលេខាធិការ",
}


def segments(n: int) -> list[str]:
    return [SPEECH[i % len(SPEECH)] for i in range(n)]


DOCUMENT = ROOT / "samples" / "speech-en.md"
# Constraint modes only the CTranslate2 engine has (repair variants and mixed cases).
CT2_TERM_MODES = ["terms-full", "terms-score", "terms-decode", "present", "mixed", "mixed-full"]
GLOSSARY = ROOT / "glossaries" / "legal-institutional.tsv"


def document_constraints(tokenizer: object) -> tuple[list[str], list[list[object]], int, int]:
    """The sample speech's segments and the shipped glossary's Khmer constraints for them, as
    `mekong translate` builds them. Forms the bench tokenizer cannot encode (it is the tiny
    model's, not NLLB's) are left out: their count comes back third, and the number of
    segments that carry a glossary term (before leaving any out) fourth."""
    from toolkit import documents
    from toolkit.engines.base import TermConstraint
    from toolkit.engines.constraints import encode_forms
    from toolkit.glossary import load_glossary
    from toolkit.segment import segment

    glossary = load_glossary(GLOSSARY)
    texts = [seg.text for seg in segment(documents.read(DOCUMENT), "en")]
    raw = [glossary.constraints(glossary.match(t, "en"), "km") for t in texts]
    forms = {f for cons in raw for c in cons for f in (*c.required, *c.forbidden)}
    usable = encode_forms(tokenizer, forms).seqs
    out: list[list[object]] = []
    dropped = 0
    for cons in raw:
        kept: list[object] = []
        for c in cons:
            required = tuple(f for f in c.required if f in usable)
            dropped += not required
            if required:
                forbidden = tuple(f for f in c.forbidden if f in usable)
                kept.append(TermConstraint(c.term_id, required, forbidden))
        out.append(kept)
    return texts, out, dropped, sum(bool(c) for c in raw)


def term_constraints(texts: list[str], every: bool = True) -> list[list[object]]:
    """One or more Khmer terms per segment: the glossary hits, else (every=True) the first term."""
    from toolkit.engines.base import TermConstraint

    out: list[list[object]] = []
    for text in texts:
        hits = [TermConstraint(en, (km,)) for en, km in TERMS.items() if en in text]
        if not hits and every:
            hits = [TermConstraint("Ministry of Justice", (TERMS["Ministry of Justice"],))]
        out.append(hits)
    return out


# -- building the models (once) -------------------------------------------------------------
def build(shape_name: str, models: Path) -> tuple[Path, Path]:
    """The transformers folder and its int8 CTranslate2 conversion, built if missing."""
    hf_dir = models / f"bench-{shape_name}"
    ct2_dir = models / f"bench-{shape_name}-ct2"
    if not (hf_dir / "model.safetensors").exists():
        shape = SHAPES[shape_name]
        print(f"building {hf_dir} (random weights, shape {shape}) ...", flush=True)
        _check(_run_child({"task": "build", "shape": shape_name, "out": str(hf_dir)}))
    if not (ct2_dir / "model.bin").exists():
        print(f"converting {hf_dir} -> {ct2_dir} (int8) ...", flush=True)
        _check(_run_child({"task": "convert", "src": str(hf_dir), "out": str(ct2_dir)}))
    return hf_dir, ct2_dir


def _check(row: dict[str, object]) -> None:
    if "error" in row:
        raise SystemExit(f"failed: {row['error']}")


def _build_model(shape_name: str, out: Path) -> None:
    from transformers import AutoTokenizer

    from toolkit.engines.tiny import TinySpec, build_tiny, random_model

    shape = SHAPES[shape_name]
    with tempfile.TemporaryDirectory() as tmp:
        tiny = build_tiny(Path(tmp) / "tiny")
        tokenizer = AutoTokenizer.from_pretrained(str(tiny))
        spec = TinySpec(
            d_model=shape.d_model, layers=shape.layers, heads=shape.heads, ffn=shape.ffn
        )
        model = random_model(tokenizer, spec, vocab_size=shape.vocab)
        out.mkdir(parents=True, exist_ok=True)
        model.save_pretrained(out)
        for name in (
            "tokenizer.json",
            "tokenizer_config.json",
            "sentencepiece.bpe.model",
            "mekong-test-model.json",
        ):
            (out / name).write_bytes((tiny / name).read_bytes())


# -- one measurement (child process) --------------------------------------------------------
def _measure(spec: dict[str, object]) -> dict[str, object]:
    from toolkit.engines import load_engine

    engine_name = str(spec["engine"])
    texts = segments(int(spec["segments"]))  # type: ignore[arg-type]
    mode = str(spec["constraints"])
    options: dict[str, object] = {}
    if mode == "terms-decode":  # the plain method: decode every cut point
        options["term_search"] = "decode"
    elif mode == "terms-score":  # cut points scored teacher-forced (the default before)
        options["term_search"] = "score"
    if mode.endswith("-full"):  # every repair decoded to its end (no re-synchronisation)
        options["resync_window"] = 0
    if mode.endswith("-scored"):  # later rounds score cut points (no first-pass reuse)
        options["first_pass_cuts"] = False
    t0 = time.perf_counter()
    load = load_engine
    if options:  # the round-1 repair variants live in bench/ now
        sys.path.insert(0, str(Path(__file__).resolve().parent))
        from ct2_repair_legacy import LegacyCT2Engine

        from toolkit.models import resolve

        def load(_name: str, model: str, **kw: object) -> object:
            return LegacyCT2Engine(resolve(model), **kw)

    engine = load(
        engine_name,
        str(spec["model"]),
        device="cpu",
        beam_size=int(spec["beam"]),  # type: ignore[arg-type]
        batch_size=int(spec["batch"]),  # type: ignore[arg-type]
        threads=int(spec["threads"]),  # type: ignore[arg-type]
        fixed_new_tokens=int(spec["tokens"]),  # type: ignore[arg-type]
        **options,
    )
    load_s = time.perf_counter() - t0
    constraints = None
    doc_info: dict[str, object] = {}
    if mode.startswith("document"):  # the sample speech with the shipped glossary
        tokenizer = engine.tokenizer  # type: ignore[attr-defined]
        texts, constraints, dropped, carrying = document_constraints(tokenizer)
        doc_info = {
            "doc_segments": len(texts),
            "doc_term_segments": carrying,
            "doc_enforced_segments": sum(bool(c) for c in constraints),
            "doc_constraints": sum(len(c) for c in constraints),
            "doc_unencodable": dropped,
        }
    engine.translate(texts, "en", "km")  # warm-up on the same batch, not timed
    if mode.startswith("terms"):
        constraints = term_constraints(texts)
    elif mode.startswith("mixed"):  # every other segment already holds its term
        plain = engine.translate(texts, "en", "km")
        constraints = term_constraints(texts)
        from toolkit.engines.base import TermConstraint

        for i in range(0, len(texts), 2):
            words = plain[i].text.split()
            constraints[i] = [TermConstraint("t", (words[0] if words else plain[i].text,))]
    elif mode == "present":  # terms the output already holds: the cost of checking only
        plain = engine.translate(texts, "en", "km")
        from toolkit.engines.base import TermConstraint

        constraints = [
            [TermConstraint("t", (h.text.split()[0] if h.text.split() else h.text,))] for h in plain
        ]
    wall = base = cpu = cpu_base = float("inf")
    for _ in range(int(spec.get("repeat", 1))):  # type: ignore[call-overload]
        t0, c0 = time.perf_counter(), time.process_time()
        hyps = engine.translate(texts, "en", "km", constraints=constraints)  # type: ignore[arg-type]
        wall = min(wall, time.perf_counter() - t0)  # best of: the machine is shared
        cpu = min(cpu, time.process_time() - c0)
        if constraints:  # the same run unconstrained, interleaved: a ratio robust to load drift
            t0, c0 = time.perf_counter(), time.process_time()
            engine.translate(texts, "en", "km")
            base = min(base, time.perf_counter() - t0)
            cpu_base = min(cpu_base, time.process_time() - c0)
    present = None
    if constraints:
        pairs = [(h, c) for h, cs in zip(hyps, constraints, strict=True) for c in cs]
        present = sum(any(r in h.text for r in c.required) for h, c in pairs) / max(1, len(pairs))
    return {
        **spec,
        "load_s": round(load_s, 2),
        "wall_s": round(wall, 3),
        "seg_per_s": round(len(texts) / wall, 3),
        "tok_per_s": round(sum(h.tokens for h in hyps) / wall, 2),
        "gen_tokens": sum(h.tokens for h in hyps),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        "term_presence": present,
        "cost_in_process": round(wall / base, 2) if constraints else None,
        "cpu_cost_in_process": round(cpu / cpu_base, 2) if constraints else None,
        "repairs": dict(getattr(engine, "repair_stats", {})),  # all timed runs
        "cuts": dict(getattr(engine, "cut_stats", {})),
        **doc_info,
    }


def run_script_child(script: str, spec: dict, threads: int, pythonpath: str | None = None) -> dict:
    """Run `script --child SPEC` in a fresh process (its own thread count, peak memory and,
    with `pythonpath`, another checkout's code); its last JSON line, or the spec with an error."""
    env = dict(os.environ, OMP_NUM_THREADS=str(threads), HF_HUB_OFFLINE="1")
    if pythonpath:
        env["PYTHONPATH"] = pythonpath
    proc = subprocess.run(
        [sys.executable, script, "--child", json.dumps(spec)],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
    )
    if proc.returncode != 0:
        return {**spec, "error": (proc.stderr.strip().splitlines() or ["?"])[-1]}
    lines = [ln for ln in proc.stdout.splitlines() if ln.startswith("{")]
    return json.loads(lines[-1]) if lines else {**spec, "error": "no output"}


def _run_child(spec: dict[str, object]) -> dict[str, object]:
    return run_script_child(__file__, spec, int(str(spec.get("threads", 2))))


def child_main(spec: dict[str, object]) -> None:
    task = spec.get("task", "measure")
    if task == "build":
        _build_model(str(spec["shape"]), Path(str(spec["out"])))
        print("{}")
    elif task == "convert":
        from toolkit.engines.convert import convert_model
        from toolkit.models import resolve

        convert_model(resolve(str(spec["src"])), Path(str(spec["out"])), "int8", force=True)
        print("{}")
    elif task == "pipeline":
        print(json.dumps(_pipeline(int(spec["segments"]))))  # type: ignore[arg-type]
    else:
        print(json.dumps(_measure(spec)))


# -- everything but decoding ----------------------------------------------------------------
class _PrecomputedEngine:
    """Returns ready-made hypotheses at once: the pipeline runs with no decoding cost."""

    def __init__(self) -> None:
        from toolkit.engines.base import EngineInfo

        self.info = EngineInfo("precomputed", "bench", True)

    def translate(self, texts, src, tgt, constraints=None, progress=None):  # noqa: ANN001, ANN201
        from toolkit.engines.base import Hypothesis

        out = [Hypothesis(f"ក្រសួងយុត្តិធម៌ {len(t)} ។", -1.0, 24) for t in texts]
        if progress:
            progress(len(texts))
        return out


def _pipeline(n: int) -> dict[str, object]:
    """Read, segment, match, score and store a document of `n` sentences, timed by stage."""
    from toolkit import documents
    from toolkit.glossary import load_glossary
    from toolkit.translate import TranslateOptions, translate_document

    shipped = ROOT / "glossaries" / "legal-institutional.tsv"
    glossary = load_glossary(shipped)  # the real matcher, constraints and verification
    glossary_kind = f"toolkit.glossary ({shipped.name}, {len(glossary.concepts)} concepts)"
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "speech.txt"
        paras = [" ".join(segments(n)[i : i + 4]) for i in range(0, n, 4)]
        path.write_text("\n\n".join(paras), encoding="utf-8")
        t0 = time.perf_counter()
        doc = documents.read(path)
        read_s = time.perf_counter() - t0
        options = TranslateOptions(
            src="en", tgts=["km"], doc_id="bench", out_dir=Path(tmp) / "aligned", glossary=glossary
        )
        t0 = time.perf_counter()
        result = translate_document(doc, options, _PrecomputedEngine())  # type: ignore[arg-type]
        rest_s = time.perf_counter() - t0
    return {
        "segments": len(result.segments),
        "read_s": round(read_s, 4),
        "segment_match_score_store_s": round(rest_s, 4),
        "glossary": glossary_kind,
    }


# -- main -------------------------------------------------------------------------------------
def main() -> None:
    if "--speech" in sys.argv[1:]:  # the speech mode has its own options
        sys.path.insert(0, str(Path(__file__).resolve().parent))
        from speech_bench import main as speech_main

        speech_main([a for a in sys.argv[1:] if a != "--speech"])
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--shape", choices=[*SHAPES, "both"], default="both")
    parser.add_argument("--segments", type=int, default=8, help="Segments per run.")
    parser.add_argument("--tokens", type=int, default=24, help="Generated tokens per segment.")
    parser.add_argument("--beams", default="1,4")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--batch", type=int, default=8)
    parser.add_argument("--repeat", type=int, default=1, help="Timed runs per engine (best).")
    parser.add_argument("--engines", default="transformers,ctranslate2")
    parser.add_argument(
        "--modes", default="", help="Only these constraint modes (none,terms,terms-score,...)."
    )
    parser.add_argument("--scaling-tokens", type=int, default=12)
    parser.add_argument("--scaling", default="10,100,1000", help="Document sizes (segments).")
    parser.add_argument(
        "--scaling-decode",
        default="10,100",
        help="Sizes for decoding time growth (small shape, ct2 int8, beam 4).",
    )
    parser.add_argument("--models", type=Path, default=ROOT / "models")
    args = parser.parse_args()
    if args.child:
        child_main(json.loads(args.child))
        return
    shapes = list(SHAPES) if args.shape == "both" else [args.shape]
    beams = [int(b) for b in args.beams.split(",")]
    print(
        f"{args.segments} segments x {args.tokens} generated tokens, {args.threads} threads, "
        f"batch {args.batch}; random weights (output meaningless)\n"
    )
    all_rows: list[dict[str, object]] = []
    for shape in shapes:
        hf_dir, ct2_dir = build(shape, args.models)
        rows: dict[tuple[str, int, str], dict[str, object]] = {}
        for beam in beams:
            for engine, model in (("transformers", hf_dir), ("ctranslate2", ct2_dir)):
                if engine not in args.engines.split(","):
                    continue
                modes = ["none", "terms"]
                if engine == "ctranslate2":
                    modes += CT2_TERM_MODES
                modes += ["document"] + (
                    ["document-full", "document-scored"] if engine == "ctranslate2" else []
                )
                if args.modes:
                    modes = [m for m in modes if m in args.modes.split(",")]
                for mode in modes:
                    spec = {
                        "engine": engine,
                        "model": str(model),
                        "beam": beam,
                        "constraints": mode,
                        "segments": args.segments,
                        "tokens": args.tokens,
                        "threads": args.threads,
                        "batch": args.batch,
                        "shape": shape,
                        "repeat": args.repeat,
                    }
                    row = _run_child(spec)
                    rows[(engine, beam, mode)] = row
                    all_rows.append(row)
                    _print_row(row)
        for beam in beams:
            tf = rows.get(("transformers", beam, "none"), {})
            ct = rows.get(("ctranslate2", beam, "none"), {})
            if "tok_per_s" in tf and "tok_per_s" in ct:
                print(
                    f"  {shape} beam {beam}: ct2 int8 / transformers tokens/s = "
                    f"{ct['tok_per_s'] / tf['tok_per_s']:.2f}x"
                )  # type: ignore[operator]
            for engine in ("transformers", "ctranslate2"):
                for mode in ("terms", *CT2_TERM_MODES):
                    c, u = rows.get((engine, beam, mode), {}), rows.get((engine, beam, "none"), {})
                    if "wall_s" in c and "wall_s" in u:
                        print(
                            f"  {shape} beam {beam} {engine}: constraints ({mode}) cost "
                            f"{c['wall_s'] / u['wall_s']:.2f}x unconstrained time"
                        )  # type: ignore[operator]
                for mode in ("document", "document-full", "document-scored"):
                    d = rows.get((engine, beam, mode), {})
                    if "cost_in_process" in d:
                        print(
                            f"  {shape} beam {beam} {engine}: {DOCUMENT.name}, "
                            f"{d['doc_term_segments']}/{d['doc_segments']} segments carry a term "
                            f"({d['doc_enforced_segments']} enforced: {d['doc_constraints']} "
                            f"constraints, {d['doc_unencodable']} left out as not encodable by "
                            f"the bench tokenizer), {mode} costs {d['cost_in_process']}x "
                            f"(CPU {d['cpu_cost_in_process']}x) the unconstrained document"
                        )
        print()
    print("everything but decoding (precomputed engine, one target language):")
    for n in [int(x) for x in args.scaling.split(",") if x]:
        row = _run_child({"task": "pipeline", "segments": n})
        all_rows.append({"task": "pipeline", **row})
        print(f"  {n:>5} segments: {json.dumps(row)}")
    print(f"decoding time growth (small shape, ct2 int8, beam 4, {args.scaling_tokens} tokens):")
    _, small_ct2 = build("small", args.models)
    for n in [int(x) for x in args.scaling_decode.split(",") if x]:
        row = _run_child(
            {
                "engine": "ctranslate2",
                "model": str(small_ct2),
                "beam": 4,
                "constraints": "none",
                "segments": n,
                "tokens": args.scaling_tokens,
                "threads": args.threads,
                "batch": args.batch,
                "shape": "small",
                "repeat": args.repeat,
            }
        )
        all_rows.append(row)
        print(f"  {n:>5} segments: {row.get('wall_s')} s, {row.get('seg_per_s')} seg/s")
    out = args.models / f"bench-translate-speed-{args.shape}.json"
    out.write_text(json.dumps(all_rows, indent=1), encoding="utf-8")
    print(f"\nraw figures: {out}")


def _print_row(row: dict[str, object]) -> None:
    if "error" in row:
        print(
            f"  {row['shape']} {row['engine']} beam {row['beam']} {row['constraints']}: "
            f"ERROR {row['error']}"
        )
        return
    print(
        f"  {row['shape']:8} {row['engine']:12} beam {row['beam']} constraints "
        f"{row['constraints']:12} {row['seg_per_s']:7.2f} seg/s {row['tok_per_s']:8.1f} tok/s "
        f"peak RSS {row['peak_rss_mb']:>5} MB  load {row['load_s']} s"
        + (f"  terms {row['term_presence']:.0%}" if row["term_presence"] is not None else "")
        + (
            f"  cost {row['cost_in_process']}x (interleaved; CPU time "
            f"{row['cpu_cost_in_process']}x)"
            if row.get("cost_in_process")
            else ""
        )
        + (f"  repairs {row['repairs']}" if row.get("repairs") else "")
        + (f"  cuts {row['cuts']}" if row.get("cuts") else ""),
        flush=True,
    )


if __name__ == "__main__":
    main()
