"""`mekong models`: list, pull, build-tiny, convert (for the ctranslate2 engine)."""

from __future__ import annotations

from pathlib import Path

import typer

from toolkit.cli import options as opts
from toolkit.cli.app import app
from toolkit.errors import UsageError

models_app = typer.Typer(help="Manage translation models (registry: models/registry.toml).")
app.add_typer(models_app, name="models")


@models_app.command("list")
def list_models() -> None:
    """Known models and whether they are on this machine.

    Example: mekong models list
    """
    from toolkit.models import models_dir, read_marker, registry

    for name, entry in sorted(registry().items()):
        local = models_dir() / name
        state = "local" if local.is_dir() else "not downloaded"
        if local.is_dir() and read_marker(local):
            state = "local, TEST MODEL (random weights)"
        source = entry.hub_id or "built locally"
        typer.echo(f"{name:28} {source:40} {state}{'  [default]' if entry.default else ''}")
    extra = sorted(
        p.name for p in models_dir().glob("*") if p.is_dir() and p.name not in registry()
    )
    for name in extra:
        test = "  TEST MODEL (random weights)" if read_marker(models_dir() / name) else ""
        typer.echo(f"{name:28} {'(folder)':40} local{test}")


@models_app.command("pull")
def pull(
    name: str = typer.Argument(..., help="Registry name or hub id (owner/name)."),
    dest: Path | None = typer.Option(None, "--dest", help="Folder (default models/NAME)."),
) -> None:
    """Download a model from the Hugging Face hub into the models folder (needs network).

    Example: mekong models pull nllb-200-distilled-600M
    """
    from toolkit.models import pull as pull_model

    hub_id, target = pull_model(name, dest)
    typer.echo(f"downloaded {hub_id} into {target}")


@models_app.command("build-tiny")
def build_tiny_command(
    out: Path = typer.Argument(Path("models/tiny-nllb"), help="Output folder."),
    glossary: list[Path] = opts.glossary_option(
        "Glossary files whose terms the tokenizer must cover.", []
    ),
) -> None:
    """Build the tiny random-weight test model (its translations are meaningless).

    Example: mekong models build-tiny models/tiny-nllb
    """
    from toolkit.engines.tiny import build_tiny
    from toolkit.models import vocabulary_glossaries

    extra = vocabulary_glossaries(glossary)
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UsageError(f"{out.parent}: cannot create folder ({exc.strerror})") from None
    build_tiny(out, extra_files=extra)
    typer.echo(f"built test model in {out} (random weights: output is meaningless)")


@models_app.command("build-toy")
def build_toy_command(
    out: Path = typer.Argument(Path("models/toy-nllb"), help="Output folder."),
    small: bool = typer.Option(False, "--small", help="The small variant the tests use (~1 min)."),
    steps: int | None = typer.Option(None, "--steps", min=1, help="Training steps (default 3000)."),
) -> None:
    """Train the toy test model on sentences the project wrote (a few minutes on 2 cores).

    Unlike the random tiny model it has preferences (it ends sentences, renders each institution
    its own way), so term placement can be measured; it is still a TEST MODEL.
    Example: mekong models build-toy models/toy-nllb
    """
    from dataclasses import replace

    from toolkit.engines.toy import ToySpec, build_toy

    spec = ToySpec.small() if small else ToySpec()
    if steps:
        spec = replace(spec, steps=steps)
    build_toy(out, spec, log=lambda line: typer.echo(line, err=True))
    typer.echo(f"built toy test model in {out} (trained on project sentences; a TEST MODEL)")


@models_app.command("convert")
def convert_command(
    name: str = typer.Argument(..., help="Registry name or transformers model folder."),
    quantization: str = typer.Option(
        "int8", "--quantization", help="int8 (fast on CPU), float32 (exact), float16, ..."
    ),
    output: Path | None = opts.output_option("Output folder (default models/NAME-ct2)."),
    out_alias: Path | None = opts.OUT_ALIAS,
    force: bool = opts.force_option("Replace an existing output folder."),
    glossary: list[Path] = opts.glossary_option(
        "Glossaries whose terms the output vocabulary maps keep (default glossaries/*.tsv).", []
    ),
) -> None:
    """Convert a model for the ctranslate2 engine (`mekong translate --engine ctranslate2`).

    Also writes the output vocabulary maps (vmap-km.txt ... and their union vmap.txt, which
    the engine uses): per target its script, Latin, digits, punctuation and every piece a
    glossary term needs.
    Example: mekong models convert nllb-200-distilled-600M --quantization int8
    """
    from toolkit.engines.convert import convert_model
    from toolkit.models import read_marker, resolve, vocabulary_glossaries

    out = opts.pick(output, out_alias)
    glossaries = vocabulary_glossaries(glossary)
    target = convert_model(resolve(name), out, quantization, force, glossaries)
    note = " (TEST MODEL: random weights)" if read_marker(target) else ""
    typer.echo(f"converted {name} into {target} ({quantization}){note}")
    typer.echo(f"use it: mekong translate FILE --engine ctranslate2 --model {target}")
