"""Translation memory: reuse translations already in the store before asking the engine.

Entries are store rows a person approved or edited, rows that came from aligning a published
bilingual document (`origin = aligned`), and units of another tool's memory brought in with
`mekong tm import` (`origin = tm`, engine `tmx:<tool>`; not the rows `translate` itself reused,
whose engine is `tm:<doc>`), for the same language pair; a rejected row never counts. A new
segment matches an entry exactly after normalisation (NFC, no zero-width characters, whitespace
collapsed, case-folded), else fuzzily when the character-level similarity (difflib's ratio, 2 *
matching characters / total characters) reaches `threshold`. A ratio of 0.85 is about one
changed word in a ten-word sentence; anything below that is left to the engine. Fuzzy matches
are reused but flagged for review (a changed name keeps its old value), and never when the
numbers differ: a speech's figures must not come from last year's speech.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import polars as pl

from toolkit import store
from toolkit.documents import normalize
from toolkit.store.carry import SUPERSEDED_DIR

HUMAN_REVIEWS = ("approved", "edited")
IMPORTED_ENGINE_PREFIX = "tmx:"  # engine of rows `mekong tm import` wrote (toolkit.tm_files)
DEFAULT_THRESHOLD = 0.85
_SPACES = re.compile(r"\s+")


_NUMBER = re.compile(r"\d+")


def numbers(text: str) -> list[int]:
    """Numbers in any of the supported scripts' digits (int() reads Khmer, Lao, Thai digits)."""
    return [int(n) for n in _NUMBER.findall(text)]


def match_key(text: str) -> str:
    """The form two segments must share to match exactly."""
    return _SPACES.sub(" ", normalize(text)).strip().casefold()


@dataclass(frozen=True)
class TmEntry:
    src_text: str
    tgt_text: str
    doc_id: str
    origin: str
    review: str


@dataclass(frozen=True)
class TmMatch:
    entry: TmEntry
    score: float  # 1.0 for an exact match, else the character-level similarity


def trigrams(key: str) -> set[str]:
    padded = f" {key} "
    return {padded[k : k + 3] for k in range(len(padded) - 2)}


@dataclass
class _FuzzyIndex:
    """Character-trigram postings: only entries sharing enough trigrams reach difflib."""

    keys: list[str]
    lengths: np.ndarray
    postings: dict[str, np.ndarray]

    @classmethod
    def build(cls, keys: list[str]) -> _FuzzyIndex:
        lists: dict[str, list[int]] = {}
        for k, key in enumerate(keys):
            for gram in trigrams(key):
                lists.setdefault(gram, []).append(k)
        postings = {g: np.array(ids, dtype=np.int32) for g, ids in lists.items()}
        lengths = np.array([len(k) for k in keys], dtype=np.int64)
        return cls(keys, lengths, postings)

    def candidates(self, key: str, threshold: float) -> list[str]:
        """Keys of a length that can reach the threshold and sharing at least
        `1 - 3 * (1 - threshold)` of the query's trigrams (one changed character breaks at most
        three), best first."""
        low = len(key) * threshold / (2 - threshold)
        high = len(key) * (2 - threshold) / threshold
        fits = (self.lengths >= low) & (self.lengths <= high)
        grams = trigrams(key)
        hits = [self.postings[g] for g in grams if g in self.postings]
        if not hits:
            return []
        shared = np.bincount(np.concatenate(hits), minlength=len(self.keys))
        need = max(1.0, (1 - 3 * (1 - threshold)) * len(grams))
        chosen = np.nonzero(fits & (shared >= need))[0]
        order = chosen[np.argsort(-shared[chosen], kind="stable")]
        return [self.keys[k] for k in order]


@dataclass
class TranslationMemory:
    """Entries per target language, indexed by exact key and by character trigrams."""

    src: str
    threshold: float = DEFAULT_THRESHOLD
    exact: dict[str, dict[str, TmEntry]] = field(default_factory=dict)
    _fuzzy: dict[str, _FuzzyIndex] = field(default_factory=dict, repr=False)
    skipped: list[str] = field(default_factory=list)  # store files that could not be read

    @classmethod
    def load(
        cls,
        out_dir: Path,
        src: str,
        tgts: Sequence[str],
        exclude_doc: str | None = None,
        threshold: float = DEFAULT_THRESHOLD,
    ) -> TranslationMemory:
        """Read the store once (a polars scan of every document but `exclude_doc`)."""
        memory = cls(src, threshold)
        published = (pl.col("origin") == "aligned") | (
            (pl.col("origin") == "tm") & pl.col("engine").str.starts_with(IMPORTED_ENGINE_PREFIX)
        )
        usable = pl.col("review").is_in(HUMAN_REVIEWS) | (
            published & (pl.col("review") != "rejected")
        )
        wanted = (
            (pl.col("src_lang") == src)
            & pl.col("tgt_lang").is_in(list(tgts))
            & usable
            & (pl.col("src_text").str.strip_chars() != "")
            & (pl.col("tgt_text").str.strip_chars() != "")
        )
        columns = ("doc_id", "tgt_lang", "src_text", "tgt_text", "origin", "review", "created_at")
        own = wanted if exclude_doc is None else wanted & (pl.col("doc_id") != exclude_doc)
        frame, memory.skipped = store.collect_store(
            out_dir, lambda lazy: lazy.filter(own).select(*columns)
        )
        # reviewed rows that re-runs superseded (every document's, this one's included)
        kept, skipped = store.collect_store(
            Path(out_dir) / SUPERSEDED_DIR, lambda lazy: lazy.filter(wanted).select(*columns)
        )
        memory.skipped += skipped
        frames = [f for f in (frame, kept) if f is not None]
        if not frames:
            return memory
        frame = pl.concat(frames, how="vertical_relaxed")
        # people's work first, then the newest: the first entry kept for a key wins
        frame = frame.with_columns(human=pl.col("review").is_in(HUMAN_REVIEWS)).sort(
            ["human", "created_at"], descending=[True, True], nulls_last=True
        )
        for row in frame.iter_rows(named=True):
            memory.add(
                row["tgt_lang"],
                TmEntry(
                    row["src_text"], row["tgt_text"], row["doc_id"], row["origin"], row["review"]
                ),
            )
        return memory

    def add(self, tgt: str, entry: TmEntry) -> None:
        key = match_key(entry.src_text)
        table = self.exact.setdefault(tgt, {})
        if key and key not in table:
            table[key] = entry
            self._fuzzy.pop(tgt, None)  # rebuilt on the next fuzzy lookup

    def __len__(self) -> int:
        return sum(len(t) for t in self.exact.values())

    def lookup(self, text: str, tgt: str) -> TmMatch | None:
        """The best match for one segment, or None below the threshold."""
        table = self.exact.get(tgt)
        if not table:
            return None
        key = match_key(text)
        if not key:
            return None
        if key in table:
            return TmMatch(table[key], 1.0)
        if tgt not in self._fuzzy:
            self._fuzzy[tgt] = _FuzzyIndex.build(list(table))
        t = self.threshold
        best_score, best_key = 0.0, None
        wanted = numbers(key)
        matcher = difflib.SequenceMatcher(autojunk=False)
        matcher.set_seq2(key)
        for other in self._fuzzy[tgt].candidates(key, t):
            matcher.set_seq1(other)
            if matcher.real_quick_ratio() < t or matcher.quick_ratio() < max(t, best_score):
                continue
            score = matcher.ratio()
            if score >= t and score > best_score and numbers(other) == wanted:
                best_score, best_key = score, other
        if best_key is None:
            return None
        return TmMatch(table[best_key], round(best_score, 4))
