"""Convert a transformers NLLB / M2M100 folder into a CTranslate2 folder (optionally int8).

The tokenizer files and the test-model marker travel with the weights, so the converted folder
loads on its own and output of the random-weight test model stays marked.
"""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from toolkit.engines.base import TEST_MODEL_MARKER
from toolkit.errors import ModelError, UsageError, choices_error
from toolkit.models import ResolvedModel, models_dir, offline_error, staged_folder

QUANTIZATIONS = ("int8", "int8_float32", "int8_float16", "int16", "float16", "bfloat16", "float32")
TOKENIZER_FILES = (
    "tokenizer.json",
    "tokenizer_config.json",
    "special_tokens_map.json",
    "sentencepiece.bpe.model",
    "vocab.json",
    "added_tokens.json",
)
INFO_FILE = "mekong-ct2.json"
VMAP_TARGETS = ("km", "lo", "th", "vi")
VMAP_FILE = "vmap.txt"  # the union of the targets' maps: what CTranslate2 reads (`use_vmap`)
WORD_MARK = "\u2581"  # SentencePiece's word-start mark
# Characters every target may write: Latin names (Vietnamese letters included), combining
# marks (NFD input), zero-width characters; digits, punctuation, symbols and spaces by category.
COMMON_RANGES = ((0x41, 0x5A), (0x61, 0x7A), (0xC0, 0x24F), (0x300, 0x36F), (0x1E00, 0x1EFF))
COMMON_CHARS = frozenset("\u200b\u200c\u200d\u2060")
SCRIPT_RANGES = {
    "km": ((0x1780, 0x17FF), (0x19E0, 0x19FF)),
    "lo": ((0x0E80, 0x0EFF),),
    "th": ((0x0E00, 0x0E7F),),
    "vi": (),  # Latin: the common ranges
}


def default_output(model: ResolvedModel) -> Path:
    from toolkit.engines.ctranslate2_engine import converted_name

    return models_dir() / converted_name(model)


def convert_model(
    model: ResolvedModel,
    out: Path | None = None,
    quantization: str = "int8",
    force: bool = False,
    glossaries: Sequence[Path] | None = None,
) -> Path:
    """Write the CTranslate2 version of `model` into `out` (default models/NAME-ct2).

    With `glossaries` (a list, even empty: `mekong models convert` passes the shipped ones),
    also its output vocabulary maps (`write_vmaps`), which keep every piece their terms need.
    The engine then decodes over the kept pieces only: its log-probabilities are normalised
    over them (slightly higher than over the whole vocabulary)."""
    if quantization not in QUANTIZATIONS:
        raise choices_error("quantization", quantization, QUANTIZATIONS)
    try:
        from ctranslate2.converters import TransformersConverter
    except ImportError as exc:
        raise ModelError(
            f"converting needs ctranslate2 ({exc}): pip install 'mekong-toolkit[ct2]'"
        ) from None
    from toolkit.engines.ctranslate2_engine import is_ct2_folder

    source = model.local_path
    if source is None:
        raise offline_error(str(model.hub_id))
    if is_ct2_folder(source):
        raise UsageError(f"{source} is already a CTranslate2 model")
    if not (source / "config.json").is_file():
        raise ModelError(f"{source} is not a transformers model folder (no config.json)")
    target = out or default_output(model)
    if source.resolve().is_relative_to(target.resolve()):  # force would delete the input
        raise UsageError(
            f"{{output}} {target}: holds the model being converted; choose another",
            options={"output": "out"},
        )
    if target.exists() and not force:
        raise UsageError(
            f"{target} already exists: pass {{force}} to replace it",
            options={"force": "force=True"},
        )
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UsageError(f"{target.parent}: cannot create folder ({exc.strerror})") from None
    copy = [f for f in (*TOKENIZER_FILES, TEST_MODEL_MARKER) if (source / f).exists()]
    # a bad glossary fails before the long conversion
    forms = glossary_forms(glossaries) if glossaries is not None else None
    with staged_folder(target, ".ct2-") as staging:
        from toolkit.engines.transformers_engine import _quiet_transformers

        _quiet_transformers()
        try:
            _all_heads(TransformersConverter)(
                str(source), copy_files=copy, low_cpu_mem_usage=True
            ).convert(str(staging), quantization=quantization, force=True)
        except (OSError, ValueError, KeyError, NotImplementedError) as exc:
            reason = (str(exc).strip().splitlines() or [exc.__class__.__name__])[0]
            raise ModelError(f"cannot convert {source}: {reason}") from None
        info: dict[str, Any] = {"source": str(source), "quantization": quantization}
        if forms is not None:
            info["vmap_pieces"] = write_vmaps(staging, _tokenizer(source), forms)
        (staging / INFO_FILE).write_text(json.dumps(info, indent=2), encoding="utf-8")
    return target


