"""What a glossary cell may hold: no tab, line break or other control character.

One rule for every way a cell is written (add, set, import of TSV, CSV or TBX, export) and for
lint: a tab or a line break in a TSV cell makes a file that no command can load any more (not
even the `remove` that would fix it), and other control characters are invisible in every tool.
Loading stays permissive so that `lint` can name such cells in a CSV or TBX file.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from typing import TYPE_CHECKING

from toolkit.errors import GlossaryError

if TYPE_CHECKING:
    from toolkit.glossary.base import Concept

# Line and paragraph separators are not control characters (Cc) but split lines all the same.
_BREAKS = frozenset("\n\r\u2028\u2029")


def bad_character(value: str) -> str | None:
    """What is wrong with a cell value, in words ('a tab', 'control character U+0007'), or None."""
    for char in value:
        if char == "\t":
            return "a tab"
        if char in _BREAKS:
            return "a line break"
        if unicodedata.category(char) == "Cc":
            return f"control character U+{ord(char):04X}"
    return None


def cell_problem(value: str) -> str | None:
    """The lint message for a cell, or None when it is clean."""
    found = bad_character(value)
    return None if found is None else f"contains {found} (not allowed in a glossary cell)"


def check_value(value: str, column: str, where: str) -> None:
    """Refuse one value about to be written into `column` (`where` names file and concept)."""
    problem = cell_problem(value)
    if problem is not None:
        raise GlossaryError(f"{where}: {column}: {problem}; nothing was written")


def check_concepts(concepts: Iterable[Concept], name: str) -> None:
    """Refuse to write any concept with a bad cell: one line naming concept and column."""
    for concept in concepts:
        for column, value in concept.cells.items():
            check_value(value, column, f"{name}: concept {concept.id!r}")
