"""`mekong export`: a stored document in an exchange format."""

from __future__ import annotations

from pathlib import Path

import typer

from toolkit import store
from toolkit.cli.app import app
from toolkit.errors import UsageError
from toolkit.store.exports import EXPORT_FORMATS, export_frame


@app.command("export")
def export_command(
    doc: str = typer.Argument(..., help="Document id in the store, or a .parquet path."),
    fmt: str = typer.Option("tsv", "--format", "-f", help=f"One of: {', '.join(EXPORT_FORMATS)}."),
    out: Path | None = typer.Option(None, "--output", "-o", help="Output file (default: stdout for tsv)."),
    store_dir: Path = typer.Option(Path("aligned"), "--store", help="Store folder."),
    tgt: str | None = typer.Option(None, "--tgt", help="Only this target language."),
    status: str | None = typer.Option(None, "--status", help="Only rows with this review state."),
) -> None:
    """Export a stored document (TSV: one row per segment and target).

    Example: mekong export speech --format tsv -o speech.tsv
    """
    if fmt not in EXPORT_FORMATS:
        raise UsageError(f"--format {fmt}: choose one of {', '.join(EXPORT_FORMATS)}")
    frame = store.read_doc(doc, store_dir)
    if tgt:
        frame = frame.filter(frame["tgt_lang"] == tgt)
    if status:
        frame = frame.filter(frame["review"] == status)
    data = export_frame(frame, fmt)
    if out is None:
        if isinstance(data, bytes):
            raise UsageError(f"--format {fmt} is binary: pass --output FILE")
        typer.echo(data, nl=False)
    else:
        from toolkit.store import atomic_write_bytes

        atomic_write_bytes(out, data.encode("utf-8") if isinstance(data, str) else data)
        typer.echo(f"wrote {out}")