# -- per-language output vocabularies (CTranslate2 `use_vmap`) -------------------------------
def _tokenizer(source: Path) -> Any:
    from transformers import AutoTokenizer

    try:
        return AutoTokenizer.from_pretrained(str(source), local_files_only=True)
    except (OSError, ValueError) as exc:
        raise ModelError(f"{source}: no usable tokenizer ({exc.__class__.__name__})") from None


def glossary_forms(files: Iterable[Path]) -> dict[str, set[str]]:
    """Per language, every form (variants split) of its glossary cells: the pieces a term
    needs must never be cut from the output vocabulary. English forms go to every target
    (names kept as written, acronyms)."""
    from toolkit import languages
    from toolkit.glossary import load_glossary

    forms: dict[str, set[str]] = {lang: set() for lang in languages.SUPPORTED}
    for path in files:
        for concept in load_glossary(path).concepts:
            for column, cell in concept.cells.items():
                lang = column.removeprefix("forbidden_")
                if lang in forms and cell:
                    forms[lang].update(f.strip() for f in cell.split("|") if f.strip())
    return forms


def _in_ranges(char: str, ranges: Iterable[tuple[int, int]]) -> bool:
    return any(lo <= ord(char) <= hi for lo, hi in ranges)


def is_common(char: str) -> bool:
    """A character any target language may write (Latin, digit, punctuation, symbol, space)."""
    if char in COMMON_CHARS or _in_ranges(char, COMMON_RANGES):
        return True
    return unicodedata.category(char)[0] in "PSZ" or unicodedata.category(char) == "Nd"


def piece_keeps(piece: str, lang: str) -> bool:
    """Whether `lang`'s output vocabulary keeps `piece`: every character in its script or
    common."""
    text = piece.replace(WORD_MARK, "")
    return all(is_common(c) or _in_ranges(c, SCRIPT_RANGES[lang]) for c in text)


def term_pieces(tokenizer: Any, forms: Iterable[str]) -> set[str]:
    """The pieces of every form, alone and with the word mark toggled on its first piece
    (a term inside unspaced Khmer, Lao or Thai text starts without the mark)."""
    forms = sorted(forms)
    if not forms:
        return set()
    ids = tokenizer(forms, add_special_tokens=False).input_ids
    vocab = tokenizer.get_vocab()
    pieces: set[str] = set()
    for row in ids:
        toks = list(tokenizer.convert_ids_to_tokens(row))
        pieces.update(toks)
        if toks:
            first = toks[0]
            other = first[1:] if first.startswith(WORD_MARK) else WORD_MARK + first
            if other in vocab:
                pieces.add(other)
    return pieces


def vocabulary_maps(tokenizer: Any, forms: dict[str, set[str]]) -> dict[str, list[str]]:
    """Per target language the pieces its output keeps, in vocabulary order: its script and
    the common characters, plus the pieces of its own and the English glossary forms. Special
    tokens (`<s>`, language codes) are left out: CTranslate2 always adds the start, end and
    unknown tokens and every target-prefix token (the language code)."""
    special = set(tokenizer.all_special_tokens) | set(tokenizer.get_added_vocab())
    vocab = [p for p, _ in sorted(tokenizer.get_vocab().items(), key=lambda kv: kv[1])]
    vocab = [p for p in vocab if p not in special]
    maps = {}
    for lang in VMAP_TARGETS:
        terms = term_pieces(tokenizer, forms.get(lang, set()) | forms.get("en", set()))
        maps[lang] = [p for p in vocab if p in terms or piece_keeps(p, lang)]
    return maps


def write_vmaps(folder: Path, tokenizer: Any, forms: dict[str, set[str]]) -> dict[str, int]:
    """vmap-<lang>.txt per target and their union vmap.txt, in CTranslate2's format: a line
    `<source n-gram>TAB<target pieces>`; the empty n-gram lists the pieces always allowed."""
    maps = vocabulary_maps(tokenizer, forms)
    union = [p for p, _ in sorted(tokenizer.get_vocab().items(), key=lambda kv: kv[1])]
    keep = {p for pieces in maps.values() for p in pieces}
    maps_out = {**{f"vmap-{lang}.txt": pieces for lang, pieces in maps.items()}}
    maps_out[VMAP_FILE] = [p for p in union if p in keep]
    for name, pieces in maps_out.items():
        (folder / name).write_text("\t" + " ".join(pieces) + "\n", encoding="utf-8")
    return {name: len(pieces) for name, pieces in maps_out.items()}


def _all_heads(base: type) -> type:
    """The converter, with the attention CTranslate2 returns averaged over every head of the
    last decoder layer (its default is one head): glossary placement reads where a name is
    rendered from it (`toolkit.engines.ct2_place`)."""

    class Converter(base):  # type: ignore[misc,valid-type]
        def _load(self):  # noqa: ANN202 - CTranslate2's own signature
            import numpy as np

            spec = super()._load()
            decoder = getattr(spec, "decoder", None)
            heads = getattr(decoder, "num_heads", None)
            if decoder is not None and heads and hasattr(decoder, "alignment_heads"):
                decoder.alignment_heads = np.dtype("int16").type(int(heads))
            return spec

    return Converter
