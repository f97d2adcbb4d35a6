"""Boundary precision / recall / F1 of Mekong's segmenter and off-the-shelf tools, per language.

Gold data (all offline): Vietnamese VLSP2013 sentences shipped inside underthesea (its POS
test output, detokenised); UD Thai-TUD dev (../shared/eval/thai-tud, never in the repo; runs
of 10 sentences joined with a space); the project's own speech-style texts in bench/gold/;
ntrex-dev in all five languages (../shared/eval/ntrex-dev: each article's headline its own
paragraph, its other sentences joined with a space, normalised as toolkit.documents does).
A boundary is counted by the number of non-space characters before it, so tools that return
strings and tools that return spans are scored the same way. Mekong reads each whole document
(it has to find headings and salutation lines itself); the other tools get one line at a time,
so line breaks are free boundaries for them. Missing tools are skipped with a note.

    python bench/segmentation.py
"""

from __future__ import annotations

import importlib.util
import re
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from toolkit.documents import from_text, normalize  # noqa: E402
from toolkit.segment import segment  # noqa: E402

SHARED = Path("/work/shared/eval")
GOLD = ROOT / "bench" / "gold"
MARK = "‖"


@dataclass
class Gold:
    name: str
    lang: str
    text: str
    boundaries: set[int]  # non-space characters before each gold boundary
    free: frozenset[int] = frozenset()  # paragraph breaks between unrelated runs: not scored


def _nonspace_offsets(text: str) -> list[int]:
    """For every character offset: the number of non-space characters before it."""
    counts = [0]
    for ch in text:
        counts.append(counts[-1] + (not ch.isspace()))
    return counts


def from_marked(name: str, lang: str, marked: str) -> Gold:
    """Gold from a text where line breaks and `‖` are boundaries."""
    marked = re.sub(rf" {MARK} ", " " + MARK, marked)
    text = marked.replace(MARK, "")
    boundaries: set[int] = set()
    count = 0
    for ch in marked:
        if ch == MARK or ch == "\n":
            boundaries.add(count)
        elif not ch.isspace():
            count += 1
    total = count
    return Gold(name, lang, text, {b for b in boundaries if 0 < b < total})


def from_sentences(name: str, lang: str, docs: list[list[tuple[str, str]]]) -> Gold:
    """Gold from documents given as (sentence, separator after it) pairs."""
    parts: list[str] = []
    for doc in docs:
        parts.append("".join(s + (f" {MARK} " if sep == " " else sep) for s, sep in doc))
    gold = from_marked(name, lang, "\n\n".join(p.rstrip(f" {MARK}\n") for p in parts))
    counts = _nonspace_offsets(gold.text)
    gold.free = frozenset(counts[m.start()] for m in re.finditer("\n\n", gold.text))
    gold.boundaries -= gold.free
    return gold


def vlsp2013() -> Gold | None:
    spec = importlib.util.find_spec("underthesea")
    if spec is None or not spec.origin:
        return None
    path = (
        Path(spec.origin).parent
        / "pipeline/pos_tag/models/pos_crf_vlsp2013_20230303"
        / "test_output.txt"
    )
    if not path.exists():
        return None
    sentences, tokens = [], []
    for line in path.read_text(encoding="utf-8").splitlines() + [""]:
        if line.strip():
            tokens.append(line.split("\t")[0])
        elif tokens:
            sentences.append(_detok(tokens))
            tokens = []
    doc = []
    for i, sent in enumerate(sentences):
        nxt = sentences[i + 1] if i + 1 < len(sentences) else ""
        # Sentences without a final mark (titles, "...:" before a list) or before a list item
        # stood on a line of their own in the source; the rest ran on in a paragraph.
        ends = re.search(r"[.!?…][\"”)]*$", sent)
        sep = " " if ends and not re.match(r"[-+•*]", nxt) else "\n"
        doc.append((sent, sep))
    return from_sentences("vi VLSP2013 (underthesea)", "vi", [doc])


def _detok(tokens: list[str]) -> str:
    text = " ".join(tokens)
    text = re.sub(r" ([,.;:!?%)\]…])", r"\1", text)
    text = re.sub(r"([(\[]) ", r"\1", text)
    text = re.sub(r"(\d)\. (\d)", r"\1.\2", text)
    text = re.sub(r'" (.*?) "', r'"\1"', text)
    return text.replace(". . .", "...")


def thai_tud_dev() -> Gold | None:
    path = SHARED / "thai-tud" / "th_tud-dev.sentences.txt"
    if not path.exists():
        return None
    sents = [" ".join(s.split()) for s in path.read_text(encoding="utf-8").splitlines()]
    sents = [s for s in sents if s]
    docs = [[(s, " ") for s in sents[i : i + 10]] for i in range(0, len(sents), 10)]
    return from_sentences("th UD Thai-TUD dev", "th", docs)


def ntrex_docs(lang: str) -> list[list[str]] | None:
    """ntrex-dev sentences of one language grouped by document (doc_ids.txt), normalised."""
    folder = SHARED / "ntrex-dev"
    if not (folder / f"{lang}.txt").exists():
        return None
    ids = (folder / "doc_ids.txt").read_text(encoding="utf-8").splitlines()
    lines = (folder / f"{lang}.txt").read_text(encoding="utf-8").splitlines()
    docs: list[list[str]] = []
    previous = None
    for doc_id, line in zip(ids, lines, strict=True):
        if doc_id != previous:
            docs.append([])
            previous = doc_id
        # The segmenter sees normalised text (no zero-width spaces), so the gold does too.
        sent = " ".join(normalize(line).split())
        if sent:
            docs[-1].append(sent)
    return docs


