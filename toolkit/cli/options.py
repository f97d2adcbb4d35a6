"""Options every command shares, defined once: one vocabulary across the whole CLI.

`tests/test_cli_contract.py` fails when a command declares one of these names differently.
`--out` (the store folder in `translate` and `align`, the output file in `glossary export`
before the names were unified) stays as a hidden alias so old scripts keep working.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from enum import StrEnum
from pathlib import Path
from typing import Any

import typer

from toolkit.errors import UsageError, choices_error


# -- the choice sets, one Enum each: the options below list them in --help and refuse any other
# value in one line (`--format xml: choose one of text, jsonl`, exit 2) through `checked`. They
# are named here so `--help` loads no library; tests check that they match the library's.
class Lang(StrEnum):
    """The five languages (toolkit.languages.SUPPORTED). Language options stay plain strings:
    the library also takes NLLB/M2M codes (khm_Khmr) and any case, and says what it supports."""

    en = "en"
    km = "km"
    lo = "lo"
    th = "th"
    vi = "vi"


class Engine(StrEnum):
    """Translation engines (toolkit.engines.load_engine)."""

    transformers = "transformers"
    ctranslate2 = "ctranslate2"


class Device(StrEnum):
    """Where the model runs; `auto` picks CUDA when there is one."""

    auto = "auto"
    cpu = "cpu"
    cuda = "cuda"


class LineFormat(StrEnum):
    """Output of the commands that print one record a line."""

    text = "text"
    jsonl = "jsonl"


class StoreFormat(StrEnum):
    """The store's exchange formats (toolkit.store.formats.FORMATS)."""

    tsv = "tsv"
    tmx = "tmx"
    xliff = "xliff"
    xliff12 = "xliff12"
    xlsx = "xlsx"


class GlossaryFormat(StrEnum):
    """Glossary file formats (toolkit.glossary.formats.FORMATS); tbx: v3, tbx2: v2 (martif)."""

    tsv = "tsv"
    csv = "csv"
    tbx = "tbx"
    tbx2 = "tbx2"


class ReportFormat(StrEnum):
    """`mekong score`: a readable report or one JSON object."""

    text = "text"
    json = "json"


class TmFormat(StrEnum):
    """`mekong export-tm`: the format CAT tools share."""

    tmx = "tmx"


def names(choices: Sequence[str] | type[StrEnum]) -> tuple[str, ...]:
    return tuple(str(c) for c in choices)


def checked(option: str, choices: Sequence[str] | type[StrEnum]) -> Callable[[Any], Any]:
    """A typer callback: the value if it is one of `choices`, else the usage error (exit 2)."""
    allowed = names(choices)

    def check(value: str | None) -> str | None:
        if value is not None and value not in allowed:
            raise choices_error(option, value, allowed)
        return value

    return check


def choice_option(
    option: str, choices: Sequence[str] | type[StrEnum], default: str | None, help_text: str
) -> Any:
    """`--OPTION` that takes one of `choices` (listed as its metavar in --help)."""
    flag = "--" + option.replace("_", "-")
    return typer.Option(
        default,
        flag,
        help=help_text,
        metavar="|".join(names(choices)),
        callback=checked(option, choices),
    )


LANGS = " ".join(names(Lang))
DEFAULT_STORE = Path("aligned")

STORE = typer.Option(DEFAULT_STORE, "--store", help="Store folder (aligned segments).")
# Hidden: the old name of --store in translate/align (and of --output in glossary export).
OUT_ALIAS = typer.Option(None, "--out", hidden=True)


def lang_option(help_text: str = f"Language ({LANGS}).", default: Any = ...) -> Any:
    """`-l/--lang`: the one language of a command that works on a single language."""
    return typer.Option(default, "--lang", "-l", help=help_text)


SRC = typer.Option(..., "--src", help=f"Source language ({LANGS}).")
TGT = typer.Option(..., "--tgt", help=f"Target language ({LANGS}).")
TGTS = typer.Option(..., "--tgt", help="Target languages, comma-separated: km,lo,th,vi.")
TGT_FILTER = typer.Option(None, "--tgt", help="Only this target language.")
ENCODING = typer.Option(
    None, "--encoding", help="Input encoding if not UTF-8/16 (e.g. cp874 for legacy Thai)."
)


def glossary_option(
    help_text: str = "Glossary (.tsv .csv .tbx); default: the shipped one.", default: Any = None
) -> Any:
    """`-g/--glossary`: a glossary file (or, with default [], several)."""
    return typer.Option(default, "--glossary", "-g", help=help_text)


GLOSSARY = glossary_option()
DOC_ID = typer.Option(None, "--doc-id", help="Document id (default: from the file name).")
MODEL = typer.Option(
    None, "--model", help="Registry name, hub id or local folder (default NLLB-200 600M)."
)


ENGINE = choice_option("engine", Engine, Engine.transformers.value, "Translation engine.")
BEAM = typer.Option(4, "--beam", min=1, max=16, help="Beam size.")
DEVICE = choice_option("device", Device, Device.auto.value, "Where the model runs.")
DEVICES = names(Device)
EXPORT_FORMATS = names(StoreFormat)
LINE_FORMATS = names(LineFormat)
GLOSSARY_FORMATS = names(GlossaryFormat)


def output_option(help_text: str = "Output file ('-': standard output).") -> Any:
    """`-o/--output`: an output file; `-` is standard output."""
    return typer.Option(None, "--output", "-o", help=help_text)


def force_option(help_text: str = "Replace an existing output file.") -> Any:
    """`--force`: replace an existing output (never an input or a store file: check_output)."""
    return typer.Option(False, "--force", help=help_text)


FORCE = force_option()


def format_option(
    choices: Sequence[str] | type[StrEnum], default: str | None, detail: str = ""
) -> Any:
    """`-f/--format`: one of the command's `choices` (listed in --help, checked on parse)."""
    text = f"One of: {', '.join(names(choices))}." + (f" {detail}" if detail else "")
    return typer.Option(
        default,
        "--format",
        "-f",
        help=text,
        metavar="|".join(names(choices)),
        callback=checked("format", choices),
    )


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
