"""Options every command shares, defined once: one vocabulary across the whole CLI.

`tests/test_cli_contract.py` fails when a command declares one of these names differently.
`--out` (the store folder in `translate` and `align`, the output file in `glossary export`
before the names were unified) stays as a hidden alias so old scripts keep working.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import typer

from toolkit.errors import UsageError

DEFAULT_STORE = Path("aligned")

STORE = typer.Option(DEFAULT_STORE, "--store", help="Store folder (aligned segments).")
# Hidden: the old name of --store in translate/align (and of --output in glossary export).
OUT_ALIAS = typer.Option(None, "--out", hidden=True)


def lang_option(help_text: str = "Language (en km lo th vi).", default: Any = ...) -> Any:
    """`-l/--lang`: the one language of a command that works on a single language."""
    return typer.Option(default, "--lang", "-l", help=help_text)


SRC = typer.Option(..., "--src", help="Source language (en km lo th vi).")
TGT = typer.Option(..., "--tgt", help="Target language (en km lo th vi).")
TGTS = typer.Option(..., "--tgt", help="Target languages, comma-separated: km,lo,th,vi.")
TGT_FILTER = typer.Option(None, "--tgt", help="Only this target language.")
ENCODING = typer.Option(
    None, "--encoding", help="Input encoding if not UTF-8/16 (e.g. cp874 for legacy Thai)."
)
GLOSSARY = typer.Option(
    None, "--glossary", "-g", help="Glossary (.tsv .csv .tbx); default: the shipped one."
)
DOC_ID = typer.Option(None, "--doc-id", help="Document id (default: from the file name).")
MODEL = typer.Option(
    None, "--model", help="Registry name, hub id or local folder (default NLLB-200 600M)."
)
ENGINE = typer.Option("transformers", "--engine", help="transformers or ctranslate2.")
BEAM = typer.Option(4, "--beam", min=1, max=16, help="Beam size.")
DEVICE = typer.Option("auto", "--device", help="auto, cpu or cuda.")
DEVICES = ("auto", "cpu", "cuda")
# The store's export formats (toolkit.store.formats.EXPORT_FORMATS, which imports polars), named
# here so `--help` loads no library; tests/test_cli_contract.py checks that the two agree.
EXPORT_FORMATS = ("tsv", "tmx", "xliff", "xliff12", "xlsx")
LINE_FORMATS = ("text", "jsonl")
# The glossary file formats (toolkit.glossary.formats.NAMES), named here for the same reason.
GLOSSARY_FORMATS = ("tsv", "csv", "tbx", "tbx2")


def output_option(help_text: str = "Output file ('-': standard output).") -> Any:
    """`-o/--output`: an output file; `-` is standard output."""
    return typer.Option(None, "--output", "-o", help=help_text)


def force_option(help_text: str = "Replace an existing output file.") -> Any:
    """`--force`: replace an existing output (never an input or a store file: check_output)."""
    return typer.Option(False, "--force", help=help_text)


FORCE = force_option()


def format_option(choices: Sequence[str], default: str | None, detail: str = "") -> Any:
    """`-f/--format` with the command's choices in its help (checked by `check_choice`)."""
    text = f"One of: {', '.join(choices)}." + (f" {detail}" if detail else "")
    return typer.Option(default, "--format", "-f", help=text)


def check_choice(option: str, value: str, choices: Sequence[str]) -> str:
    """A usage error (exit 2) unless `value` is one of `choices`."""
    if value not in choices:
        raise UsageError(f"{option} {value}: choose one of {', '.join(choices)}")
    return value


def pick(primary: Path | None, alias: Path | None, default: Path | None = None) -> Path | None:
    """The value of an option given under its name or its hidden old alias (not both)."""
    if alias is not None and primary not in (None, default) and primary != alias:
        raise UsageError("--out is the old name of this option: give it once")
    return alias if alias is not None else primary


def doc_id_for(file: Path, doc_id: str | None) -> str:
    """The document id: --doc-id if given (checked), else from the file name; stdin needs one."""
    from toolkit import store
    from toolkit.files import is_stdio

    if doc_id:
        return store.check_doc_id(doc_id)
    if is_stdio(file):
        raise UsageError("reading standard input ('-'): pass --doc-id")
    return store.doc_id_from(str(file))
