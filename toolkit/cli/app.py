"""The Typer application and the single place where errors become exit codes."""

from __future__ import annotations

import sys

import click
import typer

from toolkit.errors import MekongError

app = typer.Typer(
    name="mekong",
    help="Translate official speeches and documents between en, km, lo, th and vi.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)

STATE = {"debug": False}


@app.callback()
def _root(
    debug: bool = typer.Option(False, "--debug", help="Show full tracebacks on errors."),
) -> None:
    STATE["debug"] = debug


def fail(message: str, code: int = 1) -> None:
    """Print one line to stderr and exit (for CLI-level checks that are not library errors)."""
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(code)


def run(argv: list[str] | None = None) -> int:
    """Run the CLI and return the exit code; library errors become one line on stderr."""
    args = list(sys.argv[1:] if argv is None else argv)
    debug = "--debug" in args
    try:
        code = app(args=args, prog_name="mekong", standalone_mode=False)
    except MekongError as exc:
        if debug:
            raise
        typer.echo(f"error: {exc}", err=True)
        return exc.exit_code
    except click.exceptions.Exit as exc:
        return exc.exit_code
    except click.exceptions.Abort:
        typer.echo("error: aborted", err=True)
        return 130
    except click.ClickException as exc:
        exc.show()
        return exc.exit_code
    except KeyboardInterrupt:
        typer.echo("error: interrupted; nothing stored was changed", err=True)
        return 130
    except BrokenPipeError:
        return 0
    except OSError as exc:
        if debug:
            raise
        typer.echo(f"error: {exc.strerror or exc}: {exc.filename or ''}".rstrip(": "), err=True)
        return 1
    return code if isinstance(code, int) else 0
