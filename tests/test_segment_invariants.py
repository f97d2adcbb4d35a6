"""Properties of every segmentation: no overlap, exact spans, only whitespace lost."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from toolkit.documents import from_text
from toolkit.segment import restore, segment

PIECES = [
    "Mr.",
    "H.E.",
    "U.S.",
    "e.g.",
    "No. 5",
    "3.5",
    "Hello",
    "world",
    "TP.",
    "PGS.TS.",
    "Hà Nội",
    ".",
    "!",
    "?",
    "...",
    ",",
    ":",
    '"',
    "(",
    ")",
    "*",
    "**",
    "_",
    "#",
    "- ",
    "1. ",
    "---",
    "។",
    "៕",
    "ៗ",
    "៛",
    "៖",
    "។ល។",
    "ខ្ញុំ",
    "សូមអរគុណ",
    "ປອ.",
    "ໆ",
    "ຂ້າພະເຈົ້າ",
    "ດັ່ງນັ້ນ",
    "ລາວ",
    "ครับ",
    "นอกจากนี้",
    "ประเทศไทย",
    "ฯ",
    "Excellencies,",
    "Ladies and gentlemen,",
    " ",
    " ",
    "  ",
    "\n",
    "\n\n",
    "\t",
    "\u200b",
]
TEXTS = st.lists(st.sampled_from(PIECES), max_size=40).map("".join)


def _check(text: str, lang: str) -> None:
    doc = from_text(text)
    segs = segment(doc, lang)
    covered = [False] * len(doc.text)
    last_end = 0
    for seg in segs:
        assert 0 <= seg.start < seg.end <= len(doc.text)
        assert seg.start >= last_end, "segments overlap or are out of order"
        last_end = seg.end
        original = doc.text[seg.start : seg.end]
        assert original == original.strip(), "spans are trimmed"
        assert restore(seg) == original.replace("\n", " ")
        assert seg.text.strip() == seg.text and seg.text
        for i in range(seg.start, seg.end):
            covered[i] = True
    lost = "".join(c for c, cov in zip(doc.text, covered, strict=True) if not cov)
    assert not lost.strip(), f"non-whitespace lost: {lost!r}"
    assert [s.seg_id for s in segs] == list(range(len(segs)))


@settings(max_examples=60, deadline=None)
@given(TEXTS, st.sampled_from(["en", "vi", "km", "lo", "th"]))
def test_segments_never_overlap_and_lose_only_whitespace(text, lang):
    _check(text, lang)


@settings(max_examples=40, deadline=None)
@given(
    st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=60),
    st.sampled_from(["en", "km", "th"]),
)
def test_arbitrary_text(text, lang):
    _check(text, lang)
