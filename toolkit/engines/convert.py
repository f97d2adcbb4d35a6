"""Convert a transformers NLLB / M2M100 folder into a CTranslate2 folder (optionally int8).

The tokenizer files and the test-model marker travel with the weights, so the converted folder
loads on its own and output of the random-weight test model stays marked.
"""

from __future__ import annotations

import json
from pathlib import Path

from toolkit.engines.base import TEST_MODEL_MARKER
from toolkit.errors import ModelError, UsageError
from toolkit.models import ResolvedModel, models_dir, offline_message, staged_folder

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


def default_output(model: ResolvedModel) -> Path:
    from toolkit.engines.ctranslate2_engine import converted_name

    return models_dir() / converted_name(model)


def convert_model(
    model: ResolvedModel,
    out: Path | None = None,
    quantization: str = "int8",
    force: bool = False,
) -> Path:
    """Write the CTranslate2 version of `model` into `out` (default models/NAME-ct2)."""
    if quantization not in QUANTIZATIONS:
        raise UsageError(f"--quantization {quantization}: choose one of {', '.join(QUANTIZATIONS)}")
    try:
        from ctranslate2.converters import TransformersConverter
    except ImportError as exc:
        raise ModelError(
            f"converting needs ctranslate2 ({exc}): pip install 'mekong-toolkit[ct2]'"
        ) from None
    from toolkit.engines.ctranslate2_engine import is_ct2_folder

    source = model.local_path
    if source is None:
        raise ModelError(offline_message(str(model.hub_id)))
    if is_ct2_folder(source):
        raise UsageError(f"{source} is already a CTranslate2 model")
    if not (source / "config.json").is_file():
        raise ModelError(f"{source} is not a transformers model folder (no config.json)")
    target = out or default_output(model)
    if source.resolve().is_relative_to(target.resolve()):  # --force would delete the input
        raise UsageError(f"--output {target}: holds the model being converted; choose another")
    if target.exists() and not force:
        raise UsageError(f"{target} already exists: pass --force to replace it")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UsageError(f"{target.parent}: cannot create folder ({exc.strerror})") from None
    copy = [f for f in (*TOKENIZER_FILES, TEST_MODEL_MARKER) if (source / f).exists()]
    with staged_folder(target, ".ct2-") as staging:
        from toolkit.engines.transformers_engine import _quiet_transformers

        _quiet_transformers()
        try:
            TransformersConverter(str(source), copy_files=copy, low_cpu_mem_usage=True).convert(
                str(staging), quantization=quantization, force=True
            )
        except (OSError, ValueError, KeyError, NotImplementedError) as exc:
            reason = (str(exc).strip().splitlines() or [exc.__class__.__name__])[0]
            raise ModelError(f"cannot convert {source}: {reason}") from None
        (staging / INFO_FILE).write_text(
            json.dumps({"source": str(source), "quantization": quantization}, indent=2),
            encoding="utf-8",
        )
    return target
