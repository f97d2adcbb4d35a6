"""Thai: sentences are separated by spaces, and spaces also occur inside sentences.

Every whitespace run between two pieces of text is a candidate; a small averaged-perceptron
model (`toolkit/data/th-sentence-model.json.gz`, trained on UD Thai-TUD and the Thai of
ntrex-dev, both CC BY-SA 4.0; retrain with `bench/train_thai_segmenter.py`) scores it from the
characters on both sides, the lengths of the neighbouring chunks and the distance to the
paragraph's ends. "?" and "!" before a space always end a sentence; a space after a Latin
abbreviation or initial ("Dr. PawPaw") never does (`toolkit.segment.embedded`). Between the
hard cuts the boundaries are chosen together: a dynamic program maximises the summed gains of
the chosen spaces plus a log-normal prior on sentence length. The per-cut offset was chosen for
precision (an over-cut sentence costs the user more than a long one), and no segment grows
past MAX_SENTENCE characters where a space allows a cut: the best-scoring spaces are cut then.
Pure Python: no crfsuite, no pythainlp, no GPL code.
"""

from __future__ import annotations

import gzip
import json
import math
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from toolkit.errors import ModelError
from toolkit.segment.base import spans_from_cuts
from toolkit.segment.embedded import latin_space_veto
from toolkit.segment.latin import merge_letterless

MODEL_FILE = "th-sentence-model.json.gz"
_SPACE = re.compile(r"\s+")


def _char_class(char: str) -> str:
    if not char:
        return "none"
    if "\u0e01" <= char <= "\u0e2e":
        return "tc"  # Thai consonant
    if "\u0e30" <= char <= "\u0e4e":
        return "tv"  # Thai vowel, tone mark or sign
    if "\u0e50" <= char <= "\u0e59" or char.isdigit():
        return "d"
    if char.isalpha():
        return "l"
    return char if char in ".,:;?!()\"'“”-ฯๆ" else "o"


def _bucket(n: int) -> str:
    for limit in (2, 4, 8, 16, 32, 64, 128):
        if n <= limit:
            return str(limit)
    return "big"


def space_features(text: str, start: int, end: int) -> list[str]:
    """Features of the whitespace run text[start:end] (shared by training and prediction)."""
    # Offsets, not slices of the whole text: paragraphs can be long.
    prev_space = text.rfind(" ", 0, start)
    left_chunk = text[prev_space + 1 : start]
    next_space = text.find(" ", end)
    right_chunk = text[end:] if next_space < 0 else text[end:next_space]
    feats = ["bias"]
    for k in range(1, 9):
        if len(left_chunk) >= k:
            feats.append(f"L{k}={left_chunk[-k:]}")
        if len(right_chunk) >= k:
            feats.append(f"R{k}={right_chunk[:k]}")
    for k in (2, 3, 4, 5):
        # How the next chunk ends ("... ผู้เชี่ยวชาญกล่าว": an attribution, not a sentence)
        # and how the previous one began.
        if len(right_chunk) >= k:
            feats.append(f"RE{k}={right_chunk[-k:]}")
        if len(left_chunk) >= k:
            feats.append(f"LB{k}={left_chunk[:k]}")
    feats.append(f"L2R2={left_chunk[-2:]}|{right_chunk[:2]}")
    feats.append(f"L1R1={left_chunk[-1:]}|{right_chunk[:1]}")
    feats.append(f"LC={_char_class(left_chunk[-1:])}|RC={_char_class(right_chunk[:1])}")
    feats.append(f"LL={_bucket(len(left_chunk))}")
    feats.append(f"RL={_bucket(len(right_chunk))}")
    feats.append(f"LLRL={_bucket(len(left_chunk))}|{_bucket(len(right_chunk))}")
    feats.append(f"DS={_bucket(start)}")
    feats.append(f"DE={_bucket(len(text) - end)}")
    feats.append(f"WS={_bucket(end - start)}")
    return feats


@dataclass(frozen=True)
class ThaiModel:
    weights: dict[str, float]
    threshold: float
    min_chars: int = 0  # shortest sentence the decoder accepts
    # Global decoding (absent in old model files): a cut at a space gains scale * score + offset;
    # every sentence adds length_weight * the log-normal (mu, sigma) log-shape of its length.
    scale: float = 0.0
    offset: float = 0.0
    length_weight: float = 0.0
    mu: float = 0.0
    sigma: float = 1.0

    def score(self, feats: list[str]) -> float:
        w = self.weights
        return sum(w.get(f, 0.0) for f in feats)

    @property
    def global_decoding(self) -> bool:
        return self.scale > 0.0

    def length_prior(self, n: int) -> float:
        x = math.log(max(n, 1)) - self.mu
        return -self.length_weight * x * x / (2 * self.sigma * self.sigma)


