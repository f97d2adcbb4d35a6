"""The `[src ids]:[tgt ids]:score` line format (0-based ids), as used by Bleualign and vecalign."""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

from toolkit.align.base import AlignedGroup
from toolkit.errors import InputError

_LINE = re.compile(r"^\s*\[([\d,\s]*)\]\s*:\s*\[([\d,\s]*)\]\s*(?::\s*(-?[\d.eE+-]+))?\s*$")


def format_group(group: AlignedGroup, with_score: bool = False) -> str:
    src = ", ".join(str(i) for i in group.src)
    tgt = ", ".join(str(j) for j in group.tgt)
    line = f"[{src}]:[{tgt}]"
    return f"{line}:{group.score:.4f}" if with_score else line


def format_lines(groups: Iterable[AlignedGroup], with_score: bool = False) -> str:
    return "".join(format_group(g, with_score) + "\n" for g in groups)


def parse_line(line: str, where: str = "alignment") -> AlignedGroup:
    match = _LINE.match(line)
    if not match:
        raise InputError(f"{where}: not an alignment line '[ids]:[ids]': {line.strip()[:60]!r}")
    src = tuple(int(x) for x in match.group(1).split(",") if x.strip())
    tgt = tuple(int(x) for x in match.group(2).split(",") if x.strip())
    score = float(match.group(3)) if match.group(3) else 0.0
    return AlignedGroup(src, tgt, score)


def read_alignment(path: str | Path) -> list[AlignedGroup]:
    """Groups of an alignment file; blank lines are skipped."""
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except OSError as exc:
        raise InputError(f"{path}: cannot read ({exc.strerror})") from None
    numbered = enumerate(text.splitlines(), 1)
    return [parse_line(line, f"{path}:{k}") for k, line in numbered if line.strip()]
