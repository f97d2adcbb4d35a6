"""Translation with CTranslate2: the same NLLB / M2M100 models, converted, int8 on CPU.

CTranslate2 has no lexical constraints, so glossary terms are enforced by repair: decode
normally, and only for segments whose output misses a required term (or shows a forbidden
variant) re-decode once, greedily, from the best cut point with the term forced into the target
prefix. The cut is where the term's first token is most probable. At beam 1 (term_search
"logits", the default) that probability comes free from the first pass's output distributions
(`return_logits_vocab`), so a repair costs one greedy continuation and nothing else; otherwise
three cut points are scored teacher-forced in one `score_batch` call first ("score"). The
continuation does not decode again what the first pass already said (`_continue_resync`): a
term near the end gets its prefix fed in one pass and a short window decoded; elsewhere each
segment stops as soon as its continuation re-joins the first output, whose rest is spliced in.
A segment missing several terms is repaired one term per round; later rounds place their term
from distributions already computed (the continuation's, and the previous output's where it
re-joined), again without a scoring call (`first_pass_cuts`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from toolkit import languages
from toolkit.engines.base import TEST_MODEL_MARKER, EngineInfo, Hypothesis, TermConstraint
from toolkit.engines.ct2_repair import (  # noqa: F401
    EOS,
    LOGITS_BUDGET,
    RESYNC_WINDOW,
    RepairSearch,
    _Repair,
    find_rejoin,
)
from toolkit.errors import ModelError, UsageError
from toolkit.models import ResolvedModel, models_dir


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
        raise ModelError("--device cuda: no CUDA device is available (use --device cpu)")
    if device not in ("cpu", "cuda"):
        raise UsageError(f"--device {device}: choose auto, cpu or cuda")
    return device


class CTranslate2Engine(RepairSearch):
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
        cut_points: int = 3,
        term_search: str = "logits",
        repair_beam: int = 1,
        resync_window: int = RESYNC_WINDOW,
        first_pass_cuts: bool = True,
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
        self.cut_points = max(1, cut_points)
        if term_search not in ("logits", "score", "decode"):
            raise UsageError(f"term_search {term_search}: choose logits, score or decode")
        self.term_search = term_search
        self.repair_beam = max(1, repair_beam)  # greedy: a forced prefix costs a full decode
        self.resync_window = max(0, resync_window)  # 0: continue every repair to its end
        self.repair_stats: dict[str, int] = {}  # how repairs ended (bench and tests read it)
        # Later rounds place a term from the first pass's distributions where the output after
        # a re-join is the first output's; False: score cut points (one call per round).
        self.first_pass_cuts = first_pass_cuts
        self.cut_stats: dict[str, int] = {}  # how cuts were chosen: first_pass or scored
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

    def _src_tokens(self, text: str, src: str) -> list[str]:
        if self.family == "m2m100":
            self.tokenizer.src_lang = languages.get(src).m2m
        else:
            self.tokenizer.src_lang = self.lang_code(src)
        ids = self.tokenizer(text, truncation=True, max_length=self.max_length).input_ids
        return list(self.tokenizer.convert_ids_to_tokens(ids))

    def _term_tokens(self, term: str) -> list[str]:
        ids = self.tokenizer(term, add_special_tokens=False).input_ids
        return list(self.tokenizer.convert_ids_to_tokens(ids))

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
        code = self.lang_code(tgt)
        if self.tokenizer.convert_tokens_to_ids(code) == self.tokenizer.unk_token_id:
            raise ModelError(f"model {self.info.model} does not know the language code {code}")
        results: list[Hypothesis | None] = [None] * len(texts)
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]), reverse=True)
        for start in range(0, len(order), self.batch_size):
            idx = order[start : start + self.batch_size]
            batch_constraints = [list(constraints[i]) for i in idx] if constraints else None
            hyps = self._translate_batch([texts[i] for i in idx], src, code, batch_constraints)
            for i, hyp in zip(idx, hyps, strict=True):
                results[i] = hyp
            if progress:
                progress(len(idx))
        return [h for h in results if h is not None]

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
        sources = [self._src_tokens(t, src) for t in texts]
        min_len, max_len = self._lengths(sources)
        # Output distributions cost a copy per step (vocabulary x 4 bytes): only asked for
        # where a repair may use them, in chunks that keep them under LOGITS_BUDGET bytes.
        want_logits = bool(
            constraints
            and any(constraints)
            and self.term_search == "logits"
            and self.beam_size == 1
        )
        chunk = len(sources)
        if want_logits:
            chunk = max(1, LOGITS_BUDGET // (4 * len(self.tokenizer) * max_len))
        out: list[Hypothesis] = []
        tokens: list[list[str]] = []
        first_pass: dict[int, tuple[dict[int, list[float | None]], list[float]]] = {}
        for start in range(0, len(sources), chunk):
            results = self.translator.translate_batch(
                sources[start : start + chunk],
                target_prefix=[[code] for _ in sources[start : start + chunk]],
                beam_size=self.beam_size,
                max_batch_size=self.batch_size,
                max_input_length=self.max_length,
                min_decoding_length=min_len,
                max_decoding_length=max_len,
                return_scores=True,
                return_end_token=True,
                return_logits_vocab=want_logits,
            )
            for res in results:
                hyp = list(res.hypotheses[0])
                tokens.append([t for t in hyp[1:] if t != EOS])
                # CT2's score is the sum of the non-prefix token log-probs over the whole length.
                total = float(res.scores[0]) * len(hyp)
                n_gen = max(1, len(hyp) - 1)
                out.append(self._hypothesis(hyp[1:], total / n_gen))
                i = len(out) - 1
                missing = self._missing(out[i].text, constraints[i]) if want_logits else []
                if constraints and missing:
                    first_pass[i] = self._read_fits(res.logits[0], tokens[i], missing)
            del results
        if constraints and any(constraints):
            self._enforce(sources, code, out, tokens, constraints, max_len, first_pass)
        return out


__all__ = ["CTranslate2Engine", "find_converted", "is_ct2_folder"]
