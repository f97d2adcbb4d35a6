"""`mekong glossary`: list, show, add, set, remove, lint, find, import and export terms.

Every edit is checked with lint before it is written: an edit that would add a problem is
refused and the file stays as it was. Writes are atomic and keep row order and comments.
"""

from __future__ import annotations

import unicodedata
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from toolkit.cli import options as opts
from toolkit.cli.app import app
from toolkit.errors import UsageError

if TYPE_CHECKING:
    from toolkit.glossary import Glossary

glossary_app = typer.Typer(help="Maintain term bases (glossaries/*.tsv) and find terms in texts.")
app.add_typer(glossary_app, name="glossary")

GLOSSARY_OPT = opts.GLOSSARY


def _path(glossary: Path | None) -> Path:
    from toolkit.glossary.fileio import require_default

    return glossary if glossary is not None else require_default()


def _load(glossary: Path | None) -> Glossary:
    from toolkit.glossary import load_glossary

    return load_glossary(_path(glossary))


def _clean(value: str) -> str:
    return unicodedata.normalize("NFC", value.strip())


@glossary_app.command("list")
def list_command(
    glossary: Path | None = GLOSSARY_OPT,
    lang: str = opts.lang_option("Language of the term shown.", "en"),
    type_: str | None = typer.Option(None, "--type", help="Only this type (institution, ...)."),
    status: str | None = typer.Option(None, "--status", help="Only verified or proposed."),
) -> None:
    """One line per concept: id, type, status and its preferred term.

    Example: mekong glossary list --type institution --lang km
    """
    from toolkit import languages

    code = languages.get(lang).code
    g = _load(glossary)
    for c in g.concepts:
        if (type_ and c.type != type_) or (status and c.status != status):
            continue
        dnt = " dnt" if c.dnt else ""
        typer.echo(f"{c.id:32} {c.type:12} {c.status:9}{dnt:4} {c.preferred(code)}")


@glossary_app.command("show")
def show_command(
    concept_id: str = typer.Argument(..., help="Concept id."),
    glossary: Path | None = GLOSSARY_OPT,
) -> None:
    """Every column of one concept.

    Example: mekong glossary show min-justice
    """
    g = _load(glossary)
    concept = g.require(concept_id)
    typer.echo(f"row {concept.row}")
    for column in g.columns:
        typer.echo(f"{column:14} {concept.cells.get(column, '')}")


@glossary_app.command("add")
def add_command(
    concept_id: str = typer.Argument(..., help="New concept id (letters, digits, '-')."),
    type_: str = typer.Option(
        ..., "--type", help="institution, title, law, place, acronym, other."
    ),
    source: str = typer.Option(..., "--source", help="Where the official name comes from."),
    status: str = typer.Option("proposed", "--status", help="verified or proposed."),
    en: str = typer.Option("", "--en"),
    km: str = typer.Option("", "--km"),
    lo: str = typer.Option("", "--lo"),
    th: str = typer.Option("", "--th"),
    vi: str = typer.Option("", "--vi"),
    dnt: bool = typer.Option(False, "--dnt", help="Keep as written in every language."),
    forbidden: list[str] = typer.Option(
        [], "--forbidden", help="LANG=VARIANT that must not appear (repeatable)."
    ),
    note: str = typer.Option("", "--note"),
    glossary: Path | None = GLOSSARY_OPT,
) -> None:
    """Add a concept at the end of the file (refused if lint finds a problem in it).

    Example: mekong glossary add un-women-full --type institution --source "unwomen.org"
    --en "UN Women" --km ... --lo ... --th ... --vi ... --dnt
    """
    from toolkit.glossary.edit import editing, new_concept

    cells = dict(id=concept_id, type=type_, status=status, source=source, note=note)
    cells |= {"en": en, "km": km, "lo": lo, "th": th, "vi": vi, "dnt": "yes" if dnt else ""}
    with editing(_path(glossary)) as g:
        g.add(new_concept(g, cells, forbidden))
    typer.echo(f"added {concept_id} to {g.name}")


@glossary_app.command("set")
def set_command(
    concept_id: str = typer.Argument(..., help="Concept id."),
    column: str = typer.Argument(..., help="Column: en, km, ..., forbidden_en, status, source..."),
    value: str = typer.Argument(..., help="New cell value ('' to clear; ' | ' between variants)."),
    glossary: Path | None = GLOSSARY_OPT,
) -> None:
    """Change one cell of a concept (refused if it adds a lint problem).

    Example: mekong glossary set country-vn status verified
    """
    from toolkit.glossary.edit import editing

    with editing(_path(glossary)) as g:
        g.set(concept_id, column, _clean(value))
    typer.echo(f"{concept_id}.{column} = {_clean(value)}")


