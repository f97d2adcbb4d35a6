"""`mekong score`: reference-based metrics (sacrebleu) for line-aligned translations."""

from __future__ import annotations

import json
from pathlib import Path

import typer

from toolkit.cli import options as opts
from toolkit.cli.app import app


@app.command("score")
def score_command(
    hyp_file: Path = typer.Argument(..., help="Translations, one segment a line."),
    ref_files: list[Path] = typer.Argument(..., help="One or more line-aligned references."),
    lang: str = opts.lang_option("Language of the translations."),
    fmt: str = opts.format_option(opts.ReportFormat, "text"),
    as_json: bool = typer.Option(False, "--json", help="Same as --format json."),
    encoding: str | None = opts.ENCODING,
) -> None:
    """chrF, chrF++, BLEU and TER against references, tokenised for the language.

    Example: mekong score hyp.km.txt ref1.km.txt ref2.km.txt --lang km --format json
    """
    from toolkit import languages
    from toolkit.quality.lines import read_aligned
    from toolkit.quality.metrics import corpus_scores

    as_json = as_json or fmt == opts.ReportFormat.json.value
    code = languages.get(lang).code
    hyps, *refs = read_aligned([hyp_file, *ref_files], encoding)
    results = corpus_scores(hyps, refs, code)
    if as_json:
        payload = {
            "lang": code,
            "segments": len(hyps),
            "references": len(refs),
            "scores": [r.as_dict() for r in results],
        }
        typer.echo(json.dumps(payload, ensure_ascii=False, indent=2))
        return
    typer.echo(f"{len(hyps)} segments, {len(refs)} reference(s), language {code}")
    for r in results:
        typer.echo(r.detail)
        typer.echo(f"  signature: {r.signature}")
