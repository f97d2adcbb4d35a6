"""Untranslated output: the source copied (wholly or mostly) instead of translated.

Similarity is sentence chrF (sacrebleu, characters 1-6, whitespace ignored) of the output
against the source, in [0, 1]. Between different scripts it is near 0; between English and
Vietnamese shared names keep it low (under 0.3 on the parallel sample). A copy is only
flagged when the source is worth translating: 8 letters or more, or a lower-case word ("Oh,
no." is a sentence; "UNODC" or "2024" may be kept as they are). An English source with no
English function word at all ("Il faut bien le faire.", "Chris Leslie MP") is a quotation
in a third language or a string of names, which a translator may rightly keep: its copy is
"kept_as_written" (review), not bad. An output that holds the whole source and, beside it,
a text of its own (a translation with the source pasted before or after it) is
"source_copied" (review): the translation is there, the pasted source must go.
"""

from __future__ import annotations

import re

from toolkit import languages
from toolkit.quality.common import Part

# Similarity from which the output is "copy" (bad). On ntrex-dev the highest among professional
# lines is 0.71 ("Peppa the pig" kept in a Vietnamese line), apart from one Khmer line that
# pastes the English source before its translation (0.76: "source_copied"); a copy scores 1.0.
COPY = 0.75
MIN_LETTERS = 8
_WORD = re.compile(r"[^\W\d_]+")
MIN_WORDS_FOR_FOREIGN = 3
_FUNCTION_WORDS = (
    "a an the of to in on at by for from with and or but not no is are was were be been am it "
    "its this that these those he she they we you i me my his her their our your will would "
    "can could do does did have has had if so as what who which there here up out all"
)
EN_FUNCTION_WORDS = frozenset(_FUNCTION_WORDS.split())


def similarity(a: str, b: str) -> float:
    from sacrebleu.metrics import CHRF

    if not a.strip() or not b.strip():
        return 0.0
    if a.strip().casefold() == b.strip().casefold():
        return 1.0
    return CHRF().sentence_score(a, [b]).score / 100.0


def _not_english(text: str) -> bool:
    words = [w.lower() for w in _WORD.findall(text)]
    return len(words) >= MIN_WORDS_FOR_FOREIGN and not EN_FUNCTION_WORDS.intersection(words)


# The rest of an output beside the pasted source is a text of its own from this share of the
# source's letters (a copy with a stray word or a number left over is still a copy).
OWN_TEXT_SHARE = 0.5
SOURCE_COPIED_FACTOR = 0.5  # review: the status caps the score at 0.59 anyway


def _letters(text: str) -> int:
    return sum(languages.script_counts(text).values())


def beside_own_text(src_text: str, tgt_text: str) -> bool:
    """The whole source stands in the output (spacing and case aside) and what is left of the
    output has at least OWN_TEXT_SHARE of the source's letters."""
    source, output = " ".join(src_text.split()).casefold(), " ".join(tgt_text.split()).casefold()
    at = output.find(source) if source else -1
    if at < 0:
        return False
    rest = output[:at] + " " + output[at + len(source) :]
    return _letters(rest) >= max(MIN_LETTERS, OWN_TEXT_SHARE * _letters(source))


def check(src_text: str, tgt_text: str, src: str = "") -> Part:
    sim = similarity(tgt_text, src_text)
    letters = sum(languages.script_counts(src_text).values())
    words = _WORD.findall(src_text)
    # a short copy counts when it has a word that is not a name ("Oh, no."), not for "UNODC"
    worth = letters >= MIN_LETTERS or any(w[0].islower() for w in words)
    flags = ["copy"] if sim >= COPY and worth else []
    if flags and src == "en" and _not_english(src_text):
        flags = ["kept_as_written"]
    elif flags and beside_own_text(src_text, tgt_text):
        return Part({"copy_similarity": sim}, SOURCE_COPIED_FACTOR, ["source_copied"])
    return Part({"copy_similarity": sim}, 1.0 - sim if flags else 1.0, flags)
