"""The structure layer shared by all languages: lines of a speech before sentences.

A paragraph is read line by line. Markdown heading markers ("## "), bullet and numbering
markers ("- ", "1. ", "(a) "), block quotes ("> "), emphasis markers (**bold**, *italic*) and
rule lines ("---") are markup: they are kept out of the text handed to a language strategy but
recorded, so every segment can be rebuilt (`base.restore`). Headings, salutation lines
("Excellencies,", "Your Excellencies, Ladies and Gentlemen!") and date/place lines are one
segment each; bullet items and ordinary lines are split into sentences. In Latin script a line
that starts in lower case continues the previous one (hard-wrapped text), and so does a heading
line; a paragraph broken off mid-sentence by page wrapping is joined to the next one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from toolkit.segment.base import Segmenter, trim

_HEADING = re.compile(r"#{1,6}[ \t]+")
_HEADING_CLOSE = re.compile(r"[ \t]+#+[ \t]*$")
_QUOTE = re.compile(r">[ \t]?")
_DIGIT = "0-9០-៩໐-໙๐-๙"
_BULLET = re.compile(
    rf"(?:[-*+•▪‣●◦–](?=[ \t])|\(?[{_DIGIT}]{{1,3}}(?:\.[{_DIGIT}]{{1,3}})*[.)]"
    r"|\(?[a-z][.)]|\([ivxIVX]{1,5}\)|[ivx]{1,5}\)|[IVX]{1,5}\.)[ \t]+"
)
_RULE = re.compile(r"(?:[-*_=][ \t]*){3,}")
_EMPHASIS = (
    re.compile(r"\*\*(?=\S)(.+?)(?<=\S)\*\*"),
    re.compile(r"(?<![\w_])__(?=\S)(.+?)(?<=\S)__(?![\w_])"),
    re.compile(r"(?<![*\w])\*(?=[^\s*])(.+?)(?<=[^\s*])\*(?![*\w])"),
    re.compile(r"(?<![_\w])_(?=[^\s_])(.+?)(?<=[^\s_])_(?![_\w])"),
)
_TERMINAL = re.compile(r"[.!?។៕…][\"'”’»)\]]*$")

# First words of salutation lines (lower case), per script; a salutation line is short,
# ends with "," "!" ":" or nothing, and starts with one of these.
_SALUTATION_START = re.compile(
    r"(?:your\s+|my\s+|dear\s+|most\s+)?(?:excellenc|ladies|gentlemen|distinguished|dear|"
    r"honou?rable|respected|esteemed|samdech|h\.e\.|majesty|highness|colleagues|friends|"
    r"guests|delegates|participants|mr\.?\s+(?:chair|president|speaker)|madam|"
    r"kính\s+thưa|thưa|kính\s+gửi|thân\s+mến|"
    r"សម្តេច|សម្ដេច|ឯកឧត្តម|លោកជំទាវ|អស់លោក|សូមគោរព|"
    # Thai and Lao lines carry no final mark, so only unambiguous openers count there.
    r"ຮຽນ|ເຖິງ|ພະນະທ່ານ|ບັນດາທ່ານ|ທ່ານປະທານ|"
    r"เรียน|กราบเรียน|ฯพณฯ|ท่านผู้มีเกียรติ|ท่านผู้ทรงเกียรติ|ท่านประธาน)",
    re.IGNORECASE,
)
_MONTHS = (
    r"january|february|march|april|may|june|july|august|september|october|november|december|"
    r"tháng|ngày|ខែ|ថ្ងៃ|ເດືອນ|ວັນທີ|ມັງກອນ|ກຸມພາ|ມີນາ|ເມສາ|ພຶດສະພາ|ມິຖຸນາ|ກໍລະກົດ|ສິງຫາ|"
    r"ກັນຍາ|ຕຸລາ|ພະຈິກ|ທັນວາ|วันที่|มกราคม|กุมภาพันธ์|มีนาคม|เมษายน|พฤษภาคม|มิถุนายน|"
    r"กรกฎาคม|สิงหาคม|กันยายน|ตุลาคม|พฤศจิกายน|ธันวาคม"
)
_DATE = re.compile(
    rf"(?:{_MONTHS})|\b[{_DIGIT}]{{1,4}}[/.-][{_DIGIT}]{{1,2}}[/.-][{_DIGIT}]{{2,4}}",
    re.IGNORECASE,
)


@dataclass
class Piece:
    """A markup string at [start, end) of the paragraph; `side` says where it attaches."""

    start: int
    end: int
    side: str  # "open" (to the following text) or "close" (to the preceding text)


@dataclass
class Line:
    start: int  # offset of the line in the paragraph
    kind: str
    chars: list[int] = field(default_factory=list)  # paragraph offsets of the clean characters
    pieces: list[Piece] = field(default_factory=list)


def parse_line(para: str, start: int, end: int) -> Line:
    """Strip markup from one line; keep the offsets of every character that stays."""
    pos = start
    while pos < end and para[pos] in " \t":
        pos += 1
    kind = "sentence"
    line = Line(start, kind)
    body = para[pos:end]
    if _RULE.fullmatch(body.rstrip()):
        line.kind = "rule"
        line.pieces.append(Piece(pos, end, "close"))
        return line
    for prefix, prefix_kind in ((_QUOTE, None), (_HEADING, "heading"), (_BULLET, "bullet")):
        m = prefix.match(para, pos, end)
        if m:
            line.pieces.append(Piece(pos, m.end(), "open"))
            pos = m.end()
            if prefix_kind:
                line.kind = prefix_kind
                break
    stop = end
    if line.kind == "heading":
        m = _HEADING_CLOSE.search(para, pos, end)
        if m:
            line.pieces.append(Piece(m.start(), end, "close"))
            stop = m.start()
    masked = list(para[pos:stop])
    for pattern in _EMPHASIS:
        text = "".join(masked)
        for m in pattern.finditer(text):
            width = (m.end() - m.start() - len(m.group(1))) // 2
            for a, side in ((m.start(), "open"), (m.end() - width, "close")):
                line.pieces.append(Piece(pos + a, pos + a + width, side))
                masked[a : a + width] = ["\0"] * width
    markup = {i for p in line.pieces for i in range(p.start, p.end)}
    line.chars = [i for i in range(pos, stop) if i not in markup]
    return line


def classify(text: str, kind: str) -> str:
    """Refine a line's kind from its clean text: salutation or date/place line."""
    stripped = text.strip()
    if kind != "sentence" or not stripped or len(stripped) > 120:
        return kind
    open_end = not _TERMINAL.search(stripped) or stripped.endswith("!")
    if open_end and _SALUTATION_START.match(stripped) and len(stripped.split()) <= 16:
        return "salutation"
    if (
        len(stripped) <= 80
        and not _TERMINAL.search(stripped)
        and _DATE.search(stripped)
        and re.search(rf"[{_DIGIT}]", stripped)
    ):
        return "dateline"
    return kind


