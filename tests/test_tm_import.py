"""`mekong tm import|list|remove`: another tool's TMX becomes reusable translation memory."""

from __future__ import annotations

import polars as pl
import pytest

from toolkit import store
from toolkit.tm import TranslationMemory

tmx = pytest.importorskip("translate.storage.tmx", reason="translate-toolkit (dev extra)")

PAIRS = [
    ("We welcome the delegation from Laos to this regional meeting.", "សូមស្វាគមន៍គណៈប្រតិភូ។"),
    ("The committee will meet again next spring.", "គណៈកម្មាធិការនឹងជួបគ្នាម្តងទៀត។"),
]

# What Trados/OmegaT write: a DOCTYPE line, a region subtag, several targets, a language
# Mekong does not translate, a unit without the source language.
MULTI = """<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE tmx SYSTEM "tmx14.dtd">
<tmx version="1.4">
  <header creationtool="SDL Trados Studio" creationtoolversion="17" segtype="sentence"
          o-tmf="SDL TM8" adminlang="en-US" srclang="EN-US" datatype="xml"/>
  <body>
    <tu>
      <tuv xml:lang="EN-US"><seg>Good morning, colleagues.</seg></tuv>
      <tuv xml:lang="km-KH"><seg>អរុណសួស្តី សហការី។</seg></tuv>
      <tuv xml:lang="vi-VN"><seg>Chào buổi sáng các đồng nghiệp.</seg></tuv>
      <tuv xml:lang="fr-FR"><seg>Bonjour, chers collègues.</seg></tuv>
    </tu>
    <tu>
      <tuv xml:lang="vi-VN"><seg>Chỉ có tiếng Việt.</seg></tuv>
    </tu>
  </body>
</tmx>
"""


def _tt_tmx(path, pairs) -> None:
    """A TMX as translate-toolkit writes it."""
    memory = tmx.tmxfile(sourcelanguage="en", targetlanguage="km")
    for src, tgt in pairs:
        memory.addsourceunit(src).target = tgt
    path.write_bytes(bytes(memory))


def test_multilingual_tmx_of_another_tool(mekong, workdir):
    (workdir / "trados.tmx").write_text(MULTI, encoding="utf-8")
    result = mekong("tm", "import", "trados.tmx")
    assert result.code == 0, result.err
    assert "fr" in result.err and "without a source variant" in result.err
    frame = pl.read_parquet(workdir / "aligned" / "tm-trados.parquet").sort("tgt_lang")
    assert frame["tgt_lang"].to_list() == ["km", "vi"]
    assert set(frame["src_lang"]) == {"en"} and set(frame["origin"]) == {"tm"}
    assert frame["tgt_text"].to_list() == ["អរុណសួស្តី សហការី។", "Chào buổi sáng các đồng nghiệp."]
    assert set(frame["engine"]) == {"tmx:SDL Trados Studio"}
    memory = TranslationMemory.load(workdir / "aligned", "en", ["km", "vi"])
    assert memory.lookup("Good morning, colleagues.", "vi").entry.tgt_text.startswith("Chào")

    listed = mekong("tm", "list")
    assert listed.code == 0 and "tm-trados" in listed.out and "km 1, vi 1" in listed.out
    assert mekong("tm", "remove", "tm-trados").code == 0
    assert not (workdir / "aligned" / "tm-trados.parquet").exists()
    assert mekong("tm", "list").out.strip() == ""


def test_bad_tmx_and_remove_of_a_translation_refused(mekong, workdir, fake_cli):
    (workdir / "evil.tmx").write_text(
        '<?xml version="1.0"?><!DOCTYPE tmx [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        "<tmx><header srclang='en'/><body>&x;</body></tmx>",
        encoding="utf-8",
    )
    evil = mekong("tm", "import", "evil.tmx")
    assert evil.code == 3 and "refused" in evil.err and "Traceback" not in evil.err
    (workdir / "all.tmx").write_text(MULTI.replace('srclang="EN-US"', 'srclang="*all*"'), "utf-8")
    assert mekong("tm", "import", "all.tmx").code == 2  # no single source: --src needed
    assert mekong("tm", "import", "all.tmx", "--src", "en").code == 0
    (workdir / "speech.txt").write_text("Thank you all.", encoding="utf-8")
    args = ["--src", "en", "--tgt", "km", "--model", "fake", "--beam", "1"]
    assert mekong("translate", "speech.txt", *args).code == 0
    refused = mekong("tm", "remove", "speech")
    assert refused.code == 2 and "not an imported" in refused.err
    assert (workdir / "aligned" / "speech.parquet").exists()


def test_translate_reuses_a_translate_toolkit_tmx(mekong, workdir, fake_cli):
    _tt_tmx(workdir / "partner.tmx", PAIRS)
    result = mekong("tm", "import", "partner.tmx", "--src", "en")
    assert result.code == 0, result.err
    (workdir / "speech.txt").write_text(
        # the first sentence exactly, the second with one word changed, a third unknown
        f"{PAIRS[0][0]}\n\nThe committee will meet again next summer.\n\nThank you all.",
        encoding="utf-8",
    )
    args = ["--src", "en", "--tgt", "km", "--model", "fake", "--beam", "1"]
    assert mekong("translate", "speech.txt", *args).code == 0, result.err
    frame = pl.read_parquet(workdir / "aligned" / "speech.parquet").sort("seg_id")
    assert frame["origin"].to_list() == ["tm", "tm", "mt"]
    exact, fuzzy = frame.row(0, named=True), frame.row(1, named=True)
    assert exact["tgt_text"] == PAIRS[0][1] and exact["signals"]["tm_match"] == 1.0
    assert fuzzy["tgt_text"] == PAIRS[1][1] and 0.85 <= fuzzy["signals"]["tm_match"] < 1.0
    assert "tm_fuzzy" in fuzzy["signals"]["flags"]
    # a unit the reviewer rejected in the memory is no longer reused
    path = workdir / "aligned" / "tm-partner.parquet"
    store.write_frame(pl.read_parquet(path).with_columns(review=pl.lit("rejected")), path)
    again = mekong("translate", "speech.txt", *args, "--doc-id", "again")
    assert again.code == 0
    assert set(pl.read_parquet(workdir / "aligned" / "again.parquet")["origin"]) == {"mt"}
