"""The Typer application and the single place where errors become exit codes."""

from __future__ import annotations

import sys

import typer

from toolkit import __version__
from toolkit.errors import MekongError

app = typer.Typer(
    name="mekong",
    help="Translate official speeches and documents between en, km, lo, th and vi.",
    no_args_is_help=False,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)


def _click_exception_class() -> type[Exception]:
    """The ClickException of whichever click the installed typer uses.

    typer < 0.2x uses the `click` package; newer typer bundles its own copy (`typer._click`),
    whose exceptions are not `click.ClickException`. `typer.BadParameter` is public in both and
    derives from the right one, so its MRO names the class to catch.
    """
    for cls in typer.BadParameter.__mro__:
        if cls.__name__ == "ClickException":
            return cls
    return typer.BadParameter  # pragma: no cover - every typer release has ClickException


CLICK_EXCEPTION = _click_exception_class()


def _show_version(value: bool) -> None:
    if value:
        typer.echo(f"mekong {__version__}")
        raise typer.Exit(0)


@app.callback()
def _root(
    debug: bool = typer.Option(False, "--debug", help="Show full tracebacks on errors."),
    version: bool = typer.Option(
        False,
        "--version",
        is_eager=True,
        callback=_show_version,
        expose_value=False,
        help="Print the version and exit.",
    ),
) -> None:
    """Options before the command apply to every command."""


def run(argv: list[str] | None = None) -> int:
    """Run the CLI and return the exit code; errors become one line on stderr.

    Usage errors (unknown option or command, missing argument, no command) are click's own
    message with the `--help` hint and exit 2; library errors use their family's exit code.
    """
    args = list(sys.argv[1:] if argv is None else argv)
    debug = "--debug" in args
    try:
        code = app(args=args, prog_name="mekong", standalone_mode=False)
    except MekongError as exc:
        if debug:
            raise
        typer.echo(f"error: {exc.phrase(flag_of)}", err=True)
        return exc.exit_code
    except typer.Exit as exc:
        return exc.exit_code
    except typer.Abort:
        typer.echo("error: aborted", err=True)
        return 130
    except CLICK_EXCEPTION as exc:
        _show_usage_error(exc)
        return int(getattr(exc, "exit_code", 2))
    except KeyboardInterrupt:
        typer.echo("error: interrupted; nothing stored was changed", err=True)
        return 130
    except BrokenPipeError:
        _silence_stdout()
        return 0
    except OSError as exc:
        if debug:
            raise
        typer.echo(f"error: {exc.strerror or exc}: {exc.filename or ''}".rstrip(": "), err=True)
        return 1
    return code if isinstance(code, int) else 0


def flag_of(option: str) -> str:
    """The flag of a library option named in an error (`no_glossary` -> `--no-glossary`)."""
    return "--" + option.replace("_", "-")


def _show_usage_error(exc: Exception) -> None:
    """Two lines: click's own message, then the `--help` hint of the command it concerns."""
    message = exc.format_message()  # type: ignore[attr-defined]
    typer.echo(f"error: {message}", err=True)
    ctx = getattr(exc, "ctx", None)
    if ctx is not None:
        typer.echo(f"Try '{ctx.command_path} --help' for help.", err=True)


def _silence_stdout() -> None:
    """After a closed pipe (`mekong export ... | head`), stop Python's exit-time flush error."""
    import os

    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except OSError:
        pass