@dataclass
class Unit:
    """One or more lines read together: a heading, a salutation, a run of sentences."""

    kind: str
    chars: list[int]  # paragraph offsets of the clean text, newlines between joined lines
    pieces: list[Piece]


def units(para: str, latin: bool, continues: frozenset[int] = frozenset()) -> list[Unit]:
    """Lines of a paragraph grouped into units (hard-wrapped lines and headings joined).

    `continues`: offsets where a paragraph that continues the previous one starts (page or
    line wrapping, see `continues_paragraph`); the blank lines before it are read as a space.
    """
    result: list[Unit] = []
    offset = 0
    text_end = 0  # end of the last line with text
    for raw in para.split("\n"):
        line = parse_line(para, offset, offset + len(raw))
        offset += len(raw) + 1
        text = "".join(para[i] for i in line.chars)
        line.kind = classify(text, line.kind)
        if line.kind == "rule" or not text.strip():
            if result:
                result[-1].pieces.extend(line.pieces)
            else:
                result.append(Unit("rule", [], list(line.pieces)))
            continue
        prev = result[-1] if result else None
        if prev is not None and prev.chars and line.start in continues:
            # The paragraph break: one newline read as a space, the rest kept as markup.
            if line.start - 1 > text_end:
                line.pieces.append(Piece(text_end, line.start - 1, "close"))
            _join(prev, line)
        elif prev is not None and prev.chars and _wraps(prev.kind, line.kind, text, latin):
            _join(prev, line)
        else:
            result.append(Unit(line.kind, list(line.chars), list(line.pieces)))
        text_end = line.start + len(raw.rstrip())
    return result


def _join(prev: Unit, line: Line) -> None:
    prev.chars.append(line.start - 1)  # the newline, read as a space
    prev.chars.extend(line.chars)
    prev.pieces.extend(line.pieces)


def _wraps(prev_kind: str, kind: str, text: str, latin: bool) -> bool:
    """A line starting in lower case continues a sentence (Latin script) or a heading."""
    if not text.lstrip()[:1].islower():
        return False
    if prev_kind == "heading":
        return kind in ("heading", "sentence")
    return latin and prev_kind in ("sentence", "bullet") and kind == "sentence"


_CONTINUE_BLOCKERS = ("salutation", "dateline", "rule", "bullet")
_WORD = re.compile(r"[^\W\d_]")
_PUNCT = "\"'“”‘’«»()[],.;:!?-–—"


