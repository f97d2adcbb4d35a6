"""`mekong srx`: the segmentation rules as SRX 2.0, read from the strategies' own data."""

from __future__ import annotations

import re
from xml.etree import ElementTree as ET

from toolkit.segment import en, km, lo

SRX = "{http://www.lisa.org/srx20}"


def test_srx_has_each_language_with_the_codes_rules(mekong, workdir):
    result = mekong("srx", "-o", "rules.srx")
    assert result.code == 0, result.err
    root = ET.parse(workdir / "rules.srx").getroot()
    assert root.tag == f"{SRX}srx" and root.get("version") == "2.0"
    rules = {
        r.get("languagerulename"): [
            (x.get("break"), x.findtext(f"{SRX}beforebreak"), x.findtext(f"{SRX}afterbreak") or "")
            for x in r.findall(f"{SRX}rule")
        ]
        for r in root.iter(f"{SRX}languagerule")
    }
    assert set(rules) == {"en", "vi", "km", "lo", "th"}
    maps = {m.get("languagerulename") for m in root.iter(f"{SRX}languagemap")}
    assert maps == set(rules)
    en_no = " ".join(before for brk, before, _ in rules["en"] if brk == "no")
    for word in ("mr", "h\\.e", "dr"):
        assert word in en.NEVER_FINAL or word.replace("\\", "") in en.NEVER_FINAL
        assert f"|{word}|" in en_no.replace("(?:", "|").replace(")", "|")
    assert rules["en"][-1][0] == "yes"  # the general sentence end comes last
    assert any(brk == "yes" and km.SENTENCE_MARKS in b for brk, b, _ in rules["km"])
    assert any(brk == "no" and "ល" in a for brk, _, a in rules["km"])  # ។ល។ is no end
    lo_no = " ".join(b for brk, b, _ in rules["lo"] if brk == "no")
    assert all(abbr in lo_no for abbr in lo.ABBREVIATIONS)
    # the whole Lao run before the dot is the word: "ມາຮ່ວມ." ends a sentence though "ມ." would not
    lo_abbr = re.compile(next(b for brk, b, _ in rules["lo"] if brk == "no") + "$")
    for text, abbreviation in (("ທ່ານ ປອ.", True), ("ສ.ປ.ປ.", True), ("ທີ່ມາຮ່ວມ.", False)):
        assert bool(lo_abbr.search(text)) is abbreviation, text
    assert [brk for brk, _, _ in rules["th"]] == ["yes"]  # the Thai model is not expressible
    stdout = mekong("srx")
    assert stdout.code == 0 and "<srx" in stdout.out
