"""The glossary edit transaction (toolkit.glossary.edit) that every editing command uses."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from toolkit.errors import GlossaryError, StoreError
from toolkit.files import exclusive
from toolkit.glossary import load_glossary
from toolkit.glossary.edit import editing

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def terms(tmp_path: Path) -> Path:
    path = tmp_path / "terms.tsv"
    shutil.copy(ROOT / "glossaries" / "legal-institutional.tsv", path)
    return path


def test_a_change_is_saved_when_the_block_ends(terms: Path) -> None:
    first = load_glossary(terms).concepts[0].id
    with editing(terms) as g:
        g.set(first, "note", "checked by the edit test")
    assert load_glossary(terms).get(first).cells["note"] == "checked by the edit test"


def test_a_change_that_adds_a_lint_problem_leaves_the_file_unchanged(terms: Path) -> None:
    before = terms.read_bytes()
    first = load_glossary(terms).concepts[0].id
    with pytest.raises(GlossaryError, match="edit refused, file unchanged"), editing(terms) as g:
        g.set(first, "status", "maybe")
    assert terms.read_bytes() == before
    with editing(terms, force=True) as g:  # forced: written all the same
        g.set(first, "status", "maybe")
    assert terms.read_bytes() != before


def test_an_error_inside_the_block_writes_nothing_and_a_second_writer_is_refused(
    terms: Path,
) -> None:
    before = terms.read_bytes()
    first = load_glossary(terms).concepts[0].id
    with pytest.raises(KeyError), editing(terms) as g:
        g.remove(first)
        raise KeyError("the command failed half-way")
    assert terms.read_bytes() == before
    with (
        exclusive(terms, "glossary"),
        pytest.raises(StoreError, match="another mekong"),
        editing(terms),
    ):
        pass


def test_create_starts_an_empty_glossary(tmp_path: Path) -> None:
    path = tmp_path / "new.tsv"
    with editing(path, create=True) as g:
        assert not g.concepts
    assert path.exists()


def test_new_concept_fills_the_files_columns_and_refuses_what_it_lacks(tmp_path: Path) -> None:
    from toolkit.errors import UsageError
    from toolkit.glossary import Glossary
    from toolkit.glossary.edit import new_concept

    g = Glossary(columns=["id", "type", "status", "source", "en", "km", "forbidden_en"])
    cells = {"id": "x", "type": "other", "status": "proposed", "source": "s", "en": " Cafe\u0301 "}
    concept = new_concept(g, cells, ["en=Old name", "en=Older"])
    assert list(concept.cells) == g.columns
    assert concept.cells["en"] == "Café" and concept.cells["km"] == ""
    assert concept.forbidden("en") == ["Old name", "Older"]
    with pytest.raises(UsageError, match="has no 'vi' column"):
        new_concept(g, {**cells, "vi": "Bộ"})
    with pytest.raises(UsageError, match="has no column forbidden_km"):
        new_concept(g, cells, ["km=x"])
    with pytest.raises(UsageError, match="^forbidden 'zz=x': use LANG=VARIANT") as refused:
        new_concept(g, cells, ["zz=x"])
    assert "forbidden" in refused.value.options  # the CLI says --forbidden


def test_merge_replaces_known_ids_in_place_and_adds_new_ones_last(terms: Path) -> None:
    from toolkit.glossary import Glossary
    from toolkit.glossary.base import Concept
    from toolkit.glossary.edit import merge

    target = load_glossary(terms)
    first = target.concepts[0]
    incoming = Glossary(columns=list(target.columns))
    incoming.add(Concept({**first.cells, "note": "replaced"}))
    incoming.add(Concept({**first.cells, "id": "brand-new"}))
    assert merge(target, incoming) == (1, 1)
    assert target.concepts[0].cells["note"] == "replaced"
    assert target.concepts[-1].id == "brand-new"
