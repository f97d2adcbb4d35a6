"""Translation memory: reuse translations already in the store before asking the engine.

Entries are store rows a person approved or edited, and rows that came from aligning a
published bilingual document (`origin = aligned`), for the same language pair. A new segment
matches an entry exactly after normalisation (NFC, no zero-width characters, whitespace
collapsed, case-folded), else fuzzily when the character-level similarity (difflib's ratio,
2 * matching characters / total characters) reaches `threshold`. A ratio of 0.85 is about one
changed word in a ten-word sentence; anything below that is left to the engine. Fuzzy matches
are reused but flagged for review (a changed name keeps its old value), and never when the
numbers differ: a speech's figures must not come from last year's speech.
"""

from __future__ import annotations

import bisect
import difflib
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from toolkit import store
from toolkit.documents import normalize
from toolkit.errors import StoreError

HUMAN_REVIEWS = ("approved", "edited")
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


@dataclass
class TranslationMemory:
    """Entries per target language, indexed by exact key and by key length (for fuzzy search)."""

    src: str
    threshold: float = DEFAULT_THRESHOLD
    exact: dict[str, dict[str, TmEntry]] = field(default_factory=dict)
    by_length: dict[str, list[tuple[int, str]]] = field(default_factory=dict)

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
        lazy = store.scan_store(out_dir)
        if lazy is None:
            return memory
        usable = (pl.col("review").is_in(HUMAN_REVIEWS)) | (
            (pl.col("origin") == "aligned") & (pl.col("review") != "rejected")
        )
        query = lazy.filter(
            (pl.col("src_lang") == src)
            & pl.col("tgt_lang").is_in(list(tgts))
            & usable
            & (pl.col("src_text").str.strip_chars() != "")
            & (pl.col("tgt_text").str.strip_chars() != "")
        )
        if exclude_doc is not None:
            query = query.filter(pl.col("doc_id") != exclude_doc)
        try:
            frame = query.select(
                "doc_id", "tgt_lang", "src_text", "tgt_text", "origin", "review", "created_at"
            ).collect()
        except (pl.exceptions.PolarsError, OSError) as exc:
            name = exc.__class__.__name__
            raise StoreError(f"{out_dir}: unreadable as translation memory ({name})") from None
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
        if key in table:
            return
        table[key] = entry
        bisect.insort(self.by_length.setdefault(tgt, []), (len(key), key))

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
        # ratio <= 2 * min(len) / (len_a + len_b): only keys of a close length can reach it
        t = self.threshold
        low = int(len(key) * t / (2 - t))
        high = int(len(key) * (2 - t) / t) + 1
        keys = self.by_length[tgt]
        best_score, best_key = 0.0, None
        wanted = numbers(key)
        matcher = difflib.SequenceMatcher(autojunk=False)
        matcher.set_seq2(key)
        first = bisect.bisect_left(keys, (low, ""))
        last = bisect.bisect_right(keys, (high, "\uffff"))
        for _, other in keys[first:last]:
            matcher.set_seq1(other)
            if matcher.real_quick_ratio() < t or matcher.quick_ratio() < max(t, best_score):
                continue
            score = matcher.ratio()
            if score >= t and score > best_score and numbers(other) == wanted:
                best_score, best_key = score, other
        if best_key is None:
            return None
        return TmMatch(table[best_key], round(best_score, 4))
