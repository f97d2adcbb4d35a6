"""Line-aligned text files (for `mekong check` and `mekong score`): line i of one is line i of
the other. Decoded like documents (UTF-8/16) and normalised the same way (NFC, no zero-width
characters), so a Thai file with U+200B compares equal to one without.
"""

from __future__ import annotations

from pathlib import Path

from toolkit.documents import MAX_BYTES, decode, normalize
from toolkit.errors import InputError, UsageError
from toolkit.files import display_name, is_stdio, read_input_bytes


def read_lines(path: str | Path, encoding: str | None = None) -> list[str]:
    """The lines of a text file (stdin for `-`), normalised; a final newline adds no line."""
    data = read_input_bytes(path, MAX_BYTES)
    text = normalize(decode(data, display_name(path), encoding))
    if not text:
        return []
    return text.removesuffix("\n").split("\n")


def read_aligned(paths: list[Path], encoding: str | None = None) -> list[list[str]]:
    """Read several line-aligned files; different line counts are an InputError."""
    if sum(is_stdio(p) for p in paths) > 1:
        raise UsageError("only one input file can be '-' (stdin)")
    streams = [read_lines(p, encoding) for p in paths]
    counts = {len(s) for s in streams}
    if len(counts) > 1:
        detail = ", ".join(f"{p}: {len(s)}" for p, s in zip(paths, streams, strict=True))
        raise InputError(f"files are not line-aligned (different line counts: {detail})")
    if not streams or not streams[0]:
        raise InputError(f"{paths[0]}: no lines")
    return streams
