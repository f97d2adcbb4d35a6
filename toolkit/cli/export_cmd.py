"""`mekong export`: a stored document in an exchange format (TSV, TMX, XLIFF, XLSX)."""

from __future__ import annotations

from pathlib import Path

import typer

from toolkit import store
from toolkit.cli.app import app
from toolkit.errors import UsageError
from toolkit.store.exports import EXPORT_FORMATS, export_files, export_frame, select_rows
from toolkit.store.formats import get_format


def check_review_state(status: str | None) -> None:
    if status is not None and status not in store.REVIEWS:
        raise UsageError(f"--status {status}: choose one of {', '.join(store.REVIEWS)}")


def write_exports(files: dict[Path, bytes]) -> None:
    for path, data in files.items():
        store.atomic_write_bytes(path, data)
        typer.echo(f"wrote {path}")


@app.command("export")
def export_command(
    doc: str = typer.Argument(..., help="Document id in the store, or a .parquet path."),
    fmt: str = typer.Option("tsv", "--format", "-f", help=f"One of: {', '.join(EXPORT_FORMATS)}."),
    out: Path | None = typer.Option(
        None, "--output", "-o", help="Output file (default: stdout for tsv/tmx/xliff)."
    ),
    store_dir: Path = typer.Option(Path("aligned"), "--store", help="Store folder."),
    tgt: str | None = typer.Option(None, "--tgt", help="Only this target language."),
    status: str | None = typer.Option(
        None, "--status", help="Only rows in this review state (new, approved, edited, rejected)."
    ),
) -> None:
    """Export a stored document: TMX 1.4b, XLIFF 2.0 (one file per target), XLSX or TSV.

    Example: mekong export speech --format xlsx -o speech.xlsx
    """
    spec = get_format(fmt)
    check_review_state(status)
    frame = select_rows(store.read_doc(doc, store_dir), tgt, status)
    if frame.is_empty():
        raise UsageError("nothing to export: no rows match --tgt/--status")
    if out is None:
        if spec.binary:
            raise UsageError(f"--format {fmt} is binary: pass --output FILE")
        typer.echo(export_frame(frame, fmt).decode("utf-8"), nl=False)
        return
    write_exports(export_files(frame, fmt, out))
