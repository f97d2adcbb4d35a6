"""The term base: load, lint, match and verify glossary terms (see DESIGN.md, Glossary)."""

from __future__ import annotations

from toolkit.glossary.base import Concept, Glossary
from toolkit.glossary.fileio import default_path, dumps, load_glossary, save
from toolkit.glossary.hits import TermCheck, TermConstraint, TermHit

__all__ = [
    "Concept",
    "Glossary",
    "TermCheck",
    "TermConstraint",
    "TermHit",
    "default_path",
    "dumps",
    "load_glossary",
    "save",
]
