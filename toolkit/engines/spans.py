"""Replace the model's own rendering of a concept by the glossary form (both engines).

A model with preferences writes its own name for a glossary concept and wants to stop. Forcing
the term elsewhere leaves that rendering beside it. Instead, for an output missing a term:
1. the rendering's place: the output pieces whose cross-attention mass on the source term's
   tokens is highest (a contiguous run around the peak), or a forbidden variant where it stands;
2. a few cut candidates around that place at grapheme boundaries (pieces of Khmer, Lao and
   Thai often straddle words), plus cuts where the form overlaps the text already;
3. each candidate `text[:p] + form + text[q:]` is scored teacher-forced by the engine in one
   batched call and the most probable wins: the model itself says where its rendering of the
   name begins and ends. What follows the name is the model's own continuation.
Candidates are texts, not token splices: the engine re-tokenises them, so pieces that merged
the name with its neighbour do not leave half a word behind. The engine checks the result
with the one "term present" rule and falls back to forcing where a placement fails.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from toolkit import languages
from toolkit.engines.base import TermConstraint

COENG = "\u17d2"  # Khmer subscript sign: the next consonant belongs to the same cluster
LEADING_VOWELS = set("\u0e40\u0e41\u0e42\u0e43\u0e44\u0ec0\u0ec1\u0ec2\u0ec3\u0ec4")
PEAK_SHARE = 0.5  # pieces with at least this share of the peak mass render the term
TAIL_SHARE = 0.12  # a later piece this near the peak still belongs to the name (see `tail`)


@dataclass
class Job:
    """One missing term of one output."""

    row: int  # the engine's index of the output
    term: int  # the term's index in the row's constraint list
    text: str
    spans: list[tuple[int, int]]  # character span of each output piece in `text`
    forms: list[str]  # glossary forms, preferred first
    mass: list[float] | None = None  # per piece: attention mass on the source term
    fixed: tuple[int, int] | None = None  # a forbidden variant: replace exactly this
    keep: list[tuple[int, int]] = field(default_factory=list)  # other terms: never cut into
    cands: list[tuple[int, int, str]] = field(default_factory=list)
    tail_end: bool = True  # try the attention tail's end first (see `tail`)
    tails: set[tuple[int, int, str]] = field(default_factory=set)  # candidates ending there


@dataclass
class Choice:
    text: str
    span: tuple[int, int]  # the characters of the result that hold the form
    cut: tuple[int, int]  # what was replaced in the job's text
    logprob: float  # sum over the scored tokens
    tokens: int


@lru_cache(maxsize=4096)
def present(text: str, c: TermConstraint) -> bool:
    """The one "term present" rule of both engines (verification's `term_present`), with no
    forbidden variant left; cached: the same outputs are asked about several times."""
    from toolkit.glossary.match import term_present

    required = [r for r in c.required if r]
    return term_present(text, required) and not (c.forbidden and term_present(text, c.forbidden))


def missing(text: str, constraints: Sequence[TermConstraint]) -> list[int]:
    """Indices of the constraints with a required form that `text` does not meet."""
    return [j for j, c in enumerate(constraints) if any(c.required) and not present(text, c)]


def piece_text(pieces: Sequence[str | None]) -> tuple[str, list[tuple[int, int]]]:
    """The text that sentencepiece pieces decode to and each piece's span in it. None (an id
    beyond the tokenizer's vocabulary, where the output layer is padded) decodes to nothing."""
    text, spans = "", []
    for piece in pieces:
        chunk = (piece or "").replace("\u2581", " ")
        if not text:
            chunk = chunk.lstrip()
        body = len(chunk) - len(chunk.lstrip())
        spans.append((len(text) + body, len(text) + len(chunk)))
        text += chunk
    return text, spans


def source_span(offsets: Sequence[tuple[int, int]], text: str, term: str) -> list[int]:
    """Indices of the source tokens (character `offsets`) that cover `term` in `text`."""
    if not term:
        return []
    at = text.find(term)
    if at < 0:
        at = text.lower().find(term.lower())
    if at < 0:
        return []
    end = at + len(term)
    return [i for i, (a, b) in enumerate(offsets) if b > a and a < end and b > at]


def is_boundary(text: str, p: int) -> bool:
    """A cut at `p` keeps graphemes and Latin words whole."""
    if p <= 0 or p >= len(text):
        return True
    prev, ch = text[p - 1], text[p]
    if unicodedata.category(ch) in ("Mn", "Mc", "Me") or prev == COENG or prev in LEADING_VOWELS:
        return False
    latin = {languages.script_of(prev), languages.script_of(ch)} & {"Latn"}
    return not (latin and (prev.isalnum() and ch.isalnum()))


def core(job: Job) -> tuple[int, int] | None:
    """Character span of the pieces that render the term (the run around the attention peak)."""
    if job.fixed is not None:
        return job.fixed
    mass = job.mass
    if not mass or not job.spans:
        return None
    n = min(len(mass), len(job.spans))
    peak = max(range(n), key=lambda k: mass[k])
    lo = hi = peak
    while lo > 0 and mass[lo - 1] >= PEAK_SHARE * mass[peak]:
        lo -= 1
    while hi + 1 < n and mass[hi + 1] >= PEAK_SHARE * mass[peak]:
        hi += 1
    return job.spans[lo][0], job.spans[hi][1]


def tail(job: Job, span: tuple[int, int], window: int) -> int | None:
    """End of the last piece, within `window` pieces after the attention core, whose mass is
    at least TAIL_SHARE of the peak: decoders attend to a source name while writing its first
    piece and often its last, rarely in between ("Tòa [án tối] cao" on "Supreme Court")."""
    mass = job.mass
    if not mass or job.fixed is not None:
        return None
    n = min(len(mass), len(job.spans))
    inside = [k for k in range(n) if span[0] <= job.spans[k][0] < span[1]]
    if not inside:
        return None
    peak = max(mass[k] for k in inside)
    end = None
    for k in range(inside[-1] + 1, min(n, inside[-1] + 1 + window)):
        a, b = job.spans[k]
        piece = job.text[a:b].strip()
        if piece and not any(ch.isalnum() for ch in piece):
            break  # punctuation ends the name: a sentence's full stop is never part of it
        if mass[k] >= TAIL_SHARE * peak:
            end = b
    return end


def candidates(job: Job) -> list[tuple[int, int, str]]:
    """As `_candidates`, without those that cut into another term already in the text (then
    the term goes right after such a term, or at the end)."""
    out = [c for c in _candidates(job) if not _hits(c[0], c[1], job.keep)]
    if out or not job.keep:
        return out
    stops = sorted({b for _, b in job.keep} | {len(job.text)})
    return [(p, p, f) for p in stops for f in job.forms]


def _hits(p: int, q: int, keep: list[tuple[int, int]]) -> bool:
    return any((p < b and a < q) if q > p else a < p < b for a, b in keep)


def keep_spans(text: str, forms: list[str]) -> list[tuple[int, int]]:
    """Where each of `forms` stands in `text` (every occurrence)."""
    out = []
    for f in forms:
        at = text.find(f) if f else -1
        while at >= 0:
            out.append((at, at + len(f)))
            at = text.find(f, at + 1)
    return out


def _candidates(job: Job) -> list[tuple[int, int, str]]:
    """(p, q, form): replace text[p:q] by form. At most two starts and two ends per form:
    the attention core's edges (moved to a boundary) and, where the text already holds the
    form's beginning or end near the core, that edge; else the next boundary outwards."""
    text = job.text
    span = core(job)
    if span is None:  # nothing says where: insert at a few boundaries (and at the end)
        stops = [p for p in range(len(text) + 1) if is_boundary(text, p)]
        picks = sorted({stops[(i * (len(stops) - 1)) // 3] for i in range(4)} if stops else {0})
        return [(p, p, f) for p in picks for f in job.forms]
    s, e = span
    if job.fixed is not None:
        return [(s, e, f) for f in job.forms]
    lo, hi = _piece_start(job, s), _piece_end(job, e)
    out: list[tuple[int, int, str]] = []
    for form in job.forms:
        s0, e0 = _snap(text, s, -1), _snap(text, e, 1)
        # the form's beginning already written up to two pieces before the core (one layer's
        # attention often arrives a piece late): measured better on a second toy build
        s1 = _overlap_start(text, _piece_start(job, lo), e, form)
        e1 = _overlap_end(text, s, hi, form)
        confirmed = s1 == s0  # the text holds the form's beginning at the core's start
        s1 = s1 if s1 is not None and s1 != s0 else _step(text, s0, -1, lo)
        e1 = e1 if e1 is not None and e1 != e0 else _step(text, e0, 1, hi)
        # first (what CTranslate2 takes without scoring): the core's start where the text
        # confirms it, else the earlier of the two
        starts = list(dict.fromkeys([s0, s1])) if confirmed else sorted({s0, s1})
        ends = sorted({e0, e1})
        # spaced text only: in Khmer, Lao and Thai a piece window is no word count
        far = tail(job, span, len(form.split())) if job.tail_end and " " in form else None
        if far is not None and far > e0:  # the name's last piece: tried first
            far = _snap(text, far, 1)
            ends = [far] + [q for q in ends if q != far]
            job.tails.add((starts[0], far, form))
        out += [(p, q, form) for p in starts for q in ends if q > p]
    return out or [(s, e, f) for f in job.forms]


def _snap(text: str, p: int, way: int) -> int:
    """The nearest boundary at or beyond `p` in direction `way` (skipping spaces outwards)."""
    while not is_boundary(text, p):
        p += way
    return p


def _step(text: str, p: int, way: int, limit: int) -> int:
    """The next boundary from `p` in direction `way`: the next word's far edge in spaced
    (Latin) text, else the next grapheme boundary (not past the piece `limit`)."""
    q = p + way
    inside = 0 < q < len(text)
    if inside and (_latin(text[min(p, q)]) or text[min(p, q)].isspace()):
        while 0 < q < len(text) and text[q if way > 0 else q - 1].isspace():
            q += way
        while 0 < q < len(text) and not text[q if way > 0 else q - 1].isspace():
            q += way
        return q
    while 0 < q < len(text) and not is_boundary(text, q):
        if (way < 0 and q <= limit) or (way > 0 and q >= limit):
            break
        q += way
    return max(0, min(len(text), q))


def _piece_start(job: Job, s: int) -> int:
    """Start of the piece before the one at `s` (a merged piece may hold the name's start)."""
    before = [a for a, b in job.spans if b <= s]
    return before[-1] if before else 0


def _piece_end(job: Job, e: int) -> int:
    after = [b for a, b in job.spans if a >= e]
    return after[0] if after else len(job.text)


def _overlap_start(text: str, lo: int, e: int, form: str) -> int | None:
    """Where the form's beginning (two graphemes or more) already stands in text[lo:e]."""
    for k in range(len(form), 1, -1):
        if not is_boundary(form, k):
            continue
        at = text.find(form[:k], lo, e)
        if at >= 0 and is_boundary(text, at):
            return at
    return None


def _overlap_end(text: str, s: int, hi: int, form: str) -> int | None:
    for k in range(len(form), 1, -1):
        if not is_boundary(form, len(form) - k):
            continue
        at = text.rfind(form[-k:], s, hi)
        if at >= 0 and is_boundary(text, at + k):
            return at + k
    return None


def splice(text: str, p: int, q: int, form: str) -> tuple[str, tuple[int, int]]:
    """text[:p] + form + text[q:], a space kept between Latin words."""
    left, right = text[:p], text[q:]
    if left and not left[-1].isspace() and _latin(left[-1]) and _latin(form[0]):
        left += " "
    if right and not right[0].isspace() and _latin(right[0]) and _latin(form[-1]):
        right = " " + right
    return left + form + right, (len(left), len(left) + len(form))


def _latin(ch: str) -> bool:
    return ch.isdigit() or languages.script_of(ch) == "Latn"


Scorer = Callable[[list[int], list[str]], list[tuple[float, int]]]


def place(jobs: list[Job], score: Scorer) -> dict[tuple[int, int], Choice]:
    """The most probable candidate of every job (`score`: row indices and texts -> (sum of
    token log-probs, tokens)), in one batched call over each start with its first end (and
    the regular end beside a tail end). A second round over the best start's other ends
    (bench/placement_variants.py) gained chrF on the toy benchmark but broke the 1.5x time
    goal (bench/README.md, "Term placement")."""
    for job in jobs:
        job.cands = candidates(job)
    return _score_round(jobs, [_first_round(j) for j in jobs], score, {})


def _first_round(job: Job) -> list[tuple[int, int, str]]:
    """Each start with its first end; where that end is the attention tail's (`tail`), the
    regular end too: the tail is a guess that must win on probability, not by order (on the
    small toy model it swallowed the words after the name)."""
    out = [c for k, c in enumerate(job.cands) if c[0] not in {d[0] for d in job.cands[:k]}]
    for c in [c for c in out if c in job.tails]:
        regular = next((d for d in job.cands if d[0] == c[0] and d != c), None)
        if regular is not None:
            out.append(regular)
    return out


def first_choices(jobs: list[Job]) -> dict[tuple[int, int], Choice]:
    """Without scoring (CTranslate2): each job's first candidate, the preferred form over the
    attention core's edges snapped to boundaries. On the toy model's benchmark this kept
    duplication lower than choosing by teacher-forced log-prob, at a third of the time."""
    best = {}
    for job in jobs:
        job.cands = candidates(job)
        if job.cands:
            p, q, form = job.cands[0]
            text, span = splice(job.text, p, q, form)
            best[(job.row, job.term)] = Choice(text, span, (p, q), 0.0, 0)
    return best


def _score_round(
    jobs: list[Job],
    cands: list[list[tuple[int, int, str]]],
    score: Scorer,
    best: dict[tuple[int, int], Choice],
) -> dict[tuple[int, int], Choice]:
    owners = [(job, c) for job, cs in zip(jobs, cands, strict=True) for c in cs]
    texts = [splice(job.text, *c)[0] for job, c in owners]
    scored = score([job.row for job, _ in owners], texts) if texts else []
    for (job, (p, q, form)), text, (lp, n) in zip(owners, texts, scored, strict=True):
        key = (job.row, job.term)
        # mean, not sum: a sum prefers candidates that cut more of the sentence away
        if key not in best or lp / max(1, n) > best[key].logprob / max(1, best[key].tokens):
            best[key] = Choice(text, splice(job.text, p, q, form)[1], (p, q), lp, n)
    return best


def by_row(
    best: dict[tuple[int, int], Choice], jobs: list[Job]
) -> dict[int, tuple[str, list[Choice]]]:
    """Per output row: the text its jobs were made on and its chosen replacements."""
    rows: dict[int, tuple[str, list[Choice]]] = {}
    for job in jobs:
        if (job.row, job.term) in best:
            rows.setdefault(job.row, (job.text, []))[1].append(best[(job.row, job.term)])
    return rows


def merge(text: str, choices: list[Choice]) -> tuple[str, int]:
    """Apply non-overlapping choices made on the same `text`, right to left; how many applied."""
    used: list[tuple[int, int]] = []
    applied = text
    count = 0
    for ch in sorted(choices, key=lambda c: c.cut[0], reverse=True):
        p, q = ch.cut
        if any(p < b and a < max(q, p + 1) for a, b in used):
            continue
        form = ch.text[ch.span[0] : ch.span[1]]
        applied = splice(applied, p, q, form)[0]
        used.append((p, max(q, p + 1)))
        count += 1
    return applied, count
