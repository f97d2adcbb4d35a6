"""Sentence alignment of a document and its translation (see `base` for the interfaces)."""

from __future__ import annotations

from toolkit.align.base import DEFAULT_GROUPS, AlignedGroup, Aligner, Alignment, parse_groups
from toolkit.align.dp import DpAligner, DpConfig
from toolkit.align.gale_church import GaleChurchAligner
from toolkit.align.io import format_lines, read_alignment

__all__ = [
    "DEFAULT_GROUPS",
    "AlignedGroup",
    "Aligner",
    "Alignment",
    "DpAligner",
    "DpConfig",
    "GaleChurchAligner",
    "format_lines",
    "parse_groups",
    "read_alignment",
]