@glossary_app.command("remove")
def remove_command(
    concept_id: str = typer.Argument(..., help="Concept id."),
    glossary: Path | None = GLOSSARY_OPT,
) -> None:
    """Remove a concept; comments and the order of the other rows stay as they are.

    Example: mekong glossary remove title-samdech
    """
    from toolkit.glossary.edit import editing

    with editing(_path(glossary), check=False) as g:
        g.remove(concept_id)
    typer.echo(f"removed {concept_id} from {g.name}")


@glossary_app.command("lint")
def lint_command(
    file: Path | None = typer.Argument(None, help="Glossary (default: the shipped one)."),
) -> None:
    """Report problems with their row numbers; exit 1 when there is any.

    Example: mekong glossary lint glossaries/legal-institutional.tsv
    """
    from toolkit.glossary.lint import lint

    g = _load(file)
    found = lint(g)
    for problem in found:
        typer.echo(problem.format(g.name), err=problem.warning)
    problems = [p for p in found if not p.warning]
    if problems:
        typer.echo(f"{len(problems)} problem(s) in {len(g.concepts)} concepts", err=True)
        raise typer.Exit(1)
    typer.echo(f"{g.name}: {len(g.concepts)} concepts, no problems")


@glossary_app.command("find")
def find_command(
    file: Path = typer.Argument(..., help="Document (.txt, .md, .docx)."),
    lang: str = opts.lang_option("Language of the document."),
    glossary: Path | None = GLOSSARY_OPT,
    fmt: str = opts.format_option(opts.LINE_FORMATS, "text"),
    encoding: str | None = opts.ENCODING,
) -> None:
    """List the glossary terms found in a document, with character positions.

    Positions index the normalised document text (NFC, zero-width characters removed).
    Example: mekong glossary find speech.txt --lang en
    """
    import json

    from toolkit import documents, languages

    code = languages.get(lang).code
    g = _load(glossary)
    doc = documents.read(file, encoding=encoding)
    hits = g.match(doc.text, code)
    for hit in hits:
        if fmt == "jsonl":
            typer.echo(json.dumps(hit.as_dict(), ensure_ascii=False))
        else:
            text = hit.text.replace("\n", " ")
            typer.echo(f"{hit.start:>7}-{hit.end:<7} {hit.term_id:32} {text}")
    if fmt == "text":
        concepts = len({h.term_id for h in hits})
        typer.echo(f"{len(hits)} hits of {concepts} concepts in {file}", err=True)


@glossary_app.command("import")
def import_command(
    source: Path = typer.Argument(
        ..., help="File to import (.tsv, .csv, .tbx: TBX v3 or v2, detected; '-': stdin)."
    ),
    glossary: Path | None = GLOSSARY_OPT,
    fmt: str | None = opts.format_option(
        opts.GLOSSARY_FORMATS, None, "Default: by the file's suffix."
    ),
    force: bool = typer.Option(False, "--force", help="Write even if lint finds new problems."),
) -> None:
    """Merge concepts into a glossary: same id replaces the row in place, new ids go last.

    Example: mekong glossary import partner-terms.tbx -g glossaries/legal-institutional.tsv
    """
    from toolkit.glossary import load_glossary
    from toolkit.glossary.edit import editing, merge

    target = _path(glossary)
    with editing(target, force=force, create=True) as g:
        added, replaced = merge(g, load_glossary(source, fmt))
    typer.echo(f"{target}: {added} added, {replaced} replaced from {source}")


@glossary_app.command("export")
def export_command(
    glossary: Path | None = GLOSSARY_OPT,
    fmt: str | None = opts.format_option(opts.GLOSSARY_FORMATS, None),
    output: Path | None = opts.output_option("Output file (default or '-': standard output)."),
    out_alias: Path | None = opts.OUT_ALIAS,
    force: bool = opts.FORCE,
) -> None:
    """Write the glossary as TSV, CSV, TBX (tbx: TBX-Basic v3) or TBX v2 (tbx2: martif).

    Example: mekong glossary export --format tbx -o legal-institutional.tbx
    """
    from toolkit.files import STDIO, check_output, is_stdio, write_output
    from toolkit.glossary import dumps, save
    from toolkit.glossary.formats import get_format

    out = opts.pick(output, out_alias)
    if fmt is None:
        raise UsageError(f"missing option --format ({', '.join(opts.GLOSSARY_FORMATS)})")
    kind = get_format(fmt).name
    if out is not None:
        check_output(out, [_path(glossary)], force)
    g = _load(glossary)
    if out is None or is_stdio(out):
        write_output(STDIO, dumps(g, kind).encode("utf-8"))
        return
    save(g, out, kind)
    typer.echo(f"wrote {len(g.concepts)} concepts to {out}", err=True)