# The longest segment the decoder accepts where a space allows a shorter one: a paragraph
# with no confident boundary is still cut, at its best-scoring spaces, before this many
# characters (about 150-250 NLLB tokens of Thai, well inside the engine's 512-token input).
MAX_SENTENCE = 500


def best_cuts(
    model: ThaiModel, start: int, end: int, spaces: list[tuple[int, int, float]]
) -> list[int]:
    """Cut positions within text[start:end] that maximise cut gains plus length priors.

    `spaces` are the candidate whitespace runs (ws_start, ws_end, model score) in order.
    Semi-Markov dynamic program; the look-back stops at MAX_SENTENCE characters (so no
    segment is longer unless no space allows it), hence linear in the length of the text.
    """
    # Node 0 is the block start, node k (1..n) is after candidate k, node n+1 the block end.
    n = len(spaces)
    seg_start = [start] + [e for _, e, _ in spaces]
    seg_end = [s for s, _, _ in spaces] + [end]
    gain = [model.scale * sc + model.offset for _, _, sc in spaces] + [0.0]
    best = [0.0] + [-math.inf] * (n + 1)
    back = [0] * (n + 2)
    for k in range(1, n + 2):
        stop = seg_end[k - 1]
        for j in range(k - 1, -1, -1):
            length = stop - seg_start[j]
            if length > MAX_SENTENCE and j < k - 1:
                break
            value = best[j] + model.length_prior(length)
            if value > best[k]:
                best[k], back[k] = value, j
        best[k] += gain[k - 1]
    cuts: list[int] = []
    k = back[n + 1]
    while k > 0:
        cuts.append(spaces[k - 1][0])
        k = back[k]
    return cuts[::-1]


@lru_cache(maxsize=1)
def load_model() -> ThaiModel:
    """Load the shipped model once, on first use (about 0.1 s)."""
    try:
        raw = resources.files("toolkit").joinpath(f"data/{MODEL_FILE}").read_bytes()
        data = json.loads(gzip.decompress(raw))
    except (OSError, ValueError) as exc:
        raise ModelError(f"Thai segmentation model {MODEL_FILE} unreadable: {exc}") from exc
    decoding = data.get("decoding", {})
    return ThaiModel(
        data["weights"],
        float(data.get("threshold", 0.0)),
        int(data.get("min_chars", 0)),
        **{k: float(v) for k, v in decoding.items()},
    )


def _ends_hard(text: str, pos: int) -> bool:
    """True when text[:pos] ends with "?" or "!" (plus closing quotes/brackets)."""
    while pos > 0 and text[pos - 1] in "\"'”’»)]}":
        pos -= 1
    return pos > 0 and text[pos - 1] in "?!"


@dataclass
class ThaiSegmenter:
    lang: str = "th"

    def split(self, text: str) -> list[tuple[int, int]]:
        model = load_model()
        cuts = self.global_cuts(text, model) if model.global_decoding else self.cuts(text, model)
        return merge_letterless(text, spans_from_cuts(text, cuts))

    @staticmethod
    def global_cuts(text: str, model: ThaiModel) -> list[int]:
        """Hard cuts ("?", "!", line breaks), then the best cuts between each pair of them."""
        cuts: list[int] = []
        block = 0
        spaces: list[tuple[int, int, float]] = []
        for m in _SPACE.finditer(text):
            if m.start() == 0 or m.end() == len(text):
                continue
            if _ends_hard(text, m.start()) or "\n" in m.group():
                cuts += best_cuts(model, block, m.start(), spaces)
                cuts.append(m.start())
                block, spaces = m.end(), []
                continue
            if latin_space_veto(text, m.start()):
                continue  # "Dr. PawPaw", "George W. Bush": the English rules say it goes on
            score = model.score(space_features(text, m.start(), m.end()))
            spaces.append((m.start(), m.end(), score))
        return cuts + best_cuts(model, block, len(text), spaces)

    @staticmethod
    def cuts(text: str, model: ThaiModel) -> list[int]:
        """Per-space threshold decoding (model files without a length prior)."""
        cuts: list[int] = []
        scored: list[tuple[float, int]] = []
        for m in _SPACE.finditer(text):
            if m.start() == 0 or m.end() == len(text):
                continue
            if _ends_hard(text, m.start()) or "\n" in m.group():
                cuts.append(m.start())
                continue
            score = model.score(space_features(text, m.start(), m.end()))
            if score > model.threshold:
                scored.append((score, m.start()))
        # Best candidates first; one too close to an accepted cut or to either end would
        # leave a fragment no sentence is that short, so it is dropped.
        for _, pos in sorted(scored, reverse=True):
            if (
                pos >= model.min_chars
                and len(text) - pos >= model.min_chars
                and all(abs(pos - c) >= model.min_chars for c in cuts)
            ):
                cuts.append(pos)
        return cuts


def segmenter() -> ThaiSegmenter:
    return ThaiSegmenter()
