"""SRX 2.0 export of the segmentation rules that a CAT tool's rule engine can express.

Read from the strategies' own data (`en`/`vi` LatinRules, `km` marks, `lo` abbreviations and
openers), so the file follows the code. Rules are ordered: the first match wins. What SRX cannot
express, and a CAT tool will therefore segment differently: the Thai statistical model (only
"?"/"!" before a space are exported for th), Lao's minimum sentence length and conjunction
checks before a space-only boundary, the joining of letterless pieces ("1.", "(a)") to the next
sentence, and the structure layer (headings, salutations, date lines, bullets, markup).
"""

from __future__ import annotations

import re
from xml.etree import ElementTree as ET

NS = "http://www.lisa.org/srx20"
_CLOSE = "[\"'”’»)\\]}]*"
_END = rf"(?:\.{{2,}}|…|[.!?])+{_CLOSE}"


def _alt(words) -> str:
    return "(?:" + "|".join(re.escape(w) for w in sorted(words, key=lambda w: (-len(w), w))) + ")"


def _latin(rules) -> list[tuple[bool, str, str]]:
    """(break, before, after) for en/vi, in the order the code decides."""
    return [
        (False, _END, r"\s+\p{Ll}"),  # the next word in lower case: the sentence goes on
        (True, r"[?!…]+" + _CLOSE, r"\s"),
        (
            True,
            rf"(?i)\b{_alt(rules.maybe_final)}\.{_CLOSE}",
            rf"(?i)\s+[\"'“‘«(\[{{]*{_alt(rules.openers)}\b",
        ),
        (False, rf"(?i)\b{_alt(rules.maybe_final)}\.", r"\s"),
        (False, rf"(?i)\b{_alt(rules.never_final | rules.title_parts)}\.", r"\s"),
        (False, r"\b\p{L}\.", r"\s"),  # an initial
        (True, _END, r"\s"),
    ]


def _khmer() -> list[tuple[bool, str, str]]:
    from toolkit.segment import km

    return [
        (False, km.ETC[0], r"\s*" + re.escape(km.ETC[1:])),
        (False, re.escape(km.ETC), ""),
        (True, f"[{km.SENTENCE_MARKS}]+{_CLOSE}", ""),
        (True, r"[?!？！]+" + _CLOSE, r"(?:\s|[\u1780-\u17ff])"),
    ]


def _lao() -> list[tuple[bool, str, str]]:
    from toolkit.segment import lo

    # the whole Lao run before the dot is the word (Lao has no spaces between words): a known
    # abbreviation or one to three bare consonants ("ປອ.", "ສ.ປ.ປ."), never the end of "ມາຮ່ວມ."
    consonants = lo._CONSONANTS.pattern  # the segmenter's own definition of a bare consonant run
    return [
        (False, rf"(?<![\u0e80-\u0eff])(?:{_alt(lo.ABBREVIATIONS)}|{consonants})\.", r"\s"),
        (True, _END, r"\s"),
        (True, r"[\u0e80-\u0eff\"'”’»)\]}]", rf"\s+[\"“‘«(]*{_alt(lo.OPENERS)}"),
    ]


def rules_by_language() -> dict[str, list[tuple[bool, str, str]]]:
    from toolkit.segment import en, vi

    return {
        "en": _latin(en.RULES),
        "vi": _latin(vi.RULES),
        "km": _khmer(),
        "lo": _lao(),
        "th": [(True, r"[?!]+" + _CLOSE, r"\s")],
    }


def dumps() -> bytes:
    """The SRX 2.0 document (cascade off: one rule set per language)."""
    ET.register_namespace("", NS)
    q = lambda tag: f"{{{NS}}}{tag}"  # noqa: E731
    root = ET.Element(q("srx"), {"version": "2.0"})
    header = ET.SubElement(root, q("header"), {"segmentsubflows": "yes", "cascade": "no"})
    for kind in ("start", "end", "isolated"):
        ET.SubElement(header, q("formathandle"), {"type": kind, "include": "no"})
    body = ET.SubElement(root, q("body"))
    lang_rules = ET.SubElement(body, q("languagerules"))
    maps = ET.Element(q("maprules"))
    for lang, rules in rules_by_language().items():
        rule_el = ET.SubElement(lang_rules, q("languagerule"), {"languagerulename": lang})
        for brk, before, after in rules:
            rule = ET.SubElement(rule_el, q("rule"), {"break": "yes" if brk else "no"})
            ET.SubElement(rule, q("beforebreak")).text = before
            ET.SubElement(rule, q("afterbreak")).text = after
        ET.SubElement(
            maps, q("languagemap"), {"languagepattern": f"(?i){lang}.*", "languagerulename": lang}
        )
    body.append(maps)
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n"
