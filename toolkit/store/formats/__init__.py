"""Exchange formats of stored documents (TSV, TMX 1.4b, XLIFF 2.0 and 1.2, XLSX): a module each."""

from __future__ import annotations

from toolkit.errors import choices_error
from toolkit.store.formats.base import ExportFormat, ImportedRow
from toolkit.store.formats.tmx import TmxFormat
from toolkit.store.formats.tsv import TsvFormat
from toolkit.store.formats.xliff import XliffFormat
from toolkit.store.formats.xliff12 import Xliff12Format
from toolkit.store.formats.xlsx import XlsxFormat

FORMATS: dict[str, ExportFormat] = {
    f.name: f for f in (TsvFormat(), TmxFormat(), XliffFormat(), Xliff12Format(), XlsxFormat())
}
EXPORT_FORMATS = tuple(FORMATS)
# Suffixes `import-review` recognises (the xliff reader reads 1.2 and 2.0).
IMPORT_SUFFIXES = {".tmx": "tmx", ".xlf": "xliff", ".xliff": "xliff", ".xlsx": "xlsx"}


def get_format(name: str) -> ExportFormat:
    if name not in FORMATS:
        raise choices_error("format", name, EXPORT_FORMATS)
    return FORMATS[name]


__all__ = [
    "EXPORT_FORMATS",
    "FORMATS",
    "IMPORT_SUFFIXES",
    "ExportFormat",
    "ImportedRow",
    "get_format",
]
