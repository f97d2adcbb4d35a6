"""One glossary edit transaction: lock the file, load it, change it, check it, write it.

Every command that changes a glossary (add, set, remove, import) goes through `editing`, so
they all refuse the same way: a second writer gets the lock error, an edit that adds lint
problems leaves the file unchanged, and a failed change writes nothing.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path

from toolkit.errors import GlossaryError, UsageError
from toolkit.files import exclusive
from toolkit.glossary.base import DEFAULT_COLUMNS, LANGS, VARIANT_SEP, Concept, Glossary, nfc
from toolkit.glossary.cells import check_concepts
from toolkit.glossary.fileio import load_glossary, save
from toolkit.glossary.lint import Problem, lint


@contextmanager
def editing(
    path: Path, *, check: bool = True, force: bool = False, create: bool = False
) -> Iterator[Glossary]:
    """The glossary at `path`, locked for the block; saved atomically when the block ends.

    check: refuse a change that adds lint problems (errors, not warnings) unless `force`.
    create: start an empty glossary when the file does not exist yet (import into a new file).
    An exception inside the block leaves the file as it was.
    """
    path = Path(path)
    with exclusive(path, "glossary"):
        glossary = load_glossary(path) if path.exists() or not create else Glossary(path=path)
        before = lint(glossary) if check else []
        yield glossary
        if check:
            refuse_new_problems(glossary, before, force)
        save(glossary, path)


def new_concept(
    glossary: Glossary,
    cells: Mapping[str, str],
    forbidden: Sequence[str] = (),
) -> Concept:
    """A concept in `glossary`'s columns from `cells` (id, type, status, source, languages,
    dnt, note), NFC and stripped; `forbidden` items are LANG=VARIANT. A value for a column the file
    lacks is refused rather than dropped; empty values for missing columns are fine."""
    row = {c: "" for c in glossary.columns}
    for column, value in cells.items():
        if not value:
            continue
        if column not in glossary.columns:
            raise UsageError(f"{glossary.name} has no '{column}' column")
        row[column] = nfc(value.strip())
    for item in forbidden:
        lang, sep, variant = item.partition("=")
        column = f"forbidden_{lang.strip()}"
        if not sep or column not in DEFAULT_COLUMNS:
            raise UsageError(
                f"{{forbidden}} {item!r}: use LANG=VARIANT with LANG in {' '.join(LANGS)}",
                options=["forbidden"],
            )
        if column not in glossary.columns:
            raise UsageError(f"{glossary.name} has no column {column}")
        row[column] = VARIANT_SEP.join(filter(None, [row[column], nfc(variant.strip())]))
    return Concept(row)


def merge(glossary: Glossary, incoming: Glossary) -> tuple[int, int]:
    """Merge `incoming` into `glossary`: a known id replaces its row in place, a new id goes
    last, a column the target lacks is added in canonical order. Returns (added, replaced)."""
    added = replaced = 0
    for concept in incoming.concepts:
        for column, value in concept.cells.items():
            if value and column not in glossary.columns:
                glossary.columns = [
                    c for c in DEFAULT_COLUMNS if c in glossary.columns or c == column
                ]
        cells = {c: concept.cells.get(c, "") for c in glossary.columns}
        existing = glossary.get(concept.id)
        if existing is not None:
            existing.cells = cells
            replaced += 1
        else:
            glossary.add(Concept(cells))
            added += 1
    return added, replaced


def refuse_new_problems(glossary: Glossary, before: list[Problem], force: bool = False) -> None:
    """GlossaryError naming the first problem the edit added (none is added when forced)."""
    check_concepts(glossary.concepts, glossary.name)  # before lint: names the concept
    old = {(p.row, p.column, p.message) for p in before}
    new = [p for p in lint(glossary) if not p.warning and (p.row, p.column, p.message) not in old]
    if new and not force:
        raise GlossaryError(
            f"{glossary.name}: edit refused, file unchanged: {new[0].format('').lstrip(': ')}"
            + (f" (and {len(new) - 1} more)" if len(new) > 1 else "")
        )
