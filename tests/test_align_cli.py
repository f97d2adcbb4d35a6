"""`mekong align`: files in, aligned groups printed and stored."""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import pytest
from test_align_samples import GOLD, MT_EN, SOURCE_VI, TARGET_EN

from toolkit import store


@pytest.fixture
def files(workdir: Path) -> dict[str, Path]:
    paths = {
        "src": workdir / "speech.vi.txt",
        "tgt": workdir / "speech.en.txt",
        "mt": workdir / "speech.mt.en",
    }
    paths["src"].write_text("\n".join(SOURCE_VI) + "\n", encoding="utf-8")
    paths["tgt"].write_text("\n".join(TARGET_EN) + "\n", encoding="utf-8")
    paths["mt"].write_text("\n".join(MT_EN) + "\n", encoding="utf-8")
    return paths


def test_align_text_output_and_store(mekong, files, workdir):
    result = mekong(
        "align", files["src"], files["tgt"], "--src", "vi", "--tgt", "en",
        "--src-mt", files["mt"], "--presegmented",
    )  # fmt: skip
    assert result.code == 0, result.err
    expected = [f"[{', '.join(map(str, s))}]:[{', '.join(map(str, t))}]" for s, t in GOLD]
    assert result.out.splitlines() == expected
    frame = pl.read_parquet(workdir / "aligned" / "speech.vi.parquet")
    assert set(store.REQUIRED) <= set(frame.columns)
    assert frame["src_ids"].to_list() == [s for s, _ in GOLD]
    assert frame["tgt_ids"].to_list() == [t for _, t in GOLD]
    assert set(frame["origin"]) == {"aligned"} and set(frame["review"]) == {"new"}
    merged = frame.filter(pl.col("seg_id") == 3).row(0, named=True)
    assert merged["src_text"] == f"{SOURCE_VI[3]} {SOURCE_VI[4]}"
    assert merged["tgt_text"] == TARGET_EN[3]
    assert merged["signals"]["align_score"] == merged["score"] > 0.3
    deleted = frame.filter(pl.col("tgt_ids").list.len() == 0).row(0, named=True)
    assert deleted["status"] == "review" and "unaligned" in deleted["signals"]["flags"]
    assert frame["engine"][0] == "src-mt:speech.mt.en"


def test_align_segments_documents_and_writes_jsonl(mekong, files, workdir):
    """Without --presegmented the files are segmented (here: paragraphs of several sentences)."""
    files["src"].write_text(" ".join(SOURCE_VI[:5]) + "\n\n" + " ".join(SOURCE_VI[5:]))
    files["tgt"].write_text(" ".join(TARGET_EN[:4]) + "\n\n" + " ".join(TARGET_EN[4:]))
    result = mekong(
        "align", files["src"], files["tgt"], "--src", "vi", "--tgt", "en",
        "--src-mt", files["mt"], "--format", "jsonl", "--doc-id", "speech-2024",
    )  # fmt: skip
    assert result.code == 0, result.err
    records = [json.loads(line) for line in result.out.splitlines()]
    assert [(r["src_ids"], r["tgt_ids"]) for r in records] == [(s, t) for s, t in GOLD]
    assert records[2]["tgt_text"] == TARGET_EN[2]
    assert (workdir / "aligned" / "speech-2024.parquet").exists()


def test_mt_line_count_must_match(mekong, files, workdir):
    files["mt"].write_text("\n".join(MT_EN[:-2]) + "\n", encoding="utf-8")
    result = mekong(
        "align", files["src"], files["tgt"], "--src", "vi", "--tgt", "en",
        "--src-mt", files["mt"], "--presegmented",
    )  # fmt: skip
    assert result.code == 3
    assert len(result.err.strip().splitlines()) == 1
    assert "10 lines but the source has 12 segments" in result.err
    assert not (workdir / "aligned" / "speech.vi.parquet").exists()


@pytest.mark.parametrize(
    ("extra", "code", "message"),
    [
        (["--format", "xml"], 2, "--format xml"),
        (["--groups", "1-1,2-2"], 2, "0-1 and 1-0"),
        (["--tgt", "vi"], 2, "same language"),
    ],
)
def test_bad_options(mekong, files, extra, code, message):
    args = ["align", files["src"], files["tgt"], "--src", "vi", "--tgt", "en"]
    result = mekong(*args, "--src-mt", files["mt"], *extra)
    assert result.code == code
    assert message in result.err and "Traceback" not in result.err


def test_align_with_the_engine_marks_test_model(mekong, files, workdir, fake_cli):
    """No --src-mt: the engine translates the source (the fake test engine)."""
    files["src"].write_text("\n".join(SOURCE_VI[9:]) + "\n", encoding="utf-8")
    files["tgt"].write_text("\n".join(TARGET_EN[8:]) + "\n", encoding="utf-8")
    result = mekong(
        "align", files["src"], files["tgt"], "--src", "vi", "--tgt", "en",
        "--presegmented", "--model", "fake", "--beam", "1",
    )  # fmt: skip
    assert result.code == 0, result.err
    assert "TEST MODEL" in result.err
    frame = pl.read_parquet(workdir / "aligned" / "speech.vi.parquet")
    assert frame["test_model"].all() and "TEST MODEL" in frame["engine"][0]
    covered = sorted(i for ids in frame["src_ids"].to_list() for i in ids)
    assert covered == [0, 1, 2]
    assert frame["mt_text"].str.len_chars().sum() > 0


def test_help_has_example(mekong):
    result = mekong("align", "--help")
    assert result.code == 0 and "Example: mekong align" in result.out
