"""Translation with CTranslate2: the same NLLB / M2M100 models, converted, int8 on CPU.

Glossary terms: see `toolkit.engines.ct2_place` (the model's own rendering of a name is
replaced by the glossary form; forcing at the start of the prefix where that cannot settle it).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from toolkit import languages
from toolkit.engines.base import (
    AT_LIMIT,
    TEST_MODEL_MARKER,
    EngineInfo,
    Hypothesis,
    TermConstraint,
)
from toolkit.engines.batching import Budget, Row, run_batches
from toolkit.engines.ct2_place import EOS, CT2Placement, Output
from toolkit.errors import ModelError, choices_error, no_cuda_error
from toolkit.models import ResolvedModel, models_dir

VMAP_FILE = "vmap.txt"  # CTranslate2 reads it from the model folder (`use_vmap`)


def is_ct2_folder(path: Path) -> bool:
    """A CTranslate2 model folder holds `model.bin` (a transformers folder does not)."""
    return (path / "model.bin").is_file()


def converted_name(model: ResolvedModel) -> str:
    """The folder name `mekong models convert` gives a model by default: NAME-ct2."""
    base = model.local_path.name if model.local_path else str(model.hub_id).split("/")[-1]
    return f"{base}-ct2"


def find_converted(model: ResolvedModel) -> Path | None:
    """The converted folder for `model`: itself, a NAME-ct2 sibling, or models/NAME-ct2."""
    candidates: list[Path] = []
    if model.local_path:
        candidates += [model.local_path, model.local_path.with_name(converted_name(model))]
    candidates.append(models_dir() / converted_name(model))
    return next((p for p in candidates if is_ct2_folder(p)), None)


def pick_ct2_device(device: str) -> str:
    import ctranslate2

    has_cuda = ctranslate2.get_cuda_device_count() > 0
    if device == "auto":
        return "cuda" if has_cuda else "cpu"
    if device == "cuda" and not has_cuda:
        raise no_cuda_error()
    if device not in ("cpu", "cuda"):
        raise choices_error("device", device, ("auto", "cpu", "cuda"))
    return device


class CTranslate2Engine(CT2Placement):
    """A converted NLLB / M2M100 model through `ctranslate2.Translator`, batched, length-sorted."""

    def __init__(
        self,
        model: ResolvedModel,
        *,
        device: str = "auto",
        beam_size: int = 4,
        batch_size: int = 16,
        threads: int | None = None,
        max_length: int = 512,
        compute_type: str = "default",
        fixed_new_tokens: int | None = None,
        batch_tokens: int | None = None,
        batch_rows: int | None = None,
        use_vmap: bool = True,
    ) -> None:
        try:
            import ctranslate2
        except ImportError as exc:
            raise ModelError(
                f"the ctranslate2 engine is not available ({exc}): "
                "pip install 'mekong-toolkit[ct2]'"
            ) from None

        from toolkit.engines.transformers_engine import _quiet_transformers

        folder = find_converted(model)
        if folder is None:
            raise ModelError(self._not_converted_message(model))
        self.device = pick_ct2_device(device)
        self.beam_size = beam_size
        self.batch_size = batch_size
        self.max_length = max_length
        self.fixed_new_tokens = fixed_new_tokens
        # shared batches across targets (`translate_rows`); CPU figures, not measured on GPU
        default = Budget.for_beam(beam_size)
        self.budget = Budget(batch_tokens or default.tokens, batch_rows or default.rows)
        # the model's per-language output vocabulary (vmap.txt, written by `models convert`)
        self.use_vmap = use_vmap and (folder / VMAP_FILE).is_file()
        try:
            self.translator = ctranslate2.Translator(
                str(folder),
                device=self.device,
                compute_type=compute_type,
                intra_threads=threads or 0,
            )
        except (RuntimeError, ValueError) as exc:
            raise ModelError(f"cannot load CTranslate2 model from {folder}: {exc}") from None
        _quiet_transformers()
        from transformers import AutoTokenizer

        try:
            self.tokenizer = AutoTokenizer.from_pretrained(str(folder), local_files_only=True)
        except (OSError, ValueError) as exc:
            raise ModelError(
                f"{folder}: no usable tokenizer files ({exc.__class__.__name__}); "
                "convert again with `mekong models convert`"
            ) from None
        self.family = "m2m100" if "M2M100Tokenizer" in type(self.tokenizer).__name__ else "nllb"
        self.path = folder
        self.info = EngineInfo("ctranslate2", str(folder), (folder / TEST_MODEL_MARKER).exists())

    @staticmethod
    def _not_converted_message(model: ResolvedModel) -> str:
        target = models_dir() / converted_name(model)
        if model.local_path is None:
            return (
                f"model '{model.hub_id}' has no CTranslate2 version here ({target} not found): "
                f"pull it (`mekong models pull`) and run `mekong models convert {model.requested}`"
            )
        return (
            f"{model.local_path} is not a CTranslate2 model (no model.bin) and has not been "
            f"converted: run `mekong models convert {model.requested}`, then pass the converted "
            "folder or the same model name"
        )

    # -- language codes and tokens ------------------------------------------------------
    def lang_code(self, lang: str) -> str:
        spec = languages.get(lang)
        return f"__{spec.m2m}__" if self.family == "m2m100" else spec.nllb

    def _src_tokens(self, texts: list[str], src: str) -> list[list[str]]:
        """Source pieces of every text (one batched tokenizer call)."""
        if self.family == "m2m100":
            self.tokenizer.src_lang = languages.get(src).m2m
        else:
            self.tokenizer.src_lang = self.lang_code(src)
        ids = self.tokenizer(texts, truncation=True, max_length=self.max_length).input_ids
        return [list(self.tokenizer.convert_ids_to_tokens(row)) for row in ids]

    def _term_tokens(self, term: str) -> list[str]:
        return self._pieces([term])[0]

    def _pieces(self, texts: list[str]) -> list[list[str]]:
        """Target-side pieces of every text, no special tokens (one batched call)."""
        if not texts:
            return []
        ids = self.tokenizer(list(texts), add_special_tokens=False).input_ids
        return [list(self.tokenizer.convert_ids_to_tokens(row)) for row in ids]

    def _decode(self, tokens: list[str]) -> str:
        ids = self.tokenizer.convert_tokens_to_ids(tokens)
        return str(self.tokenizer.decode(ids, skip_special_tokens=True)).strip()

    # -- translation ----------------------------------------------------------------------
    def translate(
        self,
        texts: Sequence[str],
        src: str,
        tgt: str,
        constraints: Sequence[Sequence[TermConstraint]] | None = None,
        progress: Callable[[int], None] | None = None,
    ) -> list[Hypothesis]:
        """Translate in length-sorted batches; results come back in input order."""
        code = self._code(tgt)

        def decode(idx: list[int]) -> list[Hypothesis]:
            batch_constraints = [list(constraints[i]) for i in idx] if constraints else None
            return self._translate_batch([texts[i] for i in idx], src, code, batch_constraints)

        lengths = [len(t) for t in texts]
        return run_batches(lengths, Budget.of_rows(self.batch_size), decode, progress)

    def translate_rows(
        self,
        rows: Sequence[Row | tuple[str, str, str, Sequence[TermConstraint]]],
        progress: Callable[[int], None] | None = None,
    ) -> list[Hypothesis]:
        """(text, src, tgt, constraints) rows of any targets in shared, token-budgeted batches
        (`toolkit.engines.batching`); results come back in input order."""
        items = [Row(*r) for r in rows]
        codes = [self._code(r.tgt) for r in items]
        sources: list[list[str]] = [[] for _ in items]
        for src in dict.fromkeys(r.src for r in items):  # one tokenizer call per source language
            idx = [i for i, r in enumerate(items) if r.src == src]
            for i, toks in zip(
                idx, self._src_tokens([items[i].text for i in idx], src), strict=True
            ):
                sources[i] = toks

        def decode(idx: list[int]) -> list[Hypothesis]:
            cons = [list(items[i].constraints) for i in idx]
            return self._decode_rows(
                [sources[i] for i in idx],
                [items[i].text for i in idx],
                [codes[i] for i in idx],
                cons if any(cons) else None,
                max_batch=len(idx),
            )

        return run_batches([len(s) for s in sources], self.budget, decode, progress)

    def _code(self, tgt: str) -> str:
        code = self.lang_code(tgt)
        if self.tokenizer.convert_tokens_to_ids(code) == self.tokenizer.unk_token_id:
            raise ModelError(f"model {self.info.model} does not know the language code {code}")
        return code

    def _lengths(self, sources: list[list[str]]) -> tuple[int, int]:
        """(min, max) decoding length, language token included, as the transformers engine."""
        if self.fixed_new_tokens:
            return self.fixed_new_tokens, self.fixed_new_tokens
        src_len = max(len(s) for s in sources)
        return 2, min(self.max_length, 2 * src_len + 16)

    def _translate_batch(
        self,
        texts: list[str],
        src: str,
        code: str,
        constraints: list[list[TermConstraint]] | None,
    ) -> list[Hypothesis]:
        sources = self._src_tokens(texts, src)
        return self._decode_rows(sources, texts, [code] * len(texts), constraints, self.batch_size)

    def _decode_rows(
        self,
        sources: list[list[str]],
        texts: list[str],
        codes: list[str],
        constraints: list[list[TermConstraint]] | None,
        max_batch: int,
    ) -> list[Hypothesis]:
        """One decoding pass (each row its own target prefix), then the glossary placement
        per target language (`CT2Placement._enforce` works on one language code)."""
        min_len, max_len = self._lengths(sources)
        terms = bool(constraints and any(constraints))
        results = self.translator.translate_batch(
            sources,
            target_prefix=[[code] for code in codes],
            beam_size=self.beam_size,
            max_batch_size=max_batch,
            max_input_length=self.max_length,
            min_decoding_length=min_len,
            max_decoding_length=max_len,
            use_vmap=self.use_vmap,
            return_scores=True,
            return_end_token=True,
            return_attention=terms,  # where a missing term's rendering stands
        )
        out: list[Hypothesis] = []
        outputs: list[Output] = []
        for res in results:
            hyp = list(res.hypotheses[0])
            # CT2's score is the sum of the non-prefix token log-probs over the whole length.
            total = float(res.scores[0]) * len(hyp)
            out.append(self._hypothesis(hyp[1:], total / max(1, len(hyp) - 1)))
            # attention row k: while writing output token k (the one after the language token
            # being 0); the end token's row is dropped
            att = [list(r) for r in res.attention[0]][: len(hyp) - 1] if terms else None
            outputs.append(Output([t for t in hyp[1:] if t != EOS], hyp[-1] == EOS, att))
        if terms and constraints is not None:
            for code in dict.fromkeys(codes):
                idx = [i for i, c in enumerate(codes) if c == code]
                if not any(constraints[i] for i in idx):
                    continue
                sub = [out[i] for i in idx]
                self._enforce(
                    [sources[i] for i in idx],
                    [texts[i] for i in idx],
                    code,
                    sub,
                    [outputs[i] for i in idx],
                    [constraints[i] for i in idx],
                    max_len,
                )
                for i, hyp in zip(idx, sub, strict=True):
                    out[i] = hyp
        return out

    def _hypothesis(self, tokens: list[str], logprob: float) -> Hypothesis:
        """`tokens` without the language token; the end token counts as generated."""
        words = [t for t in tokens if t != EOS]
        cut = {} if EOS in tokens else {AT_LIMIT: 1.0}  # the decoding limit ended it
        return Hypothesis(self._decode(words), logprob, len(tokens), cut)


__all__ = ["VMAP_FILE", "CTranslate2Engine", "find_converted", "is_ct2_folder"]
