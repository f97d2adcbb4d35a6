"""Line-aligned text files (for `mekong check` and `mekong score`): line i of one is line i of
the other. Decoded like documents (UTF-8/16) and normalised the same way (NFC, no zero-width
characters), so a Thai file with U+200B compares equal to one without.
"""

from __future__ import annotations

from pathlib import Path

from toolkit.documents import decode, normalize
from toolkit.errors import InputError


def read_lines(path: str | Path, encoding: str | None = None) -> list[str]:
    """The lines of a text file, normalised; a final newline does not add an empty line."""
    p = Path(path)
    if not p.exists():
        raise InputError(f"{path}: no such file")
    if p.is_dir():
        raise InputError(f"{path}: is a directory, expected a file")
    try:
        data = p.read_bytes()
    except OSError as exc:
        raise InputError(f"{path}: cannot read ({exc.strerror})") from None
    text = normalize(decode(data, str(path), encoding))
    if not text:
        return []
    return text.removesuffix("\n").split("\n")


def read_aligned(paths: list[Path], encoding: str | None = None) -> list[list[str]]:
    """Read several line-aligned files; different line counts are an InputError."""
    streams = [read_lines(p, encoding) for p in paths]
    counts = {len(s) for s in streams}
    if len(counts) > 1:
        detail = ", ".join(f"{p}: {len(s)}" for p, s in zip(paths, streams, strict=True))
        raise InputError(f"files are not line-aligned (different line counts: {detail})")
    if not streams or not streams[0]:
        raise InputError(f"{paths[0]}: no lines")
    return streams
