"""`mekong translate`: a document into aligned, scored translations in the store."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from toolkit.cli import options as opts
from toolkit.cli.app import app
from toolkit.errors import UsageError

if TYPE_CHECKING:
    from toolkit.translate import TranslationResult

TEST_MODEL_BANNER = (
    "WARNING: TEST MODEL (random or toy weights): these translations are not real "
    "(for trying the pipeline only)."
)


@app.command("translate")
def translate_command(
    file: Path = typer.Argument(..., help="Document to translate (.txt, .md, .docx)."),
    src: str = opts.SRC,
    tgt: str = opts.TGTS,
    model: str | None = opts.MODEL,
    engine: str = opts.ENGINE,
    store_dir: Path = opts.STORE,
    out_alias: Path | None = opts.OUT_ALIAS,
    doc_id: str | None = opts.DOC_ID,
    beam: int = opts.BEAM,
    batch_size: int = typer.Option(16, "--batch-size", min=1, help="Segments per batch."),
    device: str = opts.DEVICE,
    threads: int | None = typer.Option(None, "--threads", min=1, help="CPU threads."),
    encoding: str | None = opts.ENCODING,
    roundtrip: bool = typer.Option(
        False, "--roundtrip", help="Also translate back and score the round trip (chrF); ~2x time."
    ),
    no_adequacy: bool = typer.Option(
        False, "--no-adequacy", help="Skip the cross-lingual adequacy signal (e5 embeddings)."
    ),
    glossary: Path | None = opts.GLOSSARY,
    no_glossary: bool = typer.Option(False, "--no-glossary", help="Do not enforce any glossary."),
    jurisdiction: str | None = typer.Option(
        None, "--jurisdiction", help="kh, la, th or vn: whose institutions generic names mean."
    ),
    no_tm: bool = typer.Option(
        False, "--no-tm", help="Do not reuse approved or aligned translations from the store."
    ),
    replace: bool = typer.Option(
        False, "--replace", help="Translate another file in place of the stored --doc-id."
    ),
    force_src: bool = typer.Option(
        False, "--force-src", help="Accept a text mostly in another script than --src."
    ),
) -> None:
    """Translate a document into one or more languages and store the aligned result.

    Example: mekong translate speech.txt --src en --tgt km,lo,th,vi --model models/tiny-nllb

    FILE '-' reads the text from standard input (then --doc-id is required).

    Glossary terms found in the source are enforced in every translation (--no-glossary to
    disable); the summary's `terms` column shows found/total per target.
    """
    from toolkit import documents, languages, store
    from toolkit.files import display_name
    from toolkit.translate import TranslateOptions, check_languages

    src_code, tgt_codes = check_languages(src, languages.parse_list(tgt))
    out = opts.pick(store_dir, out_alias, opts.DEFAULT_STORE)
    the_id = opts.doc_id_for(file, doc_id)
    doc = documents.read(file, encoding=encoding)
    if not force_src:
        languages.check_script(doc.text, src_code, where=display_name(file))
    store.ensure_writable(out)
    if glossary is not None and no_glossary:
        raise UsageError("--glossary and --no-glossary exclude each other")
    from toolkit.glossary import load_glossary
    from toolkit.glossary.fileio import require_default

    terms = None if no_glossary else load_glossary(glossary or require_default())
    options = TranslateOptions(
        src=src_code,
        tgts=tgt_codes,
        doc_id=the_id,
        out_dir=out,
        glossary=terms,
        roundtrip=roundtrip,
        adequacy=not no_adequacy,
        use_tm=not no_tm,
        replace=replace,
    )
    if terms is not None:
        from toolkit.glossary.scope import resolve_jurisdiction

        options.jurisdiction, how = resolve_jurisdiction(jurisdiction, doc.text, src_code)
    from toolkit.engines import load_engine

    eng = load_engine(
        engine, model, beam_size=beam, batch_size=batch_size, device=device, threads=threads
    )
    if eng.info.test_model:
        typer.echo(TEST_MODEL_BANNER, err=True)
    if terms is not None:
        typer.echo(f"jurisdiction: {options.jurisdiction or '-'} ({how})", err=True)
    from toolkit.translate import translate_document

    with _progress_bar() as (on_total, advance):
        result = translate_document(doc, options, eng, progress=advance, on_total=on_total)
    print_summary(result)


@contextmanager
def _progress_bar() -> Iterator[tuple[Callable[[int], None], Callable[[int], None]]]:
    """A progress bar on a terminal's stderr, shown once the run is known to be long enough."""
    import sys

    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

    with Progress(
        "[progress.description]{task.description}",
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=Console(stderr=True),
        disable=not sys.stderr.isatty(),
        transient=True,
    ) as bar:
        task = bar.add_task("translating", total=None, visible=False)

        def on_total(total: int) -> None:
            bar.update(task, total=total, visible=total >= 20)

        yield on_total, lambda n: bar.advance(task, n)


def print_summary(result: TranslationResult) -> None:
    stats = result.stats
    frame = result.frame
    doc_id = frame["doc_id"][0]
    typer.echo(f"document {doc_id}: {len(result.segments)} segments -> {result.path}")
    if result.test_model:
        typer.echo(TEST_MODEL_BANNER)
    typer.echo(
        f"{'target':6} {'segs':>5} {'ok':>4} {'review':>6} {'bad':>4} {'score':>6} {'terms':>9}"
    )
    for tgt, info in stats["targets"].items():
        status = info["status"]
        terms = f"{info['terms_found']}/{info['terms']}" if info["terms"] else "-"
        typer.echo(
            f"{tgt:6} {info['segments']:>5} {status.get('ok', 0):>4} {status.get('review', 0):>6} "
            f"{status.get('bad', 0):>4} {info['mean_score']:>6.2f} {terms:>9}"
        )
    for tgt, info in stats["targets"].items():
        flags = sorted(info.get("flags", {}).items(), key=lambda kv: (-kv[1], kv[0]))
        if flags:
            typer.echo(f"flags {tgt}: " + ", ".join(f"{name} {n}" for name, n in flags))
    for line in stats.get("skipped_files", []):
        typer.echo(f"warning: {line}", err=True)
    kept = stats.get("superseded")
    if kept:
        typer.echo(
            f"kept {kept['rows']} reviewed row(s) no longer in the document in {kept['path']} "
            "(the translation memory reuses them)"
        )
    reused = sum(info["origin"].get("tm", 0) for info in stats["targets"].values())
    if reused:
        typer.echo(f"translation memory: {reused} segment(s) reused (origin tm; see --no-tm)")
    if stats["worst"]:
        typer.echo("worst segments:")
        for row in stats["worst"]:
            text = row["src_text"].replace("\n", " ")
            text = text if len(text) <= 60 else text[:57] + "..."
            flags = ",".join(row.get("flags") or []) or "-"
            typer.echo(
                f"  #{row['seg_id']:<4} {row['tgt_lang']} {row['score']:.2f} {row['status']:6} "
                f"{text}  [{flags}]"
            )
