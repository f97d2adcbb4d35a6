"""`mekong tm import|list|remove`: translation memories from other tools, in the store."""

from __future__ import annotations

from pathlib import Path

import typer

from toolkit.cli import options as opts
from toolkit.cli.app import app

tm_app = typer.Typer(help="Bring other tools' translation memories (TMX) into the store.")
app.add_typer(tm_app, name="tm")


@tm_app.command("import")
def import_command(
    file: Path = typer.Argument(..., help="A TMX file from any tool (OmegaT, Trados, ...)."),
    src: str | None = typer.Option(
        None, "--src", help="Source language (default: the TMX header's srclang)."
    ),
    store_dir: Path = opts.STORE,
    doc_id: str | None = opts.DOC_ID,
) -> None:
    """Import a TMX as its own store document (origin tm): `translate` then reuses it.

    Example: mekong tm import partner-memory.tmx --src en
    """
    from toolkit.tm_files import import_tmx

    report = import_tmx(file, store_dir, src=src, doc_id=doc_id)
    counts = ", ".join(f"{tgt} {n}" for tgt, n in sorted(report.rows.items()))
    typer.echo(f"{report.doc_id}: {report.units} units -> {counts} rows in {report.path}")
    if report.without_source:
        typer.echo(f"skipped {report.without_source} units without a source variant", err=True)
    for lang, n in sorted(report.skipped_langs.items()):
        typer.echo(f"skipped {n} variants in unsupported language {lang!r}", err=True)


@tm_app.command("list")
def list_command(store_dir: Path = opts.STORE) -> None:
    """List the imported translation memories in the store.

    Example: mekong tm list --store aligned/
    """
    from toolkit.tm_files import list_tms

    for tm in list_tms(store_dir):
        counts = ", ".join(f"{tgt} {n}" for tgt, n in tm["rows"].items())
        typer.echo(f"{tm['doc_id']}\t{tm['tool']}\t{tm['src']} -> {counts}")


@tm_app.command("remove")
def remove_command(
    doc_id: str = typer.Argument(..., help="The memory's document id (see `mekong tm list`)."),
    store_dir: Path = opts.STORE,
) -> None:
    """Remove an imported translation memory (never a translated document).

    Example: mekong tm remove tm-partner-memory
    """
    from toolkit.tm_files import remove_tm

    typer.echo(f"removed {remove_tm(store_dir, doc_id)}")
