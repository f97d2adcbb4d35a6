"""`mekong segment`: sentences of a document, as text or JSON lines."""

from __future__ import annotations

import json
from pathlib import Path

import typer

from toolkit.cli import options as opts
from toolkit.cli.app import app
from toolkit.errors import UsageError


@app.command("segment")
def segment_command(
    file: Path = typer.Argument(..., help="Document to split (.txt, .md, .docx)."),
    lang: str = opts.lang_option("Language code (en km lo th vi) or auto."),
    fmt: str = opts.format_option(opts.LINE_FORMATS, "text", "text: one segment a line."),
    encoding: str | None = opts.ENCODING,
) -> None:
    """Split a document into sentences; blank lines separate paragraphs.

    Headings, date lines, salutation lines and bullet items are segments of their own; jsonl
    adds each segment's kind and the markdown markup removed from its text.

    Example: mekong segment speech.txt --lang km --format jsonl
    Example: pbpaste | mekong segment - --lang th
    """
    from toolkit import documents, languages
    from toolkit.segment import segment

    doc = documents.read(file, encoding=encoding)
    code = lang
    if lang == "auto":
        detected = languages.detect(doc.text)
        if detected is None:
            raise UsageError(f"{file}: cannot detect the language; pass --lang")
        code = detected
    last_para = None
    for seg in segment(doc, code):
        if fmt == "jsonl":
            typer.echo(json.dumps(seg.as_dict(), ensure_ascii=False))
        else:
            if last_para is not None and seg.para_id != last_para:
                typer.echo("")
            typer.echo(seg.text)
        last_para = seg.para_id


@app.command("srx")
def srx_command(
    out: Path | None = opts.output_option("Output file (default or '-': standard output)."),
) -> None:
    """Export the segmentation rules as SRX 2.0, for CAT tools (what SRX can express).

    Example: mekong srx -o mekong-rules.srx
    """
    from toolkit.files import STDIO, write_output
    from toolkit.segment.srx import dumps

    write_output(out or Path(STDIO), dumps())