def ntrex(lang: str) -> Gold | None:
    """A document's first line (the headline) is its own paragraph, the rest one paragraph."""
    docs = ntrex_docs(lang)
    if docs is None:
        return None
    parts = [[(d[0], "\n\n")] + [(s, " ") for s in d[1:]] for d in docs if d]
    # The shipped Thai model is trained on these articles: its honest figure is the
    # cross-validated one printed by bench/train_thai_segmenter.py.
    name = f"{lang} ntrex-dev" + (" (trained on)" if lang == "th" else "")
    return from_sentences(name, lang, parts)


def own(lang: str) -> Gold:
    return from_marked(f"{lang} own speech cases", lang, (GOLD / f"{lang}.txt").read_text("utf-8"))


# --- systems: each returns predicted boundaries (non-space counts) for a text -------------


def mekong(gold: Gold) -> set[int]:
    doc = from_text(gold.text)
    counts = _nonspace_offsets(doc.text)
    return {counts[s.end] for s in segment(doc, gold.lang)}


def per_line(split: Callable[[str], list[str]]) -> Callable[[Gold], set[int]]:
    """Wrap a tool that maps a string to sentence strings; it gets one line at a time."""

    def run(gold: Gold) -> set[int]:
        found: set[int] = set()
        base = 0
        for line in gold.text.split("\n"):
            squeezed = "".join(line.split())
            cursor = 0
            for sent in split(line) if line.strip() else []:
                piece = "".join(sent.split())
                at = squeezed.find(piece, cursor) if piece else -1
                if at >= 0:
                    cursor = at + len(piece)
                    found.add(base + cursor)
            base += len(squeezed)
            found.add(base)
        return found

    return run


def tools(lang: str) -> tuple[dict[str, Callable[[Gold], set[int]]], list[str]]:
    found: dict[str, Callable[[Gold], set[int]]] = {"mekong": mekong}
    notes: list[str] = []
    if lang in ("en",):
        try:
            import pysbd

            seg = pysbd.Segmenter(language="en", clean=False)
            found["pysbd"] = per_line(seg.segment)
        except ImportError:
            notes.append("pysbd not installed")
    if lang == "vi":
        try:
            from underthesea import sent_tokenize

            found["underthesea"] = per_line(sent_tokenize)
        except ImportError:
            notes.append("underthesea not installed")
    if lang == "th":
        try:
            import pycrfsuite  # noqa: F401
            from pythainlp.tokenize import sent_tokenize as th_sent

            found["pythainlp crfcut"] = per_line(lambda t: th_sent(t, engine="crfcut"))
            found["pythainlp whitespace"] = per_line(lambda t: th_sent(t, engine="whitespace"))
        except ImportError:
            notes.append("pythainlp/python-crfsuite not installed")
        try:
            from thai_segmenter import sentence_segment

            found["thai-segmenter (ORCHID)"] = per_line(
                lambda t: [str(s) for s in sentence_segment(t)]
            )
        except ImportError:
            notes.append("thai-segmenter not installed (pip install thai-segmenter: MIT)")
        if importlib.util.find_spec("tltk") is None:
            notes.append("tltk not installed (it pins scikit-learn 1.2 and pulls gensim)")
    if lang == "km":
        found["split at every ។ ៕ ? !"] = per_line(lambda t: re.split(r"(?<=[។៕?!])", t))
    if lang == "lo":
        found["split at every . ? !"] = per_line(lambda t: re.split(r"(?<=[.?!])\s", t))
    if importlib.util.find_spec("icu") is None:
        notes.append("ICU (PyICU) not installed")
    if lang == "km" and importlib.util.find_spec("khmernltk") is None:
        notes.append("khmer-nltk not installed (it pulls scikit-learn + scipy)")
    if lang == "lo" and importlib.util.find_spec("laonlp") is None:
        notes.append("laonlp not installed (it pulls scikit-learn + scipy)")
    return found, notes


def score(gold: Gold, pred: set[int], total: int) -> tuple[float, float, float, float]:
    """Precision, recall, F1 and F0.5 (precision weighted: over-cutting costs the user more)."""
    pred = {p for p in pred if 0 < p < total} - gold.free
    tp = len(gold.boundaries & pred)
    return prf(tp, len(pred), len(gold.boundaries))


def prf(tp: int, n_pred: int, n_gold: int) -> tuple[float, float, float, float]:
    p = tp / n_pred if n_pred else 0.0
    r = tp / n_gold if n_gold else 0.0
    f1 = 2 * p * r / (p + r) if p + r else 0.0
    f05 = 1.25 * p * r / (0.25 * p + r) if p + r else 0.0
    return p, r, f1, f05


def main() -> None:
    golds = [own("en"), vlsp2013(), thai_tud_dev(), own("km"), own("lo")]
    golds += [ntrex(lang) for lang in ("en", "vi", "km", "lo", "th")]
    header = f"{'data':28} {'system':24} {'gold':>5} {'P':>6} {'R':>6} {'F1':>6} {'F0.5':>6}"
    print(header + f" {'sec':>6}")
    for gold in golds:
        if gold is None:
            print("(gold data missing: skipped)")
            continue
        total = _nonspace_offsets(gold.text)[-1]
        systems, notes = tools(gold.lang)
        for name, system in systems.items():
            t0 = time.perf_counter()
            p, r, f1, f05 = score(gold, system(gold), total)
            sec = time.perf_counter() - t0
            print(
                f"{gold.name:28} {name:24} {len(gold.boundaries):>5} "
                f"{p:6.3f} {r:6.3f} {f1:6.3f} {f05:6.3f} {sec:6.2f}"
            )
        for note in notes:
            print(f"{gold.name:28} note: {note}")


if __name__ == "__main__":
    main()
