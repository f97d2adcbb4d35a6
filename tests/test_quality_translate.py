"""Quality in the pipeline: --roundtrip and the status/flag summary of `mekong translate`."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import polars as pl

from toolkit import documents
from toolkit.engines.base import EngineInfo, Hypothesis
from toolkit.quality import SIGNAL_FIELDS
from toolkit.translate import TranslateOptions, translate_document

SAMPLE = Path(__file__).resolve().parent.parent / "samples" / "parallel-speech"
EN = (SAMPLE / "en.txt").read_text(encoding="utf-8").splitlines()
VI = (SAMPLE / "vi.txt").read_text(encoding="utf-8").splitlines()


class LookupEngine:
    """A stand-in engine translating the sample sentences en<->vi; back-translation of line 3
    comes out unrelated, as a mistranslation would."""

    info = EngineInfo("lookup", "sample", test_model=False)

    def __init__(self) -> None:
        self.calls: list[tuple[str, str]] = []

    def translate(self, texts: Sequence[str], src: str, tgt: str, constraints=None, progress=None):
        self.calls.append((src, tgt))
        table = dict(zip(EN, VI, strict=True)) if src == "en" else dict(zip(VI, EN, strict=True))
        table[VI[3]] = "The weather in the capital was pleasant yesterday."
        return [Hypothesis(table[t], logprob=-0.3) for t in texts]


def test_roundtrip_translates_back_and_scores_it(tmp_path):
    doc = documents.from_text("\n\n".join(EN[:4]))
    engine = LookupEngine()
    options = TranslateOptions("en", ["vi"], "rt", out_dir=tmp_path, roundtrip=True)
    frame = translate_document(doc, options, engine).frame.sort("seg_id")
    assert engine.calls == [("en", "vi"), ("vi", "en")]
    chrf = frame["signals"].struct.field("roundtrip_chrf").to_list()
    assert chrf[:3] == [1.0, 1.0, 1.0] and chrf[3] < 0.35
    assert frame["status"].to_list() == ["ok", "ok", "ok", "review"]
    assert "roundtrip_low" in frame["signals"].struct.field("flags").to_list()[3]

    plain = translate_document(doc, TranslateOptions("en", ["vi"], "p", tmp_path), LookupEngine())
    assert plain.frame["signals"].struct.field("roundtrip_chrf").is_null().all()
    assert set(plain.frame["status"]) == {"ok"}


def test_cli_roundtrip_and_summary_with_the_test_model(mekong, workdir, fake_cli):
    (workdir / "speech.txt").write_text("Thank you!\n", encoding="utf-8")
    args = ["translate", "speech.txt", "--src", "en", "--tgt", "km", "--model", "fake"]
    result = mekong(*args, "--beam", "1", "--roundtrip")
    assert result.code == 0, result.err
    frame = pl.read_parquet(workdir / "aligned" / "speech.parquet")
    signals = frame["signals"].struct.unnest()
    assert list(signals.columns) == list(SIGNAL_FIELDS)
    assert signals["roundtrip_chrf"].is_between(0, 1).all()
    # random-weight output is never "ok", and the summary says why
    assert frame["status"].to_list() != ["ok"]
    assert "flags km: " in result.out and "test_model" in result.out
    worst = result.out.split("worst segments:")[1].splitlines()[1:]
    assert worst and all("[" in line and "test_model" in line for line in worst)


def test_translate_measures_adequacy_unless_turned_off(tmp_path, monkeypatch):
    from toolkit import embeddings

    doc = documents.from_text("\n\n".join(EN[:3]))
    off = TranslateOptions("en", ["vi"], "off", tmp_path, adequacy=False)
    frame = translate_document(doc, off, LookupEngine()).frame
    assert frame["signals"].struct.field("adequacy").is_null().all()
    assert set(frame["signals"].struct.field("signals_missing")) == {""}
    monkeypatch.setattr(embeddings, "available", lambda: False)
    frame = translate_document(doc, TranslateOptions("en", ["vi"], "m", tmp_path), LookupEngine())
    assert set(frame.frame["signals"].struct.field("signals_missing")) == {"adequacy"}
    assert set(frame.frame["status"]) == {"ok"}  # a missing signal does not cost a status
    monkeypatch.undo()
    if embeddings.available():
        on = translate_document(doc, TranslateOptions("en", ["vi"], "on", tmp_path), LookupEngine())
        values = on.frame["signals"].struct.field("adequacy").to_list()
        assert all(0.5 < v <= 1.0 for v in values)
