"""The term base: load, lint, match and verify glossary terms (see DESIGN.md, Glossary)."""

from __future__ import annotations

from toolkit.glossary.base import Concept, Glossary, TermCheck, TermHit
from toolkit.glossary.fileio import default_path, dumps, load_glossary, save

__all__ = [
    "Concept",
    "Glossary",
    "TermCheck",
    "TermHit",
    "default_path",
    "dumps",
    "load_glossary",
    "save",
]
