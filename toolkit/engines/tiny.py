"""Build the tiny random-weight test model: real classes, real BPE tokenizer, meaningless output.

No weights can be downloaded here, so tests and offline trials run the real loading and
generation code path on this model. Everything it produces is marked as test output.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from toolkit import languages
from toolkit.errors import ModelError
from toolkit.models import TEST_MODEL_MARKER, staged_folder


@dataclass(frozen=True)
class TinySpec:
    vocab_size: int = 2000
    d_model: int = 64
    layers: int = 2
    heads: int = 4
    ffn: int = 128
    seed: int = 0


def training_text(extra_files: list[Path] | None = None) -> list[str]:
    """The tokenizer corpus: the shipped multilingual sample plus any glossary files given."""
    corpus = resources.files("toolkit").joinpath("data/tiny-corpus.txt").read_text("utf-8")
    lines = [ln for ln in corpus.splitlines() if ln.strip() and not ln.startswith("#")]
    for path in extra_files or []:
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip() and not line.startswith("#"):
                lines.extend(cell for cell in line.split("\t") if cell.strip())
    return lines


def random_model(tokenizer: Any, spec: TinySpec, vocab_size: int | None = None) -> Any:
    """A random-weight M2M100 of `spec`'s shape for `tokenizer`.

    `vocab_size` may exceed the tokenizer's (benchmarks use NLLB's 256k output layer).
    """
    import torch
    from transformers import M2M100Config, M2M100ForConditionalGeneration

    torch.manual_seed(spec.seed)
    config = M2M100Config(
        vocab_size=vocab_size or len(tokenizer),
        d_model=spec.d_model,
        encoder_layers=spec.layers,
        decoder_layers=spec.layers,
        encoder_attention_heads=spec.heads,
        decoder_attention_heads=spec.heads,
        encoder_ffn_dim=spec.ffn,
        decoder_ffn_dim=spec.ffn,
        max_position_embeddings=1024,
        pad_token_id=tokenizer.pad_token_id,
        bos_token_id=tokenizer.bos_token_id,
        eos_token_id=tokenizer.eos_token_id,
        decoder_start_token_id=tokenizer.eos_token_id,
        scale_embedding=True,
    )
    return M2M100ForConditionalGeneration(config).eval()


def train_tokenizer(lines: list[str], vocab_size: int, work_dir: Path) -> tuple[Any, Path]:
    """A BPE SentencePiece model on `lines` as an NllbTokenizer with the five language codes."""
    import sentencepiece as spm
    from transformers import NllbTokenizer

    codes = [languages.get(c).nllb for c in languages.SUPPORTED]
    corpus = work_dir / "corpus.txt"
    # Repeat the corpus so BPE finds enough merges on a small text.
    corpus.write_text("\n".join(lines * 4), encoding="utf-8")
    spm_dir = work_dir / "spm"
    spm_dir.mkdir()
    spm.SentencePieceTrainer.train(
        input=str(corpus),
        model_prefix=str(spm_dir / "sentencepiece.bpe"),
        vocab_size=vocab_size,
        model_type="bpe",  # as NLLB; unigram models convert lossily
        character_coverage=1.0,
        normalization_rule_name="identity",  # NFKC would split Thai ำ / Lao ຳ
        hard_vocab_limit=False,
        bos_id=0,
        pad_id=1,
        eos_id=2,
        unk_id=3,
        minloglevel=2,
    )
    # 5.x: language codes must be passed, or they silently map to <unk>.
    tokenizer = NllbTokenizer.from_pretrained(str(spm_dir), extra_special_tokens=codes)
    if any(tokenizer.convert_tokens_to_ids(c) == tokenizer.unk_token_id for c in codes):
        raise ModelError("test model: language codes were not added to the tokenizer")
    return tokenizer, spm_dir / "sentencepiece.bpe.model"


def save_test_model(
    out_dir: Path, model: Any, tokenizer: Any, spm_file: Path, marker: dict[str, Any]
) -> Path:
    """Save a test model with its tokenizer and the marker that flags its output everywhere."""
    with staged_folder(out_dir, ".test-model-") as staging:
        model.save_pretrained(staging)
        tokenizer.save_pretrained(staging)
        shutil.copy(spm_file, staging / "sentencepiece.bpe.model")
        (staging / TEST_MODEL_MARKER).write_text(
            json.dumps({"test_model": True, **marker}, indent=2), encoding="utf-8"
        )
    return out_dir


def build_tiny(
    out_dir: Path, spec: TinySpec | None = None, extra_files: list[Path] | None = None
) -> Path:
    """Train the tokenizer, build a random M2M100 model and save both into `out_dir`."""
    spec = spec or TinySpec()
    from toolkit.engines.transformers_engine import _quiet_transformers

    _quiet_transformers()
    with tempfile.TemporaryDirectory() as tmp:
        tokenizer, spm_file = train_tokenizer(
            training_text(extra_files), spec.vocab_size, Path(tmp)
        )
        marker = {
            "note": "random weights built by `mekong models build-tiny`; "
            "its translations are meaningless",
            "spec": spec.__dict__,
        }
        return save_test_model(out_dir, random_model(tokenizer, spec), tokenizer, spm_file, marker)
