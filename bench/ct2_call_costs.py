"""What a second CTranslate2 call costs: the floor under the placement's time ratio.

The CTranslate2 placement (`toolkit/engines/ct2_place.py`) lets the model write what follows a
forced term with a second `translate_batch` call (the text up to the form as target prefix).
CTranslate2 re-encodes the source on every call and runs a target prefix step by step, so that
call costs at least the encoder plus the prefix, whatever it decodes. This bench times, on the
same rows and with every length fixed (minimum = maximum decoding length):

- plain: the free decoding (language token + L new tokens), what the time ratio divides by;
- encoder + 1 step: the least any second call costs;
- prefix P + K new: a continuation with the full prefix, with and without a no-op callback
  (`Resync` is a callback);
- prefix 2 + K new: a continuation with only the last two pieces before the form.

Run from the repository root (the toy model is converted to CTranslate2 on the fly; the
NLLB-600M-shape folder is the one `bench/translate_speed.py` builds):

    python bench/ct2_call_costs.py --model models/toy-nllb
    python bench/ct2_call_costs.py --model models/bench-nllb600m-ct2 --texts speech --rows 8 \
        --new 30 --prefix 20 --cont 5

Timings only; outputs are not looked at. Figures never gate tests.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from translate_speed import SPEECH  # noqa: E402

from toolkit.engines import load_engine  # noqa: E402
from toolkit.engines.ctranslate2_engine import is_ct2_folder  # noqa: E402


def best_ms(call, repeats: int) -> float:
    """The fastest of `repeats` runs, in milliseconds (the machine is shared)."""
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        call()
        best = min(best, time.perf_counter() - start)
    return 1000 * best


def source_texts(kind: str, rows: int) -> list[str]:
    if kind == "speech":
        pool = list(SPEECH)
    else:
        from toolkit.engines.toy import ToySpec, toy_pairs

        pool = list(dict.fromkeys(p.src for p in toy_pairs(ToySpec()) if p.src_lang == "en"))
    return [pool[k % len(pool)] for k in range(rows)]


def ct2_folder(model: str, tmp: str) -> str:
    if is_ct2_folder(Path(model)):
        return model
    from toolkit.engines.convert import convert_model
    from toolkit.models import resolve

    return str(convert_model(resolve(model), Path(tmp) / "ct2", "float32", True))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default="models/toy-nllb")
    parser.add_argument("--rows", type=int, default=16, help="segments in the batch")
    parser.add_argument("--new", type=int, default=12, help="L: new tokens of the free decoding")
    parser.add_argument("--prefix", type=int, default=8, help="P: pieces before the form")
    parser.add_argument("--cont", type=int, default=3, help="K: new tokens of a continuation")
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument(
        "--texts",
        choices=("toy", "speech"),
        default="toy",
        help="the toy corpus's English sentences (the placement bench's) or the sample speech's",
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = ct2_folder(args.model, tmp)
        engine = load_engine("ctranslate2", folder, beam_size=1, device="cpu", threads=1)
        texts = source_texts(args.texts, args.rows)
        sources = engine._src_tokens(texts, "en")
        code = engine._code("km")
        pieces = engine._pieces(texts)  # any real pieces of the vocabulary serve as a prefix
        translate = engine.translator.translate_batch

        def run(prefix: int, new: int, callback=None) -> float:  # noqa: ANN001
            prefixes = [[code, *(p * 8)[:prefix]] for p in pieces]
            length = 1 + prefix + new
            return best_ms(
                lambda: translate(
                    sources,
                    target_prefix=prefixes,
                    beam_size=1,
                    min_decoding_length=length,
                    max_decoding_length=length,
                    callback=callback,
                ),
                args.repeats,
            )

        plain = run(0, args.new)
        rows = [
            ("plain (language token + L new)", plain),
            ("encoder + 1 step", run(0, 1)),
            ("prefix P + K new", run(args.prefix, args.cont)),
            ("prefix P + K new, no-op callback", run(args.prefix, args.cont, lambda _s: False)),
            ("prefix 2 + K new", run(2, args.cont)),
        ]
    mean_src = sum(map(len, sources)) / len(sources)
    print(
        f"model: {args.model} (CTranslate2, 1 thread, beam 1, {args.rows} rows, "
        f"{mean_src:.1f} source pieces, L={args.new}, P={args.prefix}, K={args.cont})"
    )
    print("| call | ms | share of plain |")
    print("|---|---|---|")
    for name, ms in rows:
        print(f"| {name} | {ms:.1f} | {ms / plain:.2f} |")


if __name__ == "__main__":
    main()
