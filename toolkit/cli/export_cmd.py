"""`mekong export`: a stored document in an exchange format (TSV, TMX, XLIFF, XLSX)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from toolkit.cli import options as opts
from toolkit.cli.app import app
from toolkit.errors import UsageError

if TYPE_CHECKING:
    import polars as pl


def check_review_state(status: str | None) -> None:
    from toolkit import store

    if status is not None and status not in store.REVIEWS:
        raise UsageError(f"--status {status}: choose one of {', '.join(store.REVIEWS)}")


def warn_missing_targets(frame: pl.DataFrame, fmt: str) -> None:
    """One stderr line when a multi-language TMX lacks a target for some segments: a CAT
    tool (OmegaT) fills those with another language's text unless given a bilingual file."""
    if fmt != "tmx":
        return
    from toolkit.store.formats.tmx import missing_targets

    missing = missing_targets(frame)
    if not missing:
        return
    counts = ", ".join(
        f"{n} segment{'s' if n > 1 else ''} lack{'' if n > 1 else 's'} {lang}"
        for lang, n in missing.items()
    )
    typer.echo(
        f"warning: {counts} in this multi-language TMX; a CAT tool such as OmegaT fills "
        "them with another language's text: pass --tgt LANG for a bilingual file",
        err=True,
    )


def write_exports(
    files: dict[Path, bytes], force: bool, inputs: list[Path], stores: list[Path]
) -> None:
    """Write each output file atomically (`-`: standard output) and say so on stderr.

    Every file is checked first (never an input or a store file; an existing one only with
    --force), so a refused export writes nothing at all.
    """
    from toolkit.files import check_output, write_output

    for path in files:
        check_output(path, inputs, force, stores)
    for path, data in files.items():
        if write_output(path, data) is not None:
            typer.echo(f"wrote {path}", err=True)


@app.command("export")
def export_command(
    doc: str = typer.Argument(..., help="Document id in the store, or a .parquet path."),
    fmt: str = opts.format_option(opts.EXPORT_FORMATS, "tsv"),
    out: Path | None = opts.output_option(
        "Output file ('-' or none: standard output, for tsv/tmx/xliff)."
    ),
    store_dir: Path = opts.STORE,
    tgt: str | None = opts.TGT_FILTER,
    status: str | None = typer.Option(
        None, "--status", help="Only rows in this review state (new, approved, edited, rejected)."
    ),
    force: bool = opts.FORCE,
) -> None:
    """Export a stored document: TMX 1.4b, XLIFF 2.0 (one file per target) or 1.2, XLSX, TSV.

    Example: mekong export speech --format xlsx -o speech.xlsx
    Example: mekong export speech -f tmx -o - | xmllint --noout -
    Example: mekong export speech -f xliff12 --tgt km -o speech.km.xlf
    """
    from toolkit import store
    from toolkit.files import STDIO, is_stdio, write_output
    from toolkit.store.exports import export_files, export_frame, select_rows
    from toolkit.store.formats import get_format

    spec = get_format(fmt)
    check_review_state(status)
    frame = select_rows(store.read_doc(doc, store_dir), tgt, status)
    if frame.is_empty():
        raise UsageError("nothing to export: no rows match --tgt/--status")
    warn_missing_targets(frame, fmt)
    if out is None or is_stdio(out):
        if spec.binary and (out is None or sys.stdout.isatty()):
            raise UsageError(f"--format {fmt} is binary: pass --output FILE (or -o - into a pipe)")
        write_output(STDIO, export_frame(frame, fmt))
        return
    source = Path(doc) if doc.endswith(".parquet") else store.doc_path(store_dir, doc)
    files = export_files(frame, fmt, out)
    write_exports(files, force, [source], [store_dir, source.parent])
