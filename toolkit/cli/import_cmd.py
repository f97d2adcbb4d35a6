"""`mekong import-review` (reviewed files back into the store) and `mekong export-tm`."""

from __future__ import annotations

from pathlib import Path

import typer

from toolkit.cli import options as opts
from toolkit.cli.app import app
from toolkit.cli.export_cmd import warn_missing_targets, write_exports


@app.command("import-review")
def import_review_command(
    file: Path = typer.Argument(..., help="A reviewed export: .xlsx, .xlf/.xliff or .tmx."),
    store_dir: Path = opts.STORE,
    doc: str | None = typer.Option(
        None, "--doc", help="Refuse the file unless it is of this document id."
    ),
    dry_run: bool = typer.Option(False, "--dry-run", help="Report the changes, write nothing."),
) -> None:
    """Apply edited targets and approvals from a reviewed file to its stored document.

    Example: mekong import-review speech.xlsx --store aligned/
    """
    from toolkit.review.imports import import_review

    report = import_review(file, store_dir, doc=doc, dry_run=dry_run)
    for change in report.applied:
        what = "text edited, " if change.text_changed else ""
        typer.echo(
            f"segment {change.seg_id} ({change.tgt_lang}): {what}"
            f"{change.old_review} -> {change.new_review}"
        )
    for line in report.kept:
        typer.echo(line)
    verb = "would change" if dry_run else "changed"
    typer.echo(
        f"{report.doc_id}: {verb} {len(report.applied)} of {report.rows} rows"
        + ("" if dry_run or not report.applied else f" in {report.path}")
    )


@app.command("export-tm")
def export_tm_command(
    fmt: str = opts.format_option(opts.TmFormat, "tmx", "The format CAT tools share."),
    out: Path | None = opts.output_option("Output file (default or '-': standard output)."),
    store_dir: Path = opts.STORE,
    tgt: str | None = opts.TGT_FILTER,
    force: bool = opts.FORCE,
) -> None:
    """Export every approved or edited segment of the store as a translation memory.

    Example: mekong export-tm --format tmx -o mekong-tm.tmx
    """
    from toolkit.files import STDIO, check_output
    from toolkit.review.imports import tm_frame
    from toolkit.store.exports import export_frame

    target = out or Path(STDIO)
    check_output(target, [], force, [store_dir])
    frame = tm_frame(store_dir, tgt)
    data = export_frame(frame, "tmx")
    warn_missing_targets(frame, "tmx")
    write_exports({target: data}, force, [], [store_dir])