def continues_paragraph(prev: str, nxt: str) -> bool:
    """Whether paragraph `nxt` continues `prev`, broken apart by page or line wrapping.

    `prev` must end mid-sentence (no final mark, colon or semicolon) and `nxt` start in lower
    case or with the word `prev` ends with ("... Focussing on the" / "the definition ...").
    Headings only continue headings; salutations, date lines and bullets never join.
    """
    last_raw = prev[prev.rfind("\n") + 1 :]
    first_raw = nxt.split("\n", 1)[0]
    last = parse_line(last_raw, 0, len(last_raw))
    first = parse_line(first_raw, 0, len(first_raw))
    last_text = "".join(last_raw[i] for i in last.chars).strip()
    first_text = "".join(first_raw[i] for i in first.chars).strip()
    kinds = (classify(last_text, last.kind), classify(first_text, first.kind))
    if not last_text or not first_text or any(k in _CONTINUE_BLOCKERS for k in kinds):
        return False
    if kinds[0] != kinds[1] or _TERMINAL.search(last_text) or last_text[-1] in ":;：":
        return False
    if first_text[0].islower():
        return True
    return _repeats(last_text.split()[-1], first_text.split()[0])


def _repeats(last: str, first: str) -> bool:
    """The next paragraph opens with the word the previous one ended with (page wrapping
    repeats it). Thai, Lao and Khmer write no spaces between words: there the previous
    chunk only has to end with the next one's first chunk."""
    last, first = last.strip(_PUNCT).casefold(), first.strip(_PUNCT).casefold()
    if not _WORD.search(first):
        return False
    if last == first:
        return True
    return not first.isascii() and len(first) >= 3 and last.endswith(first)


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    kind: str


def split_paragraph(
    para: str, segmenter: Segmenter, latin: bool, continues: frozenset[int] = frozenset()
) -> list[tuple[Span, str, tuple]]:
    """Segments of one paragraph (or of wrapped paragraphs read as one, see `units`)."""
    spans: list[Span] = []
    pieces: list[Piece] = []
    for unit in units(para, latin, continues):
        pieces.extend(unit.pieces)
        if not unit.chars:
            continue
        # Newlines inside a unit are wrapped lines: the strategy reads them as spaces.
        clean = "".join(" " if para[i] == "\n" else para[i] for i in unit.chars)
        if unit.kind in ("sentence", "bullet"):
            parts = segmenter.split(clean)
        else:
            parts = [trim(clean, 0, len(clean))]
        for n, (s, e) in enumerate(parts):
            if e <= s:
                continue
            kind = unit.kind if unit.kind != "bullet" or n == 0 else "sentence"
            spans.append(Span(unit.chars[s], unit.chars[e - 1] + 1, kind))
    if not spans:
        # Only markup ("---" between paragraphs): kept as it is, so nothing is lost.
        start, end = trim(para, 0, len(para))
        if end <= start:
            return []
        return [(Span(start, end, "rule"), para[start:end].replace("\n", " "), ())]
    spans = _attach(spans, pieces)
    return [(span, *_text_and_markup(para, span, pieces)) for span in spans]


def _attach(spans: list[Span], pieces: list[Piece]) -> list[Span]:
    """Grow spans over the markup outside them: openers to the next span, closers to the last."""
    starts = [s.start for s in spans]
    ends = [s.end for s in spans]
    for piece in pieces:
        if any(s <= piece.start and piece.end <= e for s, e in zip(starts, ends, strict=True)):
            continue
        after = [k for k, s in enumerate(starts) if s >= piece.end]
        before = [k for k, e in enumerate(ends) if e <= piece.start]
        if piece.side == "open" and after or not before:
            k = after[0]
            starts[k] = min(starts[k], piece.start)
        else:
            k = before[-1]
            ends[k] = max(ends[k], piece.end)
    return [Span(s, e, sp.kind) for s, e, sp in zip(starts, ends, spans, strict=True)]


def _text_and_markup(para: str, span: Span, pieces: list[Piece]) -> tuple[str, tuple]:
    """Segment text (markup out, newlines as spaces) and the removed markup with offsets."""
    inside = sorted(
        (p for p in pieces if span.start <= p.start and p.end <= span.end), key=lambda p: p.start
    )
    tokens: list[tuple[bool, str]] = []  # (is_markup, string)
    pos = span.start
    for piece in inside:
        tokens.extend((False, c) for c in para[pos : piece.start])
        tokens.append((True, para[piece.start : piece.end]))
        pos = piece.end
    tokens.extend((False, c) for c in para[pos : span.end])
    # Whitespace at either end of the text (next to markup) is markup too.
    text_idx = [i for i, (m, s) in enumerate(tokens) if not m and not s.isspace()]
    if text_idx:
        first, last = text_idx[0], text_idx[-1]
        tokens = [(m or i < first or i > last, s) for i, (m, s) in enumerate(tokens)]
    text: list[str] = []
    markup: list[tuple[int, str]] = []
    for is_markup, s in tokens:
        if is_markup:
            offset = len(text)
            if markup and markup[-1][0] == offset:
                markup[-1] = (offset, markup[-1][1] + s)
            else:
                markup.append((offset, s))
        else:
            text.append(" " if s == "\n" else s)
    return "".join(text), tuple(markup)
